"""A person may hold ROOM_MAX_SOCKETS_PER_PERSON sockets per process; the next one closes with 4409."""

import pytest
from channels.db import database_sync_to_async

from council.rooms.models import Presence
from tests.helpers import connect
from tests.helpers import expect_close
from tests.helpers import room_path
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def _rows(user):
    return Presence.objects.filter(user=user).count()


async def test_the_socket_over_the_cap_closes_with_4409_before_presence_or_snapshot(
    room, user_with_role, settings
):
    settings.ROOM_MAX_SOCKETS_PER_PERSON = 2
    member = await database_sync_to_async(user_with_role)("member", room.council)
    other = await database_sync_to_async(user_with_role)("member", room.council)
    first, _ = await connect(room_path(room.pk), user=member)
    second, _ = await connect(room_path(room.pk), user=member)

    third = ws_communicator(room_path(room.pk), user=member)
    connected, _ = await third.connect()

    assert connected  # accepted first, so the browser can read the code
    assert await expect_close(third, 4409) == []  # no snapshot
    assert await _rows(member) == 2
    someone_else, _ = await connect(room_path(room.pk), user=other)  # the cap is per person
    await first.disconnect()
    again, _ = await connect(room_path(room.pk), user=member)  # a closed socket frees its place
    assert await _rows(member) == 2
    for communicator in (second, someone_else, again):
        await communicator.disconnect()


async def test_the_default_cap_is_ten(room, user_with_role):
    member = await database_sync_to_async(user_with_role)("member", room.council)
    sockets = [(await connect(room_path(room.pk), user=member))[0] for _ in range(10)]

    eleventh = ws_communicator(room_path(room.pk), user=member)
    await eleventh.connect()

    assert await expect_close(eleventh, 4409) == []
    assert await _rows(member) == 10
    for communicator in sockets:
        await communicator.disconnect()
