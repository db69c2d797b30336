"""Group names for people, whatever council or room they are in."""

#: internal (never forwarded): the person's rights in a council changed; sockets re-check them
ROLE_CHANGED = "councils.role_changed"


def user_group(user_id: int) -> str:
    """Every socket of one person joins this group; private events go there."""
    return f"user.{user_id}"
