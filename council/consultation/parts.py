"""Parts of a consultation's page offered by its sub-apps (questionnaires), so that the
consultation's core never imports them (council.core.page_parts).
"""

from typing import Any

from council.consultation.models import Consultation
from council.core.page_parts import PageParts
from council.core.page_parts import PartContext

_parts = PageParts()


def register_part(name: str, *, template: str, context: PartContext) -> None:
    """Offer a part of the consultation's page: `context(user=, consultation=)` fills `template`."""
    _parts.register(name, template=template, context=context)


def consultation_parts(*, user: Any, consultation: Consultation) -> list[dict[str, Any]]:
    """The parts to show this person, as {"name", "template", "context"}."""
    return _parts.shown(user=user, consultation=consultation)
