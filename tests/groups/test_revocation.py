"""Leaving a group or a segment reaches open sockets at once: rooms no longer open to them close."""

import pytest
from channels.db import database_sync_to_async

from council.groups.models import Membership
from council.groups.services import membership_join
from council.groups.services import membership_remove
from council.groups.services import profile_update
from tests.groups.conftest import INSIDE_NORD
from tests.groups.conftest import INSIDE_SUD
from tests.helpers import connect
from tests.helpers import expect_close
from tests.helpers import expect_silence
from tests.helpers import next_frame
from tests.helpers import room_path
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)

WITHIN_A_SECOND = 1.0
MEMBER_CAPABILITIES = {
    "send_message": True,
    "raise_hand": True,
    "moderate_room": False,
    "publish_media": True,
    "moderate_media": False,
}


@pytest.fixture
def workshop(static_group):
    return static_group("Atelier vélo", join_policy="open")


@pytest.fixture
def workshop_room(council, room_factory, workshop):
    room = room_factory(council=council, name="Atelier vélo, séance 3")
    room.eligible_groups.set([workshop])
    return room


@pytest.fixture
def north_room(council, room_factory, segment, zones):
    room = room_factory(council=council, name="Réunion du nord")
    room.eligible_groups.set([segment({"field": "zone", "op": "in", "value": ["nord"]})])
    return room


@pytest.fixture
def marc(resident, workshop):
    person = resident("member", display_name="Marc Membre")
    Membership.objects.create(group=workshop, user=person, status=Membership.Status.ACTIVE)
    return person


@pytest.fixture
def mia(resident, workshop):
    person = resident("member", display_name="Mia Membre")
    Membership.objects.create(group=workshop, user=person, status=Membership.Status.ACTIVE)
    return person


@pytest.fixture
def fatou_in_workshop(facilitator, workshop):
    Membership.objects.create(group=workshop, user=facilitator, status=Membership.Status.ACTIVE)
    return facilitator


@pytest.fixture
def northerner(resident, zones):
    return resident("member", at=INSIDE_NORD)


async def test_removed_from_the_group_closes_the_socket_with_4403(
    workshop, workshop_room, marc, mia, facilitator
):
    marc_socket, _ = await connect(room_path(workshop_room.pk), user=marc)
    marc_other_tab, _ = await connect(room_path(workshop_room.pk), user=marc)
    mia_socket, _ = await connect(room_path(workshop_room.pk), user=mia)
    fatou, _ = await connect(room_path(workshop_room.pk), user=facilitator)

    await database_sync_to_async(membership_remove)(actor=facilitator, group=workshop, user=marc)

    await expect_close(marc_socket, 4403, wait=WITHIN_A_SECOND)
    await expect_close(marc_other_tab, 4403, wait=WITHIN_A_SECOND)
    await expect_silence(mia_socket)  # someone else's membership is not Mia's business
    await expect_silence(fatou)
    again = ws_communicator(room_path(workshop_room.pk), user=marc)
    await again.connect()
    await expect_close(again, 4403)
    for communicator in (mia_socket, fatou):
        await communicator.disconnect()


async def test_leaving_the_group_oneself_closes_the_socket(workshop, workshop_room, marc):
    socket, _ = await connect(room_path(workshop_room.pk), user=marc)

    await database_sync_to_async(membership_remove)(actor=marc, group=workshop, user=marc)

    await expect_close(socket, 4403, wait=WITHIN_A_SECOND)


async def test_a_facilitator_leaving_the_group_stays_in_the_room(
    workshop, workshop_room, fatou_in_workshop
):
    facilitator = fatou_in_workshop
    socket, _ = await connect(room_path(workshop_room.pk), user=facilitator)

    await database_sync_to_async(membership_remove)(
        actor=facilitator, group=workshop, user=facilitator
    )

    frame = await next_frame(socket, wait=WITHIN_A_SECOND)
    assert frame["type"] == "rooms.capabilities_changed"
    assert frame["payload"]["capabilities"]["moderate_room"] is True
    await expect_silence(socket)
    await socket.disconnect()


async def test_moving_out_of_the_zone_closes_the_socket(council, north_room, northerner):
    socket, _ = await connect(room_path(north_room.pk), user=northerner)

    await database_sync_to_async(profile_update)(
        actor=northerner,
        council=council,
        answers={},
        longitude=INSIDE_SUD[0],
        latitude=INSIDE_SUD[1],
    )

    await expect_close(socket, 4403, wait=WITHIN_A_SECOND)


async def test_a_profile_change_that_keeps_them_eligible_keeps_them_in(
    council, north_room, northerner, attributes
):
    socket, _ = await connect(room_path(north_room.pk), user=northerner)

    await database_sync_to_async(profile_update)(
        actor=northerner, council=council, answers={"interests": ["jardin"]}, zone_slug="nord"
    )

    frame = await next_frame(socket, wait=WITHIN_A_SECOND)
    assert frame == {
        "type": "rooms.capabilities_changed",
        "payload": {"room_id": north_room.pk, "capabilities": MEMBER_CAPABILITIES},
    }
    await expect_silence(socket)
    await socket.disconnect()


async def test_joining_another_group_keeps_them_in(workshop_room, marc, static_group):
    garden = await database_sync_to_async(static_group)("Jardin partagé", join_policy="open")
    socket, _ = await connect(room_path(workshop_room.pk), user=marc)

    await database_sync_to_async(membership_join)(actor=marc, group=garden)

    frame = await next_frame(socket, wait=WITHIN_A_SECOND)
    assert frame["type"] == "rooms.capabilities_changed"
    await expect_silence(socket)
    await socket.disconnect()
