"""What consultation's sub-apps add to the consultation socket, so that its consumer never imports them.

A sub-app (questionnaires) registers what a person's rights give their socket
(`register_audience`): the audience groups it joins and the capabilities the pages show
(`Rights`), read on connect and again whenever those rights may have changed (a role, a
membership, the questionnaire's settings, a phase); and the event types the socket relays
(`register_event`): events go to a group, never filtered per socket.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass
class Rights:
    """What a person's rights give one consultation socket: groups to be in, capabilities to show."""

    groups: list[str] = field(default_factory=list)
    capabilities: dict[str, bool] = field(default_factory=dict)


Audience = Callable[[Any, int], Rights]  # (user, consultation id) -> their rights on that socket

_audiences: list[Audience] = []
_events: set[str] = set()


def register_audience(rights: Audience) -> None:
    """`rights(user, consultation_id)` says what a socket of `user` is given (called in a database thread)."""
    if rights in _audiences:
        raise ImproperlyConfigured("This audience is registered twice.")
    _audiences.append(rights)


def register_event(type_: str) -> None:
    """Have every consultation socket relay group messages of `type_` as they are."""
    _events.add(type_)


def socket_rights(user: Any, consultation_id: int) -> Rights:
    """Every sub-app's rights of `user` on the consultation's socket, together."""
    together = Rights()
    for audience in _audiences:
        rights = audience(user, consultation_id)
        together.groups += rights.groups
        together.capabilities.update(rights.capabilities)
    return together


def is_relayed(type_: str) -> bool:
    return type_ in _events
