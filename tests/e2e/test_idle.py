"""Sockets on the Redis channel layer survive silence, and only this site's pages may open them."""

import asyncio

import pytest
from websockets.exceptions import InvalidStatus

from tests.e2e.client import RoomClient
from tests.e2e.client import room_path

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: longer than redis-py's default 5 s socket timeout, which killed idle consumers
#: (django/channels_redis#422) and which the channel layer's blocking read must outlast
IDLE_SECONDS = 12


@pytest.fixture
def server(daphne):
    return daphne(1)[0]


async def test_idle_socket_stays_open_and_still_receives(server, meeting, room_client):
    alice = await room_client(server, meeting.alice)
    bob = await room_client(server, meeting.bob)
    await alice.synced()
    await bob.synced()
    await alice.wait_for(
        lambda f: f["type"] == "rooms.presence_changed" and f["payload"]["count"] == 2,
        what="both present",
    )
    await asyncio.sleep(1)  # past the presence coalescing window: nothing more is due
    received = len(alice.frames)

    await asyncio.sleep(IDLE_SECONDS)

    assert not alice.closed.is_set(), f"closed while idle with code {alice.close_code}"
    assert not bob.closed.is_set(), f"closed while idle with code {bob.close_code}"
    assert len(alice.frames) == received, "the socket was not idle"
    ack = await bob.command("rooms.send_message", {"text": "Toujours là après la pause ?"})
    assert ack["type"] == "ack"
    posted = await alice.wait_event("rooms.message_posted", seq=ack["payload"]["seq"], within=5)
    assert posted["payload"]["text"] == "Toujours là après la pause ?"


async def test_socket_from_another_site_or_without_session_is_refused(server, meeting, room_client):
    url = server.ws_url(room_path(meeting.room_id))
    with pytest.raises(InvalidStatus) as refused:
        await RoomClient.open(url, cookie=meeting.alice.cookie, origin="http://evil.example")
    assert refused.value.response.status_code == 403

    anonymous = await RoomClient.open(url, origin=server.origin, name="anonymous")
    try:
        assert await anonymous.wait_closed() == 4401
        assert not anonymous.of_type("rooms.room_synced")
    finally:
        await anonymous.close()

    # The same session from the site's own origin gets in.
    alice = await room_client(server, meeting.alice)
    assert (await alice.synced())["me"]["id"] == meeting.alice.user_id
