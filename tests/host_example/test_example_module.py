"""A module registered with the host: its command is validated and answered, its section is in
the snapshot, and its fact is read in bulk when a wave moves people."""

from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from council.core import facts
from council.core.memo import remembered
from council.rooms import host
from council.rooms import moves
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path
from tests.host_example import module
from tests.protocol import document_also

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def example_module(monkeypatch):
    document_also(monkeypatch, Path(__file__).with_name("asyncapi.yaml"))
    for registry, name in ((host, "_commands"), (host, "_events"), (host, "_parts"), (host, "_sections"), (facts, "_facts")):
        monkeypatch.setattr(registry, name, dict(getattr(registry, name)))
    module.loads.clear()
    module.register()
    return module


async def test_its_command_is_validated_then_answered_and_its_section_is_in_the_snapshot(
    example_module, room, user_with_role
):
    person = await database_sync_to_async(user_with_role)("member", room.council, preferred_language="en")
    neighbour = await database_sync_to_async(user_with_role)("member", room.council)
    socket, snapshot = await connect(room_path(room.pk), user=person)
    other, _ = await connect(room_path(room.pk), user=neighbour)
    assert snapshot["payload"]["example"] == {"likes": person.pk % 2 == 0}

    await socket.send_json_to(command("example.cheer", "c1", text="Bravo", times="2"))
    assert (await answer_to(socket, "c1"))["payload"] == {"code": "invalid", "message": "“times” must be a whole number in range."}
    await socket.send_json_to(command("example.cheer", "c2", text="Bravo", times=2))
    assert (await answer_to(socket, "c2")) == {
        "type": "ack",
        "request_id": "c2",
        "payload": {"cheer": "Bravo Bravo", "likes": person.pk % 2 == 0, "sent": 1},
    }
    # its event reaches the room; its socket part kept count on this socket
    assert (await next_frame_of(other, "example.cheered"))["payload"] == {"by": person.pk, "cheer": "Bravo Bravo"}
    await socket.send_json_to(command("example.cheer", "c3", text="Encore"))
    assert (await answer_to(socket, "c3"))["payload"]["sent"] == 2
    await socket.disconnect()
    await other.disconnect()


def test_its_fact_is_read_in_bulk_when_a_wave_moves_people(example_module, room, user_with_role):
    people = [user_with_role("member", room.council) for _ in range(4)]

    with remembered():
        moves.remember_facts(people, {room.pk})  # step 1 of every wave (council/rooms/moves.py)
        answers = [example_module.likes(person, room) for person in people]

    assert answers == [person.pk % 2 == 0 for person in people]
    assert example_module.loads == [4]  # one read for the four of them, none one by one
