"""Permission plumbing shared by every app: one vocabulary, `<app>.<verb>_<noun>`."""

from collections.abc import Callable
from typing import Any
from typing import Protocol

import rules
import rules.permissions
from guardian.backends import ObjectPermissionBackend as GuardianBackend
from guardian.exceptions import WrongAppError

from council.core.errors import AccessDenied
from council.core.memo import recall


class PermissionHolder(Protocol):
    """Whoever may be asked about an action: accounts' User (core imports no app above it)."""

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


def predicate(fn: Callable[..., bool]) -> rules.Predicate:
    """`rules.predicate`, typed: rules' decorator carries no annotations, which strict mypy refuses."""
    made: rules.Predicate = rules.predicate(fn)
    return made


def require_perm(actor: PermissionHolder, perm: str, obj: Any = None) -> None:
    """Raise AccessDenied unless `actor` holds the action permission `perm` on `obj`."""
    if not actor.has_perm(perm, obj):
        raise AccessDenied(perm)


class RulesBackend(rules.permissions.ObjectPermissionBackend):
    """rules' backend, answering each question once per unit of work (council/core/memo.py).

    Composed rules ask the same permission again and again (whether the person follows
    the plenary is asked by half the workshop rules), and a wave of moving sockets asks a
    dozen per socket: each answer is worked out once inside `remembered()`, never outside.
    """

    def has_perm(self, user: Any, perm: str, *args: Any, **kwargs: Any) -> bool:
        obj = args[0] if args else None
        answer: Callable[..., bool] = super().has_perm
        if obj is None:
            return recall(("perm", user.pk, perm, None), lambda: answer(user, perm, *args, **kwargs))
        if getattr(obj, "_meta", None) is None or obj.pk is None:  # not a stored row: nothing to key on
            return answer(user, perm, *args, **kwargs)
        return recall(("perm", user.pk, perm, obj._meta.label, obj.pk), lambda: answer(user, perm, *args, **kwargs))


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
