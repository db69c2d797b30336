"""Group names for people, whatever council or room they are in."""


def user_group(user_id: int) -> str:
    """Every socket of one person joins this group; private events go there."""
    return f"user.{user_id}"
