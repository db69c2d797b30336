"""Ending the session at an identity provider when a person logs out here.

An identity provider (FranceConnect) keeps its own session: logging out of Council alone
would let the next person on a shared computer log in again without a password. A higher
app registers `begin(request)`, read before the local log-out: it answers where to send the
browser (the provider's end-session address) and what to keep in the new, anonymous
session (the `state` the provider will send back), or None.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class SessionEnd:
    url: str
    keep: dict[str, Any] = field(default_factory=dict)


_begins: list[Callable[[HttpRequest], SessionEnd | None]] = []


def register(begin: Callable[[HttpRequest], SessionEnd | None]) -> None:
    if begin not in _begins:
        _begins.append(begin)


def begin(request: HttpRequest) -> SessionEnd | None:
    """The provider session to end for `request`'s person, if any (the first registered wins)."""
    for ask in _begins:
        end = ask(request)
        if end is not None:
            return end
    return None
