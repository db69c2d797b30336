"""Sections of a council's page offered by the modules above councils (rooms: its meetings).

councils may not import those modules; each registers a section in its `apps.py` instead
(council.core.page_parts).
"""

from typing import Any

from council.core.page_parts import PageParts
from council.core.page_parts import PartContext
from council.councils.models import Council

_sections = PageParts()


def register_section(name: str, *, template: str, context: PartContext) -> None:
    """Offer a section of the council page: `context(user=, council=)` fills `template`."""
    _sections.register(name, template=template, context=context)


def council_sections(*, user: Any, council: Council) -> list[dict[str, Any]]:
    """The sections to show this person, as {"name", "template", "context"}."""
    return _sections.shown(user=user, council=council)
