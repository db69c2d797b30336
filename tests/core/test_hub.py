"""The process's hub: one Redis member per group, bounded inboxes, resync after overflow or a lost Redis."""

import asyncio
import os
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
import redis
import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from council.core import hub as hub_module
from council.core.consumers import CLOSE_RESYNC
from council.core.consumers import CouncilConsumer
from council.core.hub import INTERRUPTED
from council.core.hub import RESYNC
from council.core.hub import Hub
from council.core.hub import Inbox
from council.core.hub import hub_for
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_DB = urlparse(REDIS_URL).path.strip("/") or "0"
PREFIX = "asgi-test-hub"
GROUP = "hub-test-room"

# Database access allowed: a consumer's disconnect closes the database connections of Channels'
# sync thread (`aclose_old_connections`), which an earlier test in the process may have left open.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "council.core.channel_layer.ShieldedRedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}], "prefix": PREFIX},
        }
    }
    settings.HUB_ENABLED = True
    redis.Redis.from_url(REDIS_URL).delete(f"{PREFIX}:group:{GROUP}")  # no member left by an earlier test
    return settings


class Listener(CouncilConsumer):
    """A socket in one group that relays what the group hears."""

    async def connect(self) -> None:
        await self.join(GROUP)  # before accepting: once the test is connected, the socket is in the group
        await self.accept()

    async def relay(self, message: dict) -> None:
        # past the frame schema check of the suite (tests/protocol.py): these are not envelope frames
        await self.base_send({"type": "websocket.send", "text": message["text"]})


async def _listener() -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(Listener.as_asgi(), "/ws/hub/")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _members(group: str) -> list[bytes]:
    client = aioredis.from_url(REDIS_URL)
    try:
        return await client.zrange(f"{PREFIX}:group:{group}", 0, -1)
    finally:
        await client.aclose()


async def test_a_group_is_one_redis_member_per_process_and_reaches_every_socket(redis_layer):
    first, second = await _listener(), await _listener()
    try:
        assert len(await _members(GROUP)) == 1  # the process, not each socket

        await get_channel_layer().group_send(GROUP, {"type": "relay", "text": "bonjour"})

        assert await first.receive_from(timeout=10) == "bonjour"
        assert await second.receive_from(timeout=10) == "bonjour"
    finally:
        await first.disconnect()
        await second.disconnect()
    await asyncio.sleep(0.1)  # the last one out unsubscribes the process
    assert await _members(GROUP) == []


class OwnGroupListener(Listener):
    """A socket in a group of its own (as each person's group is), relaying what it hears."""

    async def connect(self) -> None:
        self.group = self.scope["path"].rsplit("/", 2)[-2]
        await self.join(self.group)
        await self.accept()


async def test_sockets_joining_new_groups_together_are_added_in_a_few_pipelines(redis_layer, monkeypatch):
    """A killed process's crowd comes back at once, each socket joining its person's group:
    Redis hears of those groups in a few pipelines, not one command (and connection) each."""
    layer = get_channel_layer()
    refreshes = []
    real_refresh = layer.groups_refresh

    async def counted(memberships):
        refreshes.append(len(memberships))
        await real_refresh(memberships)

    monkeypatch.setattr(layer, "groups_refresh", counted)
    groups = [f"hub-test-own-{index}" for index in range(30)]
    redis.Redis.from_url(REDIS_URL).delete(*(f"{PREFIX}:group:{group}" for group in groups))
    sockets = [WebsocketCommunicator(OwnGroupListener.as_asgi(), f"/ws/hub/{group}/") for group in groups]
    try:
        assert all(connected for connected, _ in await asyncio.gather(*(socket.connect() for socket in sockets)))

        assert sum(refreshes) == len(groups)
        assert len(refreshes) <= 3, refreshes
        await asyncio.gather(*(layer.group_send(group, {"type": "relay", "text": group}) for group in groups))
        for socket, group in zip(sockets, groups, strict=True):
            assert await socket.receive_from(timeout=10) == group
    finally:
        for socket in sockets:
            await socket.disconnect()


async def test_a_socket_that_leaves_hears_nothing_more_and_the_others_still_do(redis_layer):
    leaving, staying = await _listener(), await _listener()
    await leaving.disconnect()

    await get_channel_layer().group_send(GROUP, {"type": "relay", "text": "encore là ?"})

    assert await staying.receive_from(timeout=10) == "encore là ?"
    assert await _members(GROUP) != []
    await staying.disconnect()


async def test_a_socket_that_falls_behind_is_told_to_resync(redis_layer):
    socket = await _listener()
    hub = hub_for(get_channel_layer())
    (inbox,) = hub.inboxes.values()

    inbox.resync()  # what an overflow or a lost Redis does

    output = await socket.receive_output(timeout=10)
    assert output == {"type": "websocket.close", "code": CLOSE_RESYNC}  # the client reconnects with ?since=
    await socket.wait()


def test_an_inbox_past_its_bound_keeps_the_clients_frames_and_resyncs():
    async def scenario():
        inbox = Inbox(limit=3)
        inbox.put({"type": "relay", "text": "1"})
        inbox.put({"type": "websocket.receive", "text": "a command"}, droppable=False)
        for number in range(2, 6):  # the 4th event overflows; the 5th comes after the resync
            inbox.put({"type": "relay", "text": str(number)})
        return [await inbox.get() for _ in range(len(inbox.items))]

    received = asyncio.run(scenario())

    assert received == [{"type": "websocket.receive", "text": "a command"}, RESYNC, {"type": "relay", "text": "5"}]


def _hub_with_crowd(size: int) -> tuple[Hub, list[Inbox]]:
    """A hub whose `size` sockets are in GROUP, without Redis (route is what is tested)."""
    hub = Hub(SimpleNamespace(client_prefix="test"))
    hub.group_of_hub_channel[hub.hub_channel(GROUP)] = GROUP
    inboxes = []
    for number in range(size):
        inbox = hub.inboxes[f"socket-{number}"] = Inbox(limit=1000)
        hub.members[GROUP].add(f"socket-{number}")
        inboxes.append(inbox)
    return hub, inboxes


def _texts(inbox: Inbox) -> list[str]:
    return [message["text"] for message, _droppable in inbox.items]


def test_a_broadcast_to_a_crowd_lets_the_loop_turn_between_slices_and_keeps_each_sockets_order(settings):
    """A tally for 1,500 sockets put at once held the acks of the moment behind all of it (docs/benchmarks.md)."""
    settings.HUB_DELIVERIES_PER_TURN = 100

    async def scenario():
        hub, inboxes = _hub_with_crowd(250)
        hub.route(hub.hub_channel(GROUP), {"type": "relay", "text": "tally 1"})
        hub.route(hub.hub_channel(GROUP), {"type": "relay", "text": "tally 2"})
        hub.route("socket-7", {"type": "relay", "text": "to socket 7"})
        filled_at_once = sum(len(inbox.items) for inbox in inboxes)
        filled_when_an_ack_runs = []  # a callback ready now, as a batch's commit coming back would be
        asyncio.get_running_loop().call_soon(lambda: filled_when_an_ack_runs.append(sum(len(i.items) for i in inboxes)))
        for _turn in range(6):  # 501 deliveries, 100 a turn
            await asyncio.sleep(0)
        assert not hub.undelivered
        return filled_at_once, filled_when_an_ack_runs, inboxes

    filled_at_once, filled_when_an_ack_runs, inboxes = asyncio.run(scenario())

    assert filled_at_once == 100  # one slice, then the loop turns
    assert filled_when_an_ack_runs == [200]  # the ack waited one slice, not the 501 deliveries
    assert _texts(inboxes[7]) == ["tally 1", "tally 2", "to socket 7"]
    assert all(_texts(inbox) == ["tally 1", "tally 2"] for number, inbox in enumerate(inboxes) if number != 7)


def test_a_few_receivers_are_served_at_once(settings):
    settings.HUB_DELIVERIES_PER_TURN = 100

    async def scenario():
        hub, inboxes = _hub_with_crowd(30)
        hub.route(hub.hub_channel(GROUP), {"type": "relay", "text": "hello"})
        return [_texts(inbox) for inbox in inboxes]

    assert asyncio.run(scenario()) == [["hello"]] * 30


def test_losing_redis_mid_broadcast_tells_each_socket_after_what_it_was_already_sent(settings):
    settings.HUB_DELIVERIES_PER_TURN = 100

    async def scenario():
        hub, inboxes = _hub_with_crowd(250)
        hub.route(hub.hub_channel(GROUP), {"type": "relay", "text": "tally"})
        hub.interrupt()
        return [[message for message, _droppable in inbox.items] for inbox in inboxes]

    assert asyncio.run(scenario()) == [[{"type": "relay", "text": "tally"}, INTERRUPTED]] * 250


async def test_after_redis_drops_the_process_it_joins_its_groups_again_and_resyncs(redis_layer):
    """Redis restarted (it keeps nothing): memberships and queued messages are gone; the hub recovers."""
    socket = await _listener()
    reconnected = []
    hub_module.on_reconnect(lambda: reconnected.append(True))
    admin = aioredis.from_url(REDIS_URL)
    try:
        await admin.delete(f"{PREFIX}:group:{GROUP}")  # forgotten, as by a restart

        async def drop_the_reader():
            while True:  # until it is caught in its blocking pop (it leaves it every few seconds)
                for client in await admin.client_list():
                    # this test's Redis database only: the hub reader's blocking pop
                    if client.get("db") == REDIS_DB and client.get("cmd") in {"bzpopmin", "evalsha", "eval"}:
                        await admin.client_kill_filter(_id=client["id"])
                await asyncio.sleep(0.2)

        dropping = asyncio.ensure_future(drop_the_reader())
        try:
            output = await socket.receive_output(timeout=15)
        finally:
            dropping.cancel()
        assert output == {"type": "websocket.close", "code": CLOSE_RESYNC}
        assert reconnected
        assert len(await _members(GROUP)) == 1  # joined again
    finally:
        hub_module._reconnect_callbacks.clear()
        await admin.aclose()
        await socket.wait()


async def test_the_process_renews_its_memberships_before_redis_expires_them(redis_layer):
    redis_layer.CHANNEL_LAYERS["default"]["CONFIG"]["group_expiry"] = 4  # renewed every second
    socket = await _listener()
    admin = aioredis.from_url(REDIS_URL)
    try:
        key = f"{PREFIX}:group:{GROUP}"
        ((_, joined_at),) = await admin.zrange(key, 0, -1, withscores=True)
        renewed_at = joined_at
        for _ in range(50):  # renewed within a second; a loaded machine may take longer
            await asyncio.sleep(0.2)
            ((_, renewed_at),) = await admin.zrange(key, 0, -1, withscores=True)
            if renewed_at > joined_at:
                break
        assert renewed_at > joined_at
    finally:
        await admin.aclose()
        await socket.disconnect()


async def test_a_room_socket_told_to_resync_gets_what_it_missed_in_place(redis_layer, room, user_with_role):
    """A message stored while its broadcast was lost (Redis away, or dropped by the bound) reaches the page."""
    member = await database_sync_to_async(user_with_role)("member", room.council)
    socket, snapshot = await connect(room_path(room.pk), user=member)
    last_seq = snapshot["payload"]["room"]["last_seq"]
    await database_sync_to_async(_message_without_broadcast)(room, member, "Perdu puis retrouvé")
    (inbox,) = hub_for(get_channel_layer()).inboxes.values()

    inbox.resync()

    synced = await next_frame_of(socket, "rooms.room_synced")
    assert synced["payload"]["since_seq"] == last_seq  # the page keeps what it has
    assert [m["text"] for m in synced["payload"]["messages"]] == ["Perdu puis retrouvé"]
    await socket.disconnect()


def _message_without_broadcast(room, author, text):
    from council.rooms.models import Message
    from council.rooms.models import Room

    seq = Room.objects.get(pk=room.pk).last_seq + 1
    Room.objects.filter(pk=room.pk).update(last_seq=seq)
    Message.objects.create(room=room, author=author, seq=seq, text=text)
