"""The predicate that modules with an age range compose into their participation rules."""

from typing import Any

from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.core.permissions import predicate
from council.youth import selectors


@predicate
def age_allows(user: User | AnonymousUser, obj: Any) -> bool:
    """`obj` (with `min_age`/`max_age`) is open to the person's age (council/youth/selectors.py)."""
    return selectors.age_allows(user, obj)
