"""A Daphne process is killed: the page that comes back elsewhere leaves no ghost behind.

Before the page's `tab` id, the killed process's presence row kept Alice "present" for
the whole presence TTL after she had closed her page.
"""

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from council.rooms.models import Presence
from tests.e2e.client import RoomClient
from tests.e2e.client import room_path

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _rows(user_id: int) -> int:
    try:
        return Presence.objects.filter(user_id=user_id).count()
    finally:
        connections.close_all()  # this thread's connection must not outlive the test database


async def _open(server, meeting, person, tab: str | None = None) -> RoomClient:
    query = f"?tab={tab}" if tab else ""
    return await RoomClient.open(
        server.ws_url(room_path(meeting.room_id) + query),
        cookie=person.cookie,
        origin=server.origin,
        name=person.name,
    )


def _names(frame) -> list[str]:
    return [p["name"] for p in frame["payload"]["participants"]]


async def test_a_page_back_on_another_process_replaces_its_ghost(daphne, meeting):
    first, second = daphne(2)
    bob = await _open(second, meeting, meeting.bob)
    await bob.synced()
    alice = await _open(first, meeting, meeting.alice, tab="page1")
    await alice.synced()
    await bob.wait_for(lambda f: f["type"] == "rooms.presence_changed" and "Alice Martin" in _names(f))

    first.kill()  # SIGKILL: nobody deletes Alice's row on the first process
    await alice.wait_closed()
    again = await _open(second, meeting, meeting.alice, tab="page1")  # the same page reconnects
    await again.synced()

    assert await sync_to_async(_rows, thread_sensitive=False)(meeting.alice.user_id) == 1
    seen = len(bob.frames)
    await again.close()
    gone = await bob.wait_for(
        lambda f: (
            any(f is later for later in bob.frames[seen:])
            and f["type"] == "rooms.presence_changed"
            and _names(f) == ["Bob Lefèvre"]
        ),
        within=5,  # the presence TTL is 45 s: only the tab id can make it this quick
    )
    assert gone["payload"]["count"] == 1
    assert await sync_to_async(_rows, thread_sensitive=False)(meeting.alice.user_id) == 0
    await bob.close()
