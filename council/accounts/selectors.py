"""Reads about people: which verifications they hold."""

from django.db.models import Q

from council.accounts.models import User
from council.accounts.models import Verification


def has_verification(user: User, kind: str, *, council_id: int | None = None) -> bool:
    """Whether `user` holds a verification of `kind`: instance-wide, or for `council_id` if given.

    Without `council_id`, one obtained through any council counts.
    """
    if not user.is_authenticated:
        return False
    found = Verification.objects.filter(user=user, kind=kind)
    if council_id is not None:
        found = found.filter(Q(council_id=council_id) | Q(council__isnull=True))
    return found.exists()


def verification_list(user: User) -> list[Verification]:
    """The verifications `user` holds, newest first."""
    return list(Verification.objects.filter(user=user).select_related("council").order_by("-verified_at"))
