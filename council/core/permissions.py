"""Permission plumbing shared by every app: one vocabulary, `<app>.<verb>_<noun>`."""

from typing import Any

import rules
from guardian.backends import ObjectPermissionBackend as GuardianBackend
from guardian.exceptions import WrongAppError

from council.core.errors import AccessDenied


def require_perm(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise AccessDenied unless `actor` holds the action permission `perm` on `obj`."""
    if not actor.has_perm(perm, obj):
        raise AccessDenied(perm)


class ObjectPermissionBackend(GuardianBackend):
    """Guardian's backend, for the grants it stores (roles, room facilitators) only.

    Actions (`rooms.send_message`…) are rules' to answer: Django asks every backend
    until one says yes, so without this guardian would read the grants again (two
    queries) for every "no" of rules — most of the cost of moving a socket into a
    workshop. No grant is stored under an action's name, so its answer would be no.
    Actions may also be asked about an object of another app (`rooms.create_room` on a
    Council), for which guardian would raise WrongAppError.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if rules.perm_exists(perm):
            return False
        try:
            return super().has_perm(user_obj, perm, obj)
        except WrongAppError:
            return False
