"""Rights follow every change while connected: a demoted facilitator stops receiving facilitator data.

Each test has a second socket that checks what the changed person no longer (or now) shares with it.
"""

import pytest
from channels.db import database_sync_to_async

from council.councils.models import Role
from council.councils.services import role_grant
from council.workshops import services
from council.workshops.models import Workshop
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def _session_with(make_session, facilitator, member):
    session = make_session(2)
    workshop = Workshop.objects.filter(session=session).order_by("pk").first()
    services.assignment_set(actor=facilitator, session_id=session.pk, user_id=member.pk, workshop_id=workshop.pk)
    return session, workshop


@database_sync_to_async
def _role(council, user, role):
    role_grant(actor=None, council=council, user=user, role=role)


@database_sync_to_async
def _rename(facilitator, workshop, name):
    services.workshop_update(actor=facilitator, workshop_id=workshop.pk, name=name)


@database_sync_to_async
def _ask_help(member, workshop):
    services.help_ask(actor=member, workshop_id=workshop.pk)


async def _capabilities(communicator):
    return (await next_frame_of(communicator, "rooms.capabilities_changed"))["payload"]["capabilities"]


async def test_a_facilitator_demoted_while_connected_no_longer_receives_people_nor_help_requests(
    room, facilitator, members, make_session, user_with_role
):
    demoted = await database_sync_to_async(user_with_role)("facilitator", room.council, display_name="Dana Déchue")
    session, workshop = await _session_with(make_session, facilitator, members[0])
    demoted_socket, snapshot = await connect(room_path(room.pk), user=demoted)
    boss_socket, _ = await connect(room_path(room.pk), user=facilitator)
    assert snapshot["payload"]["workshops"]["can"]["run"] is True
    assert "people" in snapshot["payload"]["workshops"]
    assert snapshot["payload"]["agenda"]["can_manage"] is True

    await _role(room.council, demoted, Role.MEMBER)

    assert (await _capabilities(demoted_socket))["moderate_room"] is False
    # the sections whose visibility changed come again, as a member sees them
    resent = (await next_frame_of(demoted_socket, "rooms.room_synced"))["payload"]
    assert (resent["workshops"]["can"]["run"], "people" in resent["workshops"]) == (False, False)
    assert (resent["agenda"]["can_manage"], "sessions" in resent["agenda"]) == (False, False)
    await _rename(facilitator, workshop, "Atelier des jardins")
    seen = (await next_frame_of(demoted_socket, "workshops.session_updated"))["payload"]
    assert (seen["workshops"][0]["name"], seen["can"]["run"], "people" in seen) == ("Atelier des jardins", False, False)
    boss_view = (await next_frame_of(boss_socket, "workshops.session_updated"))["payload"]
    assert (boss_view["can"]["run"], "people" in boss_view) == (True, True)

    await database_sync_to_async(services.session_open)(actor=facilitator, session_id=session.pk)
    member_socket, _ = await connect(room_path(room.pk), user=members[0])
    await _ask_help(members[0], workshop)
    help_for_boss = await next_frame_of(boss_socket, "workshops.help_requested")
    assert help_for_boss["payload"]["workshop"]["id"] == workshop.pk
    assert await _no_frame_of(demoted_socket, "workshops.help_requested")
    for communicator in (demoted_socket, boss_socket, member_socket):
        await communicator.disconnect()


async def test_a_member_promoted_while_connected_receives_people_and_help_requests(
    room, facilitator, members, make_session
):
    session, workshop = await _session_with(make_session, facilitator, members[0])
    promoted = members[1]
    promoted_socket, snapshot = await connect(room_path(room.pk), user=promoted)
    other_socket, _ = await connect(room_path(room.pk), user=members[2])
    assert snapshot["payload"]["workshops"]["can"]["run"] is False

    await _role(room.council, promoted, Role.FACILITATOR)

    assert (await _capabilities(promoted_socket))["moderate_room"] is True
    resent = (await next_frame_of(promoted_socket, "rooms.room_synced"))["payload"]
    assert resent["workshops"]["can"]["run"] is True
    assert members[0].pk in [person["id"] for person in resent["workshops"]["people"]]
    assert resent["agenda"]["can_manage"] is True
    await database_sync_to_async(services.session_open)(actor=facilitator, session_id=session.pk)
    member_socket, _ = await connect(room_path(room.pk), user=members[0])
    await _ask_help(members[0], workshop)
    assert (await next_frame_of(promoted_socket, "workshops.help_requested"))["payload"]["workshop"]["id"] == workshop.pk
    assert await _no_frame_of(other_socket, "workshops.help_requested")
    for communicator in (promoted_socket, other_socket, member_socket):
        await communicator.disconnect()


async def test_who_may_choose_follows_the_rule_while_connected(room, facilitator, members, resident, make_session):
    """A resident who follows may choose once the session includes followers; a member made
    co-facilitator no longer may: each socket shows the rule's answer, asked when the change was announced."""
    session = await database_sync_to_async(make_session)(2, mode="choice")
    first = await database_sync_to_async(lambda: session.workshops.order_by("position").first())()
    follower, follower_snapshot = await connect(room_path(room.pk), user=resident)
    member, member_snapshot = await connect(room_path(room.pk), user=members[0])
    assert follower_snapshot["payload"]["workshops"]["can"]["choose"] is False
    assert member_snapshot["payload"]["workshops"]["can"]["choose"] is True

    await database_sync_to_async(services.session_update)(
        actor=facilitator, session_id=session.pk, include_followers=True
    )

    assert (await next_frame_of(follower, "workshops.session_updated"))["payload"]["can"]["choose"] is True
    assert (await next_frame_of(member, "workshops.session_updated"))["payload"]["can"]["choose"] is True

    await database_sync_to_async(services.cofacilitator_set)(actor=facilitator, workshop_id=first.pk, user_id=members[0].pk)

    seen = (await next_frame_of(member, "workshops.session_updated"))["payload"]
    assert (seen["cofacilitating_id"], seen["can"]["choose"]) == (first.pk, False)
    assert (await next_frame_of(follower, "workshops.session_updated"))["payload"]["can"]["choose"] is True
    for communicator in (follower, member):
        await communicator.disconnect()


async def _no_frame_of(communicator, frame_type, seconds=0.5):
    """True when no frame of `frame_type` arrives within `seconds`."""
    import asyncio
    import json

    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        if await communicator.receive_nothing(min(left, 0.05)):
            continue
        output = await communicator.receive_output(1)
        if output["type"] == "websocket.send" and json.loads(output["text"])["type"] == frame_type:
            return False
    return True
