from typing import Any

from django.db import transaction
from django.utils import timezone

from council.accounts.models import User
from council.accounts.models import Verification


@transaction.atomic
def profile_update(*, actor: User, display_name: str, preferred_language: str) -> User:
    """Change the actor's own profile."""
    actor.display_name = display_name.strip()
    actor.preferred_language = preferred_language
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["display_name", "preferred_language"])
    return actor


@transaction.atomic
def verification_record(
    *, user: User, kind: str, council_id: int | None, claims: dict[str, Any]
) -> Verification:
    """Record (or renew) that `user` proved `kind` just now, keeping `claims` as proved."""
    verification, _ = Verification.objects.update_or_create(
        user=user,
        kind=kind,
        council_id=council_id,
        defaults={"claims": claims, "verified_at": timezone.now()},
    )
    return verification
