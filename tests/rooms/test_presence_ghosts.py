"""Presence rows do not outlive their sockets: not when Redis fails, not when a process dies."""

import asyncio
import contextlib

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from council.rooms.models import Presence
from tests.factories import RoomFactory
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(room, user_with_role):
    return user_with_role("member", room.council, display_name="Alice Membre")


@pytest.fixture
def other_member(room, user_with_role):
    return user_with_role("member", room.council, display_name="Bruno Membre")


@database_sync_to_async
def _rows(user) -> list[tuple[int, str]]:
    return list(Presence.objects.filter(user=user).values_list("room_id", "tab"))


@database_sync_to_async
def _ghost(user, room, tab: str) -> None:
    """The row a socket leaves behind when its process is killed (nobody deletes it)."""
    Presence.objects.create(
        room=room, user=user, channel_name="specific.dead-process!x1", tab=tab, seen_at=timezone.now()
    )


async def _people(communicator) -> list[str]:
    frame = await next_frame_of(communicator, "rooms.presence_changed")
    return [p["name"] for p in frame["payload"]["participants"]]


async def test_a_socket_closing_while_the_layer_fails_leaves_no_presence(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)
    assert await _rows(member) == [(room.pk, "")]

    async def redis_is_down(*args, **kwargs):
        raise ConnectionError("Redis went away")

    layer = get_channel_layer()
    layer.group_discard = redis_is_down
    layer.group_send = redis_is_down
    with contextlib.suppress(ConnectionError):  # the socket is gone either way
        await alice.disconnect()

    assert await _rows(member) == []


async def test_a_page_coming_back_with_its_tab_id_replaces_the_ghost_of_its_dead_socket(
    room, member, other_member
):
    bruno, _ = await connect(room_path(room.pk), user=other_member)
    assert await _people(bruno) == ["Bruno Membre"]
    await _ghost(member, room, "a1b2c3")

    alice, _ = await connect(f"{room_path(room.pk)}?tab=a1b2c3", user=member)

    assert await _rows(member) == [(room.pk, "a1b2c3")]
    assert await _people(bruno) == ["Alice Membre", "Bruno Membre"]
    await alice.disconnect()
    while (names := await _people(bruno)) != ["Bruno Membre"]:  # at once, not after the TTL (45 s)
        assert names == ["Alice Membre", "Bruno Membre"]
    assert await _rows(member) == []
    await bruno.disconnect()


async def test_a_ghost_in_another_room_leaves_that_room_at_once(room, member, other_member):
    other_room = await database_sync_to_async(RoomFactory)(council=room.council)
    bruno, _ = await connect(room_path(other_room.pk), user=other_member)
    assert await _people(bruno) == ["Bruno Membre"]
    await _ghost(member, other_room, "a1b2c3")

    alice, _ = await connect(f"{room_path(room.pk)}?tab=a1b2c3", user=member)

    assert await _people(bruno) == ["Bruno Membre"]
    assert await _rows(member) == [(room.pk, "a1b2c3")]
    await alice.disconnect()
    await bruno.disconnect()


async def test_another_tab_of_the_same_person_is_left_alone(room, member):
    first, _ = await connect(f"{room_path(room.pk)}?tab=aaaa", user=member)

    second, _ = await connect(f"{room_path(room.pk)}?tab=bbbb", user=member)

    assert sorted(await _rows(member)) == [(room.pk, "aaaa"), (room.pk, "bbbb")]
    await first.disconnect()
    await second.disconnect()


async def test_an_odd_tab_id_is_ignored(room, member):
    await _ghost(member, room, "")

    alice, _ = await connect(f"{room_path(room.pk)}?tab=%00%22x", user=member)

    assert sorted(await _rows(member)) == [(room.pk, ""), (room.pk, "")]  # the ghost waits for the TTL
    await alice.disconnect()


async def test_the_people_of_a_killed_process_leave_within_ttl_and_a_third(room, member, other_member, settings):
    """The bound the README gives, with a TTL of 0.9 s: gone after 0.9 s, announced by 1.2 s."""
    settings.ROOM_PRESENCE_TTL_SECONDS = 0.9
    loop = asyncio.get_running_loop()
    bruno, _ = await connect(room_path(room.pk), user=other_member)  # this process beats
    assert await _people(bruno) == ["Bruno Membre"]
    await _ghost(member, room, "")  # touched by its process just before it was killed
    killed_at = loop.time()
    await connect(room_path(room.pk), user=other_member)  # any change: a summary with the ghost
    assert await _people(bruno) == ["Alice Membre", "Bruno Membre"]

    while (names := await _people(bruno)) != ["Bruno Membre"]:
        assert names == ["Alice Membre", "Bruno Membre"]
    gone_after = loop.time() - killed_at

    assert 0.9 <= gone_after <= 0.9 + 0.3 + 0.2  # TTL, TTL/3, coalescing and the database
    assert await _rows(member) == []


async def test_a_process_knows_how_many_of_its_sockets_are_in_each_room(room, member, other_member):
    """What a broadcast to the room costs this process, read by the tallies' intervals."""
    from council.rooms import presence

    alice, _ = await connect(room_path(room.pk), user=member)
    bruno, _ = await connect(room_path(room.pk), user=other_member)
    assert presence.local_sockets(room.pk) == 2
    await alice.disconnect()
    assert presence.local_sockets(room.pk) == 1
    await bruno.disconnect()
    assert presence.local_sockets(room.pk) == 0
