"""A council with a facilitator and residents, and consultations in any phase."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from council.consultation import services
from council.consultation.models import Consultation
from council.consultation.models import PhaseKind

ORDER = [PhaseKind.INFORMATION, PhaseKind.CONTRIBUTIONS, PhaseKind.QUESTIONNAIRE, PhaseKind.RESULTS]


@pytest.fixture
def council(council_factory):
    return council_factory()


@pytest.fixture
def moderator(council, user_with_role):
    return user_with_role("facilitator", council)


@pytest.fixture
def resident(council, user_with_role):
    return user_with_role("resident", council)


def phases_around(current: str | None, now=None) -> list[tuple[str, Any, Any]]:
    """The four phases, a week each, placed so that `current` runs now (None: before the first)."""
    now = now or timezone.now()
    index = ORDER.index(current) if current in ORDER else -1
    start = now - timedelta(days=7 * index + 1) if index >= 0 else now + timedelta(days=1)
    return [(kind, start + timedelta(days=7 * i), start + timedelta(days=7 * (i + 1))) for i, kind in enumerate(ORDER)]


@pytest.fixture
def make_consultation(council, moderator) -> Callable[..., Consultation]:
    """Return a maker: `make_consultation(phase="contributions", groups=[...], published=True, **fields)`."""

    def make(*, phase: str | None = PhaseKind.CONTRIBUTIONS, groups=(), published: bool = True, **fields: Any) -> Consultation:
        fields.setdefault("title", "Réaménager la place du marché")
        fields.setdefault("description", "Vos idées pour la place.")
        fields.setdefault("categories", ["Mobilité", "Espaces verts"])
        return services.consultation_create(
            actor=moderator, council=council, phases=phases_around(phase), eligible_group_ids=[g.pk for g in groups],
            is_published=published, **fields,
        )

    return make


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


@pytest.fixture
def submit(resident) -> Callable[..., Any]:
    """Submit a contribution as `actor` (the resident by default)."""

    def make(consultation, *, actor=None, title="Plus d'arbres", body="Planter des arbres le long de la rue.", **fields):
        return services.contribution_submit(
            actor=actor or resident, consultation_id=consultation.pk, title=title, body=body, **fields
        )

    return make
