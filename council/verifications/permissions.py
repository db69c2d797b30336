"""Who manages a council's census list and codes; the predicate that asks a thing's requirement."""

from collections.abc import Callable
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.permissions import predicate
from council.councils.models import Council
from council.councils.permissions import council_of
from council.councils.permissions import is_council_administrator
from council.councils.permissions import is_council_facilitator
from council.verifications.requirements import is_met
from council.verifications.requirements import require_verified
from council.verifications.requirements import requirement_of


def meets_requirement_of(
    target: Callable[[Any], Any], council: Callable[[Any], Council] = council_of
) -> rules.Predicate:
    """A predicate: the person holds what `target(obj)` requires (a budget of a project…) in its council."""

    def holds(user: User | AnonymousUser, obj: Any) -> bool:
        thing = target(obj) if obj is not None else None
        requirement = requirement_of(thing)
        return not requirement or is_met(user, council(thing), requirement)

    return predicate(holds)


#: the person holds what the object itself requires (no query when it requires nothing)
meets_requirement = meets_requirement_of(lambda obj: obj)


def require_perm_verified(actor: Any, perm: str, obj: Any, *, requires: Any = None, next_url: str = "") -> None:
    """`require_perm`, but a refusal due to a missing verification says which, with the link to obtain it.

    `requires`: the thing whose requirement counts (default `obj`).
    """
    if actor.has_perm(perm, obj):
        return
    thing = obj if requires is None else requires
    require_verified(actor, council_of(thing), thing, next_url)
    raise AccessDenied(perm)


rules.add_perm("verifications.import_census", is_council_administrator)
rules.add_perm("verifications.issue_code", is_council_facilitator)
