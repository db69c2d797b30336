"""Sections of a council's page offered by the modules above councils (rooms: its meetings).

councils may not import those modules; each registers a section in its `apps.py` instead,
and the council page shows them in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from council.councils.models import Council

#: builds a section's template context for a person, or None when it has nothing for them
SectionContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    name: str
    template: str
    context: SectionContext


_sections: dict[str, Section] = {}


def register_section(name: str, *, template: str, context: SectionContext) -> None:
    """Offer a section of the council page: `context(user=, council=)` fills `template`."""
    _sections[name] = Section(name, template, context)


def council_sections(*, user: Any, council: Council) -> list[dict[str, Any]]:
    """The sections to show this person, as {"name", "template", "context"}."""
    shown = []
    for section in _sections.values():
        context = section.context(user=user, council=council)
        if context is not None:
            shown.append({"name": section.name, "template": section.template, "context": context})
    return shown
