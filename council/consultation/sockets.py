"""What consultation's sub-apps add to the consultation socket, so that its consumer never imports them.

A sub-app (questionnaires) registers the audience groups a socket joins on connect, chosen by
the person's rights then (`register_audience`), and the event types the socket relays
(`register_event`): events go to a group, never filtered per socket.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Audience = Callable[[Any, int], list[str]]  # (user, consultation id) -> the groups to join

_audiences: list[Audience] = []
_events: set[str] = set()


def register_audience(groups: Audience) -> None:
    """`groups(user, consultation_id)` names the groups a socket of `user` joins on connect (in a database thread)."""
    if groups in _audiences:
        raise ImproperlyConfigured("This audience is registered twice.")
    _audiences.append(groups)


def register_event(type_: str) -> None:
    """Have every consultation socket relay group messages of `type_` as they are."""
    _events.add(type_)


def audience_groups(user: Any, consultation_id: int) -> list[str]:
    return [group for groups in _audiences for group in groups(user, consultation_id)]


def is_relayed(type_: str) -> bool:
    return type_ in _events
