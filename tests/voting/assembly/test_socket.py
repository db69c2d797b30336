"""The sitting over the room socket: officials open it, everyone sees the quorum change live."""

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from council.core.memo import remembered
from council.rooms import moves
from council.rooms.services import Entry
from council.voting.assembly import selectors
from council.voting.assembly import services
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_sign_in_reaches_another_client_within_a_second(meeting):
    official_socket, _snapshot = await connect(room_path(meeting.room.pk), user=meeting.official)
    member = meeting.members[0]
    member_socket, member_snapshot = await connect(room_path(meeting.room.pk), user=member)
    assert member_snapshot["payload"]["assembly"]["sitting"] is None
    assert member_snapshot["payload"]["assembly"]["me"]["in_office"] is True

    await official_socket.send_json_to(command("assembly.open_sitting", "o1"))
    opened = await answer_to(official_socket, "o1")
    assert opened["type"] == "ack"
    assert opened["payload"]["quorum"]["required"] == 6
    sitting_id = opened["payload"]["sitting_id"]
    state = await next_frame_of(member_socket, "assembly.quorum_changed")
    assert state["payload"]["sitting"]["present"] == {"hall": 0, "online": 2}

    started = time.monotonic()
    await database_sync_to_async(services.hall_sign_in)(
        actor=meeting.official, sitting_id=sitting_id, user_id=member.pk
    )
    presence = await asyncio.wait_for(next_frame_of(member_socket, "assembly.presence_changed"), 1)
    state = await asyncio.wait_for(next_frame_of(member_socket, "assembly.quorum_changed"), 1)

    assert time.monotonic() - started < 1
    assert presence["payload"] == {"sitting_id": sitting_id, "user_id": member.pk, "kind": "hall"}
    assert state["payload"]["sitting"]["present"] == {"hall": 1, "online": 1}
    assert state["payload"]["sitting"]["quorum"]["present_counted"] == 1
    await official_socket.disconnect()
    await member_socket.disconnect()


async def test_official_commands_are_forbidden_to_a_member(meeting):
    socket, _ = await connect(room_path(meeting.room.pk), user=meeting.members[0])

    for number, type_ in enumerate(("assembly.open_sitting", "assembly.close_sitting", "assembly.check_quorum")):
        await socket.send_json_to(command(type_, f"f{number}"))
        answer = await answer_to(socket, f"f{number}")
        assert (answer["type"], answer["payload"]["code"]) == ("error", "forbidden")

    await socket.send_json_to(command("assembly.request_secret_ballot", "r1"))
    answer = await answer_to(socket, "r1")
    assert (answer["type"], answer["payload"]["code"]) == ("error", "no_sitting")
    await socket.disconnect()


async def test_a_member_present_asks_for_a_secret_ballot_and_withdraws(meeting):
    await database_sync_to_async(services.sitting_open)(actor=meeting.official, room_id=meeting.room.pk)
    socket, snapshot = await connect(room_path(meeting.room.pk), user=meeting.members[0])
    assert snapshot["payload"]["assembly"]["me"]["presence"] == "online"  # online does not count (CGCT)

    await socket.send_json_to(command("assembly.request_secret_ballot", "r1"))
    assert (await answer_to(socket, "r1"))["payload"]["code"] == "not_present"

    sitting = await database_sync_to_async(lambda: meeting.room.sittings.get())()
    await database_sync_to_async(services.hall_sign_in)(
        actor=meeting.official, sitting_id=sitting.pk, user_id=meeting.members[0].pk
    )
    await socket.send_json_to(command("assembly.request_secret_ballot", "r2"))
    assert (await answer_to(socket, "r2"))["payload"] == {"requests": ["secret"]}
    state = await next_frame_of(socket, "assembly.quorum_changed")
    while state["payload"]["sitting"]["requests"]["secret"]["count"] != 1:
        state = await next_frame_of(socket, "assembly.quorum_changed")
    assert state["payload"]["sitting"]["requests"]["secret"] == {"count": 1, "needed": 1, "met": True}
    await socket.send_json_to(command("assembly.withdraw_request", "w1", kind="secret"))
    assert (await answer_to(socket, "w1"))["payload"] == {"requests": []}
    await socket.disconnect()


async def test_people_connecting_together_to_a_sitting_see_themselves_online(meeting, monkeypatch):
    """Their presence is in their own snapshot, though the wave read its facts before writing it."""
    monkeypatch.setattr(moves, "QUIET_SECONDS", 0.3)  # the three connects make one wave
    monkeypatch.setattr(moves, "MAX_WAIT_SECONDS", 3.0)
    await database_sync_to_async(services.sitting_open)(actor=meeting.official, room_id=meeting.room.pk)

    together = await asyncio.gather(*(connect(room_path(meeting.room.pk), user=member) for member in meeting.members[:3]))
    for _socket, snapshot in together:
        assert snapshot["payload"]["assembly"]["me"]["presence"] == "online"
        assert snapshot["payload"]["assembly"]["sitting"]["present"] == {"hall": 0, "online": 3}
    alone, snapshot = await connect(room_path(meeting.room.pk), user=meeting.members[3])
    assert snapshot["payload"]["assembly"]["me"]["presence"] == "online"
    assert snapshot["payload"]["assembly"]["sitting"]["present"] == {"hall": 0, "online": 4}

    for socket in [alone, *(socket for socket, _snapshot in together)]:
        await socket.disconnect()


def test_who_is_present_read_before_an_entry_is_read_again_after_it(sitting, meeting):
    """A wave's unit of work that asked who is at the sitting before its sockets entered does
    not keep that answer once their presence is written (council/rooms/moves.py)."""
    member = meeting.members[0]
    entry = Entry(actor=member, channel_name="test.socket.entering", room_id=meeting.room.pk)
    with remembered():
        assert member.pk not in selectors.present_people(sitting)
        assert selectors.personal_view(user=member, room=meeting.room)["presence"] is None
        moves.enter_rooms([entry])
        assert selectors.present_people(sitting) == {member.pk: "online"}
        assert selectors.personal_view(user=member, room=meeting.room)["presence"] == "online"
