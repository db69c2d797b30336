"""The registry of verification kinds: what each proves, who holds it, where to obtain it.

Built-in: e-mail verified, census check, code issued by an official. Higher apps add theirs
from their `AppConfig.ready` (identity adds FranceConnect), so this app names none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from council.accounts.models import Verification
from council.councils.models import Council

EMAIL = "email"
CENSUS = "census"
CODE = "code"


def held_as_row(key: str) -> Callable[[Council], Q]:
    """Holders of a kind recorded as a Verification row: for this council, or instance-wide."""

    def holders(council: Council) -> Q:
        rows = Verification.objects.filter(user=OuterRef("pk"), kind=key).filter(
            Q(council=council) | Q(council__isnull=True)
        )
        return Q(Exists(rows))

    return holders


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # lazy text: "Census check"
    proves: Any  # lazy text: what holding it says about the person
    #: where a person obtains it for this council ("" if the council does not offer it)
    obtain_url: Callable[[Council], str]
    #: a Q over users selecting those who hold it for this council (one SQL condition)
    holders: Callable[[Council], Q]
    #: held by the person's account itself (revoked elsewhere: e-mail addresses)
    revocable: bool = True


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _kinds[kind.key] = kind


def get(key: str) -> Kind | None:
    return _kinds.get(key)


def all_kinds() -> list[Kind]:
    return list(_kinds.values())


def choices() -> list[tuple[str, str]]:
    return [(kind.key, str(kind.label)) for kind in _kinds.values()]


def offered(council: Council) -> list[Kind]:
    """The kinds `council` lets people obtain (a census list imported, FranceConnect enabled…)."""
    return [kind for kind in _kinds.values() if kind.obtain_url(council)]


def label(key: str) -> str:
    kind = _kinds.get(key)
    return str(kind.label) if kind else key


def _email_holders(council: Council) -> Q:
    return Q(Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))


def _census_url(council: Council) -> str:
    from council.verifications.models import CensusList

    if not CensusList.objects.filter(council=council).exists():
        return ""
    return reverse("verification-census", kwargs={"council_slug": council.slug})


def _code_url(council: Council) -> str:
    return reverse("verification-code", kwargs={"council_slug": council.slug})


def register_builtin() -> None:
    register(Kind(
        EMAIL, _("E-mail address verified"), _("You can receive e-mail at your address."),
        obtain_url=lambda council: reverse("account_email"), holders=_email_holders, revocable=False,
    ))
    register(Kind(
        CENSUS, _("Census check"), _("You are on the council's list of eligible residents."),
        obtain_url=_census_url, holders=held_as_row(CENSUS),
    ))
    register(Kind(
        CODE, _("Code from the council"),
        _("You received a code from the council, by post or in person."),
        obtain_url=_code_url, holders=held_as_row(CODE),
    ))
