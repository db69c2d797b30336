"""A council with ten members in office (a facilitator and nine members), a room, and a resident."""

from types import SimpleNamespace

import pytest
from django.db import transaction

from council.voting.assembly import services


@pytest.fixture
def meeting(room, user_with_role):
    official = user_with_role("facilitator", room.council, display_name="Fanny Facilitatrice")
    members = [user_with_role("member", room.council, display_name=f"Membre {n:02d}") for n in range(9)]
    resident = user_with_role("resident", room.council, display_name="Rémi Résident")
    return SimpleNamespace(
        room=room, council=room.council, official=official, members=members, in_office=[official, *members],
        resident=resident,
    )


@pytest.fixture
def sitting(meeting):
    services.sitting_open(actor=meeting.official, room_id=meeting.room.pk)
    return meeting.room.sittings.get(closed_at__isnull=True)


def sign_in(sitting, official, people):
    for person in people:
        with transaction.atomic():
            services.hall_sign_in(actor=official, sitting_id=sitting.pk, user_id=person.pk)
