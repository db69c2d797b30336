"""Group names for people, whatever council or room they are in."""

from council.core.process_cache import personal_groups

#: internal (never forwarded): the person's rights in a council changed; sockets re-check them
ROLE_CHANGED = "councils.role_changed"


def user_group(user_id: int) -> str:
    """Every socket of one person joins this group; private events go there."""
    return f"user.{user_id}"


personal_groups("user.")  # a person's last socket leaving keeps the rooms' views (process_cache)


def person_of_group(group: str) -> list[str]:
    """The process-cache tag of the person a `user_group` is for ([] for any other group)."""
    from council.core.process_cache import person_tag

    prefix, _dot, user_id = group.partition(".")
    return [person_tag(int(user_id))] if prefix == "user" and user_id.isdigit() else []
