"""A process's hub loses Redis, which comes back empty: its sockets are told, then resynced, and hear again."""

import asyncio

import pytest

from council.core.channel_layer import ShieldedRedisChannelLayer
from council.core.hub import INTERRUPTED
from council.core.hub import RESYNC
from council.core.hub import hub_for


@pytest.mark.e2e
async def test_sockets_hear_their_group_again_after_redis_restarted_empty(redis_server):
    layer = ShieldedRedisChannelLayer(hosts=[{"address": redis_server.url, "socket_timeout": 30}])
    hub = hub_for(layer)
    assert hub is not None
    channel = await layer.new_channel()
    inbox = hub.open_inbox(channel)
    await hub.join("room.7", channel)
    try:
        await layer.group_send("room.7", {"type": "rooms.message_posted", "seq": 1})
        assert (await asyncio.wait_for(inbox.get(), 5))["seq"] == 1

        redis_server.kill()
        assert await asyncio.wait_for(inbox.get(), 5) == INTERRUPTED  # the page shows a status
        await asyncio.sleep(1)
        redis_server.start()  # it has forgotten the group
        assert await asyncio.wait_for(inbox.get(), 10) == RESYNC  # the socket sends its state again

        # Joined again: a broadcast on the fresh Redis reaches the socket, on the first try.
        await layer.group_send("room.7", {"type": "rooms.message_posted", "seq": 2})
        assert (await asyncio.wait_for(inbox.get(), 5))["seq"] == 2
    finally:
        hub.close_inbox(channel)
        await layer.flush()
