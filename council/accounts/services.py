from django.db import transaction

from council.accounts.models import User


@transaction.atomic
def profile_update(*, actor: User, display_name: str, preferred_language: str) -> User:
    """Change the actor's own profile."""
    actor.display_name = display_name.strip()
    actor.preferred_language = preferred_language
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["display_name", "preferred_language"])
    return actor
