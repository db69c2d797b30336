import itertools

import pytest

from council.rooms import services as room_services
from council.workshops import services


@pytest.fixture
def facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, display_name="Fatou Facilitatrice")


@pytest.fixture
def members(room, user_with_role):
    return [user_with_role("member", room.council, display_name=f"Membre {i:02d}") for i in range(6)]


@pytest.fixture
def resident(room, user_with_role):
    return user_with_role("resident", room.council, display_name="Rémi Résident")


@pytest.fixture
def make_session(room, facilitator):
    def make(count=2, **options):
        specs = [{"name": f"Atelier {i + 1}", "topic": f"Sujet {i + 1}"} for i in range(count)]
        return services.session_create(
            actor=facilitator, room_id=room.pk, title="Ateliers", workshops=specs, **options
        )

    return make


@pytest.fixture
def present():
    """Return a maker: `present(room, *people)` opens one (fake) socket each in the room.

    The Presence rows are what a real socket writes when it joins (rooms.services.room_join).
    """
    sockets = itertools.count()

    def make(room, *people, hidden=False):
        for person in people:
            room_services.room_join(
                actor=person,
                room_id=room.pk,
                channel_name=f"test.socket.{next(sockets)}",
                hidden=hidden,
            )

    return make
