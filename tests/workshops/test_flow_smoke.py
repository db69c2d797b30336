"""Sockets follow their person into a workshop and back (one process, real consumers)."""

import pytest
from channels.db import database_sync_to_async

from council.workshops import services
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)

SKIP = frozenset({"rooms.presence_changed", "workshops.session_updated"})


async def test_open_moves_members_and_close_brings_them_back(room, facilitator, members, make_session):
    session = await database_sync_to_async(make_session)(2, grace_seconds=0)
    workshops = await database_sync_to_async(lambda: list(session.workshops.all()))()
    sockets = []
    for member in members[:2]:
        communicator, snapshot = await connect(room_path(room.pk), user=member)
        assert snapshot["payload"]["workshops"]["status"] == "draft"
        sockets.append(communicator)
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    for member, workshop in zip(members[:2], workshops, strict=True):
        await database_sync_to_async(services.assignment_set)(
            actor=facilitator, session_id=session.pk, user_id=member.pk, workshop_id=workshop.pk
        )
    await boss.send_json_to(command("workshops.open", "r1", session_id=session.pk))
    for communicator, workshop in zip(sockets, workshops, strict=True):
        synced = await next_frame_of(communicator, "rooms.room_synced")
        assert synced["payload"]["room"]["id"] == workshop.room_id
        moved = await next_frame_of(communicator, "rooms.moved")
        assert moved["payload"]["room_id"] == workshop.room_id
    # chat stays in the workshop
    await sockets[0].send_json_to(command("rooms.send_message", "m1", text="Bonjour l'atelier 1"))
    posted = await next_frame_of(sockets[0], "rooms.message_posted")
    assert posted["payload"]["room_id"] == workshops[0].room_id
    await expect_silence(sockets[1])  # workshop 2 does not hear workshop 1's chat
    await boss.send_json_to(command("workshops.close", "r2", session_id=session.pk))
    for communicator in sockets:
        synced = await next_frame_of(communicator, "rooms.room_synced")
        assert synced["payload"]["room"]["id"] == room.pk
    for communicator in [*sockets, boss]:
        await communicator.disconnect()


async def test_members_come_back_to_a_plenary_locked_meanwhile(room, facilitator, members, make_session):
    """A lock keeps newcomers out of the plenary, not the meeting's own people coming back."""
    from council.rooms import services as room_services

    session = await database_sync_to_async(make_session)(1, grace_seconds=0)
    workshop = await database_sync_to_async(lambda: session.workshops.get())()
    member, _ = await connect(room_path(room.pk), user=members[0])
    await database_sync_to_async(services.assignment_set)(
        actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=workshop.pk
    )
    await database_sync_to_async(services.session_open)(actor=facilitator, session_id=session.pk)
    synced = await next_frame_of(member, "rooms.room_synced")
    assert synced["payload"]["room"]["id"] == workshop.room_id

    await database_sync_to_async(room_services.room_lock)(actor=facilitator, room_id=room.pk, locked=True)
    await database_sync_to_async(services.session_close)(actor=facilitator, session_id=session.pk)

    back = await next_frame_of(member, "rooms.room_synced")
    assert back["payload"]["room"]["id"] == room.pk
    await member.disconnect()


async def test_members_back_from_their_workshops_are_online_at_the_sitting(room, facilitator, members, make_session):
    """The sitting's presence in the plenary's snapshot is read once they are back in it, not before."""
    from council.voting.assembly import services as assembly

    session = await database_sync_to_async(make_session)(2, grace_seconds=0)
    workshops = await database_sync_to_async(lambda: list(session.workshops.all()))()
    await database_sync_to_async(assembly.sitting_open)(actor=facilitator, room_id=room.pk)
    sockets = [(await connect(room_path(room.pk), user=member))[0] for member in members[:2]]
    for member, workshop in zip(members[:2], workshops, strict=True):
        await database_sync_to_async(services.assignment_set)(
            actor=facilitator, session_id=session.pk, user_id=member.pk, workshop_id=workshop.pk
        )
    await database_sync_to_async(services.session_open)(actor=facilitator, session_id=session.pk)
    for communicator, workshop in zip(sockets, workshops, strict=True):
        synced = await next_frame_of(communicator, "rooms.room_synced")
        assert synced["payload"]["room"]["id"] == workshop.room_id

    await database_sync_to_async(services.session_close)(actor=facilitator, session_id=session.pk)
    for communicator in sockets:
        back = await next_frame_of(communicator, "rooms.room_synced")
        assert back["payload"]["room"]["id"] == room.pk
        assert back["payload"]["assembly"]["me"]["presence"] == "online"
        assert back["payload"]["assembly"]["sitting"]["present"]["online"] == 2
    for communicator in sockets:
        await communicator.disconnect()
