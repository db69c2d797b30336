"""Where a workshop's report back can be sent once the meeting is over: a registry of report destinations.

workshops owns the report (a summary and a few key proposals, reports.py); a module that can
receive one (consultation: a contribution of an open consultation) registers here, from its
`AppConfig.ready()`, the way `groups.segments.register_behaviour` lets a module add a condition.
workshops never imports the module, and the module never reads workshops' models: it receives
the report as a `ReportBack`, and asks its own rules about its own objects.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ReportBack:
    """A workshop's report as a destination receives it."""

    council_id: int
    workshop_id: int
    name: str
    topic: str
    summary: str
    proposals: tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    """One place a destination offers (an open consultation): its id in the module, and its name."""

    id: int
    label: str


ChoicesReader = Callable[[Any, int], list[Choice]]  # (actor, council id) -> where they may send
Deliver = Callable[..., str]  # deliver(actor=, report=, choice_id=) -> the URL of what was made


@dataclass(frozen=True)
class Destination:
    name: str
    label: Callable[[], str]
    choices: ChoicesReader
    deliver: Deliver


_destinations: dict[str, Destination] = {}


def register_destination(name: str, *, label: Callable[[], str], choices: ChoicesReader, deliver: Deliver) -> None:
    """A module receiving reports: `choices(actor, council_id)` lists where `actor` may send one
    (its own rule decides), `deliver(actor=, report=, choice_id=)` makes it there (a service that
    asks the rule again) and returns the URL of the result."""
    if name in _destinations and _destinations[name].deliver is not deliver:
        raise ImproperlyConfigured(f"Report destination {name!r} is registered twice.")
    _destinations[name] = Destination(name=name, label=label, choices=choices, deliver=deliver)


def destination(name: str) -> Destination | None:
    return _destinations.get(name)


def offered(actor: Any, council_id: int) -> list[dict[str, Any]]:
    """Every destination with the places `actor` may send to, for the outputs page (none: left out)."""
    found = []
    for item in _destinations.values():
        choices = item.choices(actor, council_id)
        if choices:
            found.append({"name": item.name, "label": item.label(), "choices": choices})
    return found
