"""Parts of a page offered by modules the page's own app may not import (layers): each module
registers a part in its `apps.py`, and the page shows those that have something for the person,
in the order they were registered. Used by the council's page and the consultation's page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

#: builds a part's template context for a person, or None when it has nothing for them
PartContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class Part:
    name: str
    template: str
    context: PartContext


@dataclass
class PageParts:
    parts: dict[str, Part] = field(default_factory=dict)

    def register(self, name: str, *, template: str, context: PartContext) -> None:
        self.parts[name] = Part(name, template, context)

    def shown(self, **page: Any) -> list[dict[str, Any]]:
        """The parts to show, as {"name", "template", "context"}; `page` goes to each context builder."""
        shown = []
        for part in self.parts.values():
            context = part.context(**page)
            if context is not None:
                shown.append({"name": part.name, "template": part.template, "context": context})
        return shown
