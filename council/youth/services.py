"""Writes: a person's birth date (given, or verified by FranceConnect) and their parent's consent."""

import hashlib
import secrets
from datetime import date
from datetime import datetime
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core import ratelimit
from council.core.errors import InvalidInput
from council.youth.models import BirthDate
from council.youth.models import ParentalConsent
from council.youth.selectors import age_on

#: a parent's confirmation link works this long
CONSENT_LINK_DAYS = 7
#: consent e-mails a person may have sent per hour (each to a parent's address they type)
CONSENT_REQUEST_RATE = "3/3600"
OLDEST = 130


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_plausible(born_on: date) -> None:
    today = timezone.localdate()
    if born_on > today:
        raise InvalidInput(_("A birth date cannot be in the future."))
    if age_on(born_on, today) > OLDEST:
        raise InvalidInput(_("Check the year of your birth date."))


@transaction.atomic
def birth_date_declare(*, actor: User, born_on: date) -> BirthDate:
    """Record the birth date the person gives. Given once: changing it afterwards (to step out of
    an age range or out of a parent's consent) is for the council's administrators."""
    _check_plausible(born_on)
    record, created = BirthDate.objects.select_for_update().get_or_create(
        user=actor, defaults={"born_on": born_on, "source": BirthDate.Source.DECLARED}
    )
    if not created:
        raise InvalidInput(_("Your birth date is already recorded."))
    return record


@transaction.atomic
def birth_date_from_franceconnect(*, user: User, birthdate: str) -> BirthDate | None:
    """Record the birth date FranceConnect verified (`YYYY-MM-DD`); it replaces a date the person
    gave. A date with an unknown month or day (`00`, as civil registers abroad may have) is taken
    at the latest day it can be, so that the person is never taken for older than they are.
    Nothing is recorded when the claim cannot be read."""
    try:
        year, month, day = (int(part) for part in birthdate.split("-"))
        month = month or 12
        if not day:
            day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        born_on = date(year, month, day)
    except (ValueError, AttributeError):
        return None
    record, _created = BirthDate.objects.update_or_create(
        user=user,
        defaults={"born_on": born_on, "source": BirthDate.Source.FRANCECONNECT, "recorded_at": timezone.now()},
    )
    return record


@transaction.atomic
def parental_consent_request(*, actor: User, parent_name: str, parent_email: str, site_url: str) -> ParentalConsent:
    """Ask a parent, by e-mail, to consent to `actor`'s use of Council; a new request replaces the
    one waiting (its link stops working). `site_url` is the instance's address, for the link."""
    parent_name, parent_email = parent_name.strip(), parent_email.strip()
    if not parent_name:
        raise InvalidInput(_("Give your parent's name."))
    if parent_email.lower() == actor.email.lower():
        raise InvalidInput(_("Give your parent's own e-mail address, not yours."))
    existing = ParentalConsent.objects.select_for_update().filter(user=actor).first()
    if existing is not None and existing.confirmed_at is not None:
        raise InvalidInput(_("Your parent already consented."))
    allowed, _hits = ratelimit.hit(f"parental-consent:{actor.pk}", CONSENT_REQUEST_RATE)
    if not allowed:
        raise InvalidInput(_("Too many e-mails were sent. Try again in an hour."))
    token = secrets.token_urlsafe(32)
    consent, _created = ParentalConsent.objects.update_or_create(
        user=actor,
        defaults={
            "parent_name": parent_name, "parent_email": parent_email,
            "token_hash": _token_hash(token), "requested_at": timezone.now(), "confirmed_at": None,
        },
    )
    link = f"{site_url.rstrip('/')}/accounts/parental-consent/confirm/{token}/"
    context = {"consent": consent, "child": actor, "link": link, "days": CONSENT_LINK_DAYS}
    message = {
        "subject": render_to_string("youth/email/parental_consent_subject.txt", context).strip(),
        "body": render_to_string("youth/email/parental_consent_message.txt", context),
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": [parent_email],
    }
    from council.accounts.tasks import (
        email_send_task,  # a task module imports services: not at import time
    )

    transaction.on_commit(lambda: email_send_task.delay(message))
    return consent


def parental_consent_pending(*, token: str, now: datetime | None = None) -> ParentalConsent:
    """The request a link's token names, still waiting and not expired; refused otherwise."""
    now = now or timezone.now()
    consent = ParentalConsent.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    if consent is None or consent.confirmed_at is not None:
        raise InvalidInput(_("This link is not valid, or was already used."))
    if consent.requested_at < now - timedelta(days=CONSENT_LINK_DAYS):
        raise InvalidInput(_("This link has expired: ask your child to send a new one."))
    return consent


@transaction.atomic
def parental_consent_confirm(*, token: str) -> ParentalConsent:
    """The parent confirms through the link they received: the account may be used from now on."""
    consent = parental_consent_pending(token=token)
    consent = ParentalConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.confirmed_at is not None:  # confirmed meanwhile, by a second click
        return consent
    consent.confirmed_at = timezone.now()
    consent.save(update_fields=["confirmed_at"])
    return consent
