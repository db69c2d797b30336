"""Parts of a consultation's page offered by its sub-apps (questionnaires), so that the
consultation's core never imports them: each registers a part in its `apps.py`, and the page
shows the parts that have something for the person, in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from council.consultation.models import Consultation

#: builds a part's template context for a person, or None when it has nothing for them
PartContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class Part:
    name: str
    template: str
    context: PartContext


_parts: dict[str, Part] = {}


def register_part(name: str, *, template: str, context: PartContext) -> None:
    """Offer a part of the consultation's page: `context(user=, consultation=)` fills `template`."""
    _parts[name] = Part(name, template, context)


def consultation_parts(*, user: Any, consultation: Consultation) -> list[dict[str, Any]]:
    """The parts to show this person, as {"name", "template", "context"}."""
    shown = []
    for part in _parts.values():
        context = part.context(user=user, consultation=consultation)
        if context is not None:
            shown.append({"name": part.name, "template": part.template, "context": context})
    return shown
