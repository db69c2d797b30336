"""Who counts as present for a vote restricted to those present.

The assembly module (council/voting/assembly) knows the council's rules (signed in in the
hall, online, each countable or not) and registers its check here; until one is
registered, present means connected to the vote's room now (rooms' presence rows).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from council.accounts.models import User
    from council.voting.ballots.models import Vote

PresenceCheck = Callable[["Vote", "User"], bool]

_checks: list[PresenceCheck] = []


def register_presence_check(check: PresenceCheck) -> None:
    """Let `check(vote, user)` decide who is present (the last registered wins)."""
    _checks.append(check)


def is_present(vote: "Vote", user: "User") -> bool:
    if _checks:
        return _checks[-1](vote, user)
    from council.rooms.models import Presence

    return vote.room_id is not None and Presence.objects.filter(room_id=vote.room_id, user=user).exists()
