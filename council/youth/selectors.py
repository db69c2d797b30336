"""Reads: a person's age, whether a parent must still consent, and the age range of an object."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.memo import recall
from council.youth.models import CONSENT_AGE
from council.youth.models import BirthDate
from council.youth.models import ParentalConsent


@dataclass(frozen=True)
class AgeFacts:
    born_on: date | None
    consent_confirmed: bool

    def age(self, today: date | None = None) -> int | None:
        return None if self.born_on is None else age_on(self.born_on, today or timezone.localdate())

    def needs_consent(self, today: date | None = None) -> bool:
        """Under 15 and no parent confirmed yet: the account may not be used."""
        age = self.age(today)
        return age is not None and age < CONSENT_AGE and not self.consent_confirmed


def age_on(born_on: date, today: date) -> int:
    """Whole years between `born_on` and `today` (a person born on 29 February is a year older on 1 March)."""
    return today.year - born_on.year - ((today.month, today.day) < (born_on.month, born_on.day))


def age_facts(user: User) -> AgeFacts:
    """The person's birth date and consent: one query, remembered per unit of work."""

    def read() -> AgeFacts:
        row = (
            User.objects.filter(pk=user.pk)
            .values_list("birth_date__born_on", "parental_consent__confirmed_at")
            .first()
        )
        born_on, confirmed_at = row or (None, None)
        return AgeFacts(born_on=born_on, consent_confirmed=confirmed_at is not None)

    return recall(("youth.age_facts", user.pk), read)


def birth_date_get(user: User) -> BirthDate | None:
    return BirthDate.objects.filter(user=user).first()


def parental_consent_get(user: User) -> ParentalConsent | None:
    return ParentalConsent.objects.filter(user=user).first()


def age_range(obj: Any) -> tuple[int | None, int | None]:
    """The ages (inclusive) a budget or a consultation is open to; (None, None) for everyone."""
    return getattr(obj, "min_age", None), getattr(obj, "max_age", None)


def age_range_text(min_age: int | None, max_age: int | None) -> str:
    if min_age is not None and max_age is not None:
        return _("aged %(min)s to %(max)s") % {"min": min_age, "max": max_age}
    if min_age is not None:
        return _("aged %(min)s and over") % {"min": min_age}
    return _("aged %(max)s or under") % {"max": max_age}


def age_allows(user: User | AnonymousUser, obj: Any) -> bool:
    """Whether the person's age lets them take part in `obj` (a budget, a consultation).

    Without a range, everyone. With one: a known birth date within it, and, under 15, a parent
    who consented.
    """
    min_age, max_age = age_range(obj)
    if min_age is None and max_age is None:
        return True
    if not user.is_authenticated:
        return False
    facts = age_facts(user)
    age = facts.age()
    if age is None or facts.needs_consent():
        return False
    return (min_age is None or age >= min_age) and (max_age is None or age <= max_age)


def needs_birth_date(user: User | AnonymousUser, obj: Any) -> bool:
    """`obj` is open to an age range and the person has not given their birth date yet."""
    return (
        user.is_authenticated
        and age_range(obj) != (None, None)
        and age_facts(user).born_on is None
    )


def age_refusal(user: User | AnonymousUser, obj: Any) -> str:
    """Why the person's age keeps them out of `obj`, in words, or "" when it does not."""
    if age_allows(user, obj):
        return ""
    ages = age_range_text(*age_range(obj))
    if not user.is_authenticated or age_facts(user).born_on is None:
        return _("This is open to people %(ages)s: give your birth date to take part.") % {"ages": ages}
    if age_facts(user).needs_consent():
        return _("A parent must first consent to your taking part.")
    return _("This is open only to people %(ages)s.") % {"ages": ages}


def age_range_sentence(obj: Any) -> str:
    """"Open to people aged 12 to 27." for an object with an age range, "" without one."""
    if age_range(obj) == (None, None):
        return ""
    return _("Open to people %(ages)s.") % {"ages": age_range_text(*age_range(obj))}
