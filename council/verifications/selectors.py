"""Reads: a person's verifications, the kinds a requirement names and how to obtain them, a council's codes."""

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Count
from django.db.models import Q
from django.utils import timezone

from council.accounts.models import User
from council.accounts.models import Verification
from council.councils.models import Council
from council.verifications import kinds
from council.verifications.models import CensusList
from council.verifications.models import VerificationCode
from council.verifications.requirements import Requirement
from council.verifications.requirements import held_kinds


@dataclass(frozen=True)
class Held:
    """One verification as its holder sees it."""

    label: str
    council: str
    verified_at: Any
    claims: dict[str, Any]
    id: int | None  # None: not revoked here (an e-mail address, changed on the e-mail page)


def verification_list(user: User) -> list[Held]:
    """What the person holds: a verified e-mail address first, then their verifications, newest first."""
    held: list[Held] = []
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        held.append(Held(kinds.label(kinds.EMAIL), "", None, {}, None))
    rows = Verification.objects.filter(user=user).select_related("council").order_by("-verified_at", "-pk")
    held.extend(
        Held(kinds.label(row.kind), row.council.name if row.council else "", row.verified_at, row.claims, row.pk)
        for row in rows
    )
    return held


@dataclass(frozen=True)
class Offer:
    """A kind a requirement names, for the page that explains how to obtain it."""

    key: str
    label: str
    proves: str
    held: bool
    url: str  # "" if the council does not offer it


def offers(user: User, council: Council, requirement: Requirement) -> list[Offer]:
    """Each kind of `requirement` (every kind if it names none): held or not, and where to obtain it."""
    names = requirement.kinds or tuple(kind.key for kind in kinds.all_kinds())
    held = held_kinds(user, council, names)
    result = []
    for name in names:
        kind = kinds.get(name)
        if kind is not None:
            result.append(Offer(name, str(kind.label), str(kind.proves), name in held, kind.obtain_url(council)))
    return result


def census_get(council: Council) -> CensusList | None:
    return CensusList.objects.filter(council=council).first()


def code_counts(council: Council) -> dict[str, int]:
    """How many of the council's codes are waiting, used, expired (no code is ever shown again)."""
    now = timezone.now()
    return VerificationCode.objects.filter(council=council).aggregate(
        used=Count("pk", filter=Q(used_at__isnull=False)),
        waiting=Count("pk", filter=Q(used_at__isnull=True, expires_at__gt=now)),
        expired=Count("pk", filter=Q(used_at__isnull=True, expires_at__lte=now)),
    )
