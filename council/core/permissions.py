"""Permission plumbing shared by every app: one vocabulary, `<app>.<verb>_<noun>`."""

from typing import Any

from guardian.backends import ObjectPermissionBackend as GuardianBackend
from guardian.exceptions import WrongAppError

from council.core.errors import AccessDenied


def require_perm(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise AccessDenied unless `actor` holds the action permission `perm` on `obj`."""
    if not actor.has_perm(perm, obj):
        raise AccessDenied(perm)


class ObjectPermissionBackend(GuardianBackend):
    """Guardian's backend, answering "no" to a permission of another app than the object's.

    Actions may be asked about an object of another app (`rooms.create_room` on a
    Council); rules answers those, and guardian would otherwise raise WrongAppError
    for everyone rules refused.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        try:
            return super().has_perm(user_obj, perm, obj)
        except WrongAppError:
            return False
