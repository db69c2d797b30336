"""One Redis subscription per process for each group its sockets are in (issue 16).

channels-redis keeps every socket in each of its groups in Redis: a broadcast reads the
group's N members, packs their N names into the message, and the receiving process unpacks
them and wakes N consumers through the layer's shared receive lock, each paying two tasks and
a cancelled lock wait per message. Here a process joins a Redis group once, under a hub
channel of its own for that group, and keeps which of its sockets are in it. One reader task
per process pops everything sent to the process (group messages and messages sent to one
socket alike, in the order Redis holds them) and appends each to the inbox of the sockets it
is for: a broadcast costs the process one pop, whatever the number of its listeners. A message
for more than HUB_DELIVERIES_PER_TURN sockets (a tally for a crowd) is appended over several
turns of the event loop, so that acks and frames arriving meanwhile wait for one slice of its
sends rather than all of them; each socket still gets every message in the order popped.

An inbox is bounded (``HUB_INBOX_LIMIT``): a socket that falls that far behind loses what
was queued for it and gets ``RESYNC`` instead, and so does every socket after Redis was
unreachable, since what was sent meanwhile may be gone with it; a consumer answers a resync
by sending its state again from where the client is (the room: its snapshot since the last
seq it sent). The reader re-joins every group once Redis answers again, since a restarted
Redis has forgotten them, and the process's reconnect callbacks drop what it cached
(`on_reconnect`), as does council/core/process_cache.py, which also drops the rooms' views it
keeps whenever the hub routes an event, leaves a group or stops reading.
"""

import asyncio
import contextlib
import hashlib
import logging
import sys
from collections import defaultdict
from collections import deque
from collections.abc import Callable
from typing import Any

from django.conf import settings

from council.core import process_cache

logger = logging.getLogger(__name__)

#: the message a socket gets instead of what it missed
RESYNC: dict[str, Any] = {"type": "hub.resync"}
#: the message every socket gets when its process lost Redis (a RESYNC follows once it is back)
INTERRUPTED: dict[str, Any] = {"type": "hub.interrupted"}
#: callbacks run once Redis answers again after the reader lost it (drop per-process caches)
_reconnect_callbacks: list[Callable[[], None]] = []

MAX_CHANNEL_NAME = 99  # channels' limit is 100 characters


def on_reconnect(callback: Callable[[], None]) -> Callable[[], None]:
    """Register `callback` to run when this process's hub got Redis back after losing it."""
    _reconnect_callbacks.append(callback)
    return callback


class Inbox:
    """What is waiting for one socket, in order; past the bound, its events give way to one RESYNC.

    The client's own frames (connect, commands, disconnect) are never dropped: only what the
    hub delivered counts against the bound, and only that is replaced by RESYNC.
    """

    def __init__(self, limit: int) -> None:
        self.items: deque[tuple[dict[str, Any], bool]] = deque()
        self.droppable = 0
        self.limit = limit
        self.waiter: asyncio.Future[None] | None = None
        #: the consumer's way to send an event's frame itself while it waits here (True if it did)
        self.relay: Callable[[dict[str, Any]], bool] | None = None

    def idle(self) -> bool:
        """Whether the consumer waits here with nothing queued: a frame written now overtakes nothing."""
        return not self.items and self.waiter is not None and not self.waiter.done()

    def put(self, message: dict[str, Any], *, droppable: bool = True) -> None:
        if droppable:
            if self.relay is not None and self.idle() and self.relay(message):
                return  # written to the socket without waking the consumer (council/core/wire.py)
            if self.droppable >= self.limit:
                self.resync()
                return
            self.droppable += 1
        self.items.append((message, droppable))
        self._wake()

    def resync(self) -> None:
        """Drop the events waiting here for one RESYNC: the socket will send its state again."""
        self.items = deque(item for item in self.items if not item[1])
        self.items.append((RESYNC, True))
        self.droppable = 1
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def get(self) -> dict[str, Any]:
        while not self.items:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        message, droppable = self.items.popleft()
        if droppable:
            self.droppable -= 1
        return message


class Hub:
    """The groups and inboxes of one process's sockets on one channel layer and event loop."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.base = f"specific.{layer.client_prefix}!"
        self.inboxes: dict[str, Inbox] = {}
        #: group -> the local channels in it
        self.members: dict[str, set[str]] = defaultdict(set)
        #: local channel -> its groups (to clean up after a socket that did not leave them)
        self.groups_of: dict[str, set[str]] = defaultdict(set)
        #: groups this process is subscribed to in Redis, by hub channel
        self.group_of_hub_channel: dict[str, str] = {}
        self.subscribed: set[str] = set()
        self.locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        #: groups to add the hub to in Redis, in the next pipeline, and the task sending them
        self.adding: list[tuple[str, str, asyncio.Future[None]]] = []
        self.adder: asyncio.Task[None] | None = None
        self.reader: asyncio.Task[None] | None = None
        #: what was popped and is not yet in every inbox it is for, in order (`_deliver`)
        self.undelivered: deque[tuple[list[Inbox], dict[str, Any]]] = deque()
        self.delivering: asyncio.Handle | None = None
        self.cleanups: set[asyncio.Task[None]] = set()

    # Sockets

    def open_inbox(self, channel: str) -> Inbox:
        inbox = self.inboxes[channel] = Inbox(settings.HUB_INBOX_LIMIT)
        if self.reader is None or self.reader.done():
            self.reader = asyncio.ensure_future(self.read())
        return inbox

    def close_inbox(self, channel: str) -> None:
        """Forget a socket that ended; its groups are left in the background if it did not leave them."""
        self.inboxes.pop(channel, None)
        if not self.inboxes and self.reader is not None:
            self.reader.cancel()  # a pop under way completes and is sent again (channel_layer.py)
            self.reader = None
        leftover = self.groups_of.pop(channel, set())
        for group in leftover:
            self.members[group].discard(channel)
        if leftover:
            task = asyncio.ensure_future(self._unsubscribe_empty(leftover))
            self.cleanups.add(task)
            task.add_done_callback(self.cleanups.discard)

    # Groups

    def hub_channel(self, group: str) -> str:
        name = f"{self.base}g.{group}"
        if len(name) > MAX_CHANNEL_NAME:
            name = f"{self.base}h.{hashlib.sha256(group.encode()).hexdigest()[:40]}"
        return name

    async def join(self, group: str, channel: str) -> None:
        """Put `channel` in `group`; once this returns it gets everything sent to the group."""
        self.members[group].add(channel)
        self.groups_of[channel].add(group)
        await self._subscribe(group)

    async def leave(self, group: str, channel: str) -> None:
        self._forget(group, channel)
        await self._unsubscribe_empty({group})

    async def move(self, moves: list[tuple[str, str, str]]) -> None:
        """Move channels between groups, (channel, old group, new group): Redis only hears of groups
        this process starts or stops listening to."""
        new_groups = set()
        for channel, old_group, new_group in moves:
            self._forget(old_group, channel)
            self.members[new_group].add(channel)
            self.groups_of[channel].add(new_group)
            new_groups.add(new_group)
        await asyncio.gather(*(self._subscribe(group) for group in new_groups))
        await self._unsubscribe_empty({old for _channel, old, _new in moves})

    def _forget(self, group: str, channel: str) -> None:
        self.members[group].discard(channel)
        groups = self.groups_of.get(channel)
        if groups is not None:
            groups.discard(group)

    async def _subscribe(self, group: str) -> None:
        if group in self.subscribed:
            return
        async with self.locks[group]:
            if group in self.subscribed:  # another socket subscribed while this one waited
                return
            hub_channel = self.hub_channel(group)
            self.group_of_hub_channel[hub_channel] = group
            await self._group_add(group, hub_channel)
            self.subscribed.add(group)

    async def _group_add(self, group: str, hub_channel: str) -> None:
        """Add the hub to a group in Redis, with the other groups asked meanwhile in one pipeline.

        A crowd arriving together (a killed process's sockets) each joins a group of its own
        (its person's): one command each, on as many connections, took a third of a wave.
        The first goes at once; those asked while a pipeline is in flight go in the next.
        """
        if not hasattr(self.layer, "groups_refresh"):  # a layer without pipelines
            await self.layer.group_add(group, hub_channel)
            return
        added: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.adding.append((group, hub_channel, added))
        if self.adder is None or self.adder.done():
            self.adder = asyncio.ensure_future(self._add_pending())
        await added

    async def _add_pending(self) -> None:
        while self.adding:
            batch, self.adding = self.adding, []
            try:
                await self.layer.groups_refresh([(group, hub_channel) for group, hub_channel, _added in batch])
            except Exception as error:  # Redis unreachable: every join of the batch hears it
                for _group, _hub_channel, added in batch:
                    if not added.done():
                        added.set_exception(error)
                continue
            for _group, _hub_channel, added in batch:
                if not added.done():
                    added.set_result(None)

    async def _unsubscribe_empty(self, groups: set[str]) -> None:
        for group in groups:
            if self.members.get(group) or group not in self.subscribed:
                continue
            async with self.locks[group]:
                if self.members.get(group) or group not in self.subscribed:
                    continue  # someone joined while this waited
                self.subscribed.discard(group)
                process_cache.group_left(group)  # its events no longer reach this process
                self.members.pop(group, None)
                with contextlib.suppress(Exception):  # Redis down: the membership expires by itself
                    await self.layer.group_discard(group, self.hub_channel(group))

    # Delivery

    def route(self, message_channel: str | list[str], message: dict[str, Any]) -> list[str]:
        """Hand a popped message to the inboxes it is for; return the channels that have none.

        The inboxes are the members of the moment (as a socket joining later would not have
        heard it either); a crowd's are filled over several turns of the loop (`_deliver`).
        """
        names = message_channel if isinstance(message_channel, list) else [message_channel]
        process_cache.room_event_heard(message.get("type", ""))
        unknown = []
        receivers: list[Inbox] = []
        for name in names:
            group = self.group_of_hub_channel.get(name)
            if group is not None:
                receivers.extend(self.inboxes[member] for member in self.members.get(group, ()))
            elif (inbox := self.inboxes.get(name)) is not None:
                receivers.append(inbox)
            else:
                unknown.append(name)
        if not self.undelivered and len(receivers) <= settings.HUB_DELIVERIES_PER_TURN:
            for inbox in receivers:
                inbox.put(message)
        elif receivers:
            self.undelivered.append((receivers, message))
            if self.delivering is None:  # a first slice now, the rest over the next turns
                self._deliver()
        return unknown

    def _deliver(self, budget: int = 0) -> None:
        """Put what waits into at most `budget` inboxes, in the order it came; then let the loop turn.

        Each inbox put wakes a consumer that sends a frame on the next turn: a tally for 1,500
        sockets put at once kept the loop busy 60 to 220 ms, and the acks whose batch committed
        meanwhile (and the frames arriving) waited behind all of it. In slices, they wait for
        one slice. Every message still reaches each socket in the order the hub popped it.
        """
        self.delivering = None
        budget = budget or settings.HUB_DELIVERIES_PER_TURN
        while self.undelivered and budget > 0:
            receivers, message = self.undelivered[0]
            now, later = receivers[:budget], receivers[budget:]
            for inbox in now:
                inbox.put(message)
            budget -= len(now)
            if later:
                self.undelivered[0] = (later, message)
            else:
                self.undelivered.popleft()
        if self.undelivered:
            self.delivering = asyncio.get_running_loop().call_soon(self._deliver)

    def deliver_everything(self) -> None:
        """Put whatever still waits into its inboxes now (before a status that must come after it)."""
        if self.delivering is not None:
            self.delivering.cancel()
        self._deliver(budget=sys.maxsize)

    async def read(self) -> None:
        """Pop what is sent to this process while it has sockets; survive Redis going away."""
        refresher = asyncio.ensure_future(self.keep_subscribed())
        reader_channel = f"{self.base}hub-reader"
        process_cache.hub_reading(True)
        try:
            while True:
                try:
                    # Routed messages never come back out of receive(): it pops until one is
                    # for the reader channel itself, which nothing sends to.
                    await self.layer.receive(reader_channel)
                except Exception as error:  # an outage is expected: no traceback
                    logger.warning("lost Redis (%s: %s); sockets will be resynced once it is back", type(error).__name__, error)
                    self.interrupt()
                    await self.recover()
        finally:
            process_cache.hub_reading(False)
            refresher.cancel()

    async def keep_subscribed(self) -> None:
        """Redis forgets a group member after group_expiry: join again well before."""
        while True:
            await asyncio.sleep(max(1.0, float(self.layer.group_expiry) / 4))
            with contextlib.suppress(Exception):  # Redis down: the reader recovers
                await self.refresh()

    async def refresh(self) -> None:
        await self.layer.groups_refresh([(group, self.hub_channel(group)) for group in self.subscribed])

    def interrupt(self) -> None:
        """Tell every socket that what others do no longer reaches it until Redis is back (a status)."""
        process_cache.room_views.drop_all()
        self.deliver_everything()
        for inbox in self.inboxes.values():
            inbox.put(INTERRUPTED)

    async def recover(self) -> None:
        """Wait until Redis answers, join every group again, then resync every socket."""
        delay = 0.1
        while True:
            await asyncio.sleep(delay)
            try:
                await self.reconnect()
            except Exception:
                delay = min(delay * 2, 2.0)
                continue
            break
        process_cache.drop_everything()  # invalidations may have been missed meanwhile
        for callback in _reconnect_callbacks:
            try:
                callback()
            except Exception:
                logger.exception("reconnect callback %r failed", callback)
        self.deliver_everything()
        for inbox in self.inboxes.values():
            inbox.resync()

    async def reconnect(self) -> None:
        """Raise unless every Redis of the layer answers again; then re-join every group.

        Idle pooled connections went to the Redis that was lost: each would fail once when next
        used, so they are closed first (those in use already failed). Then a ping, since a
        process with no group would otherwise have nothing to ask.
        """
        for index in range(self.layer.ring_size):
            connection = self.layer.connection(index)
            await connection.connection_pool.disconnect(inuse_connections=False)
            await connection.ping()
        await self.refresh()


def hub_for(layer: Any) -> Hub | None:
    """This event loop's hub on `layer`, or None when the layer has none (the in-memory layer)."""
    hubs = getattr(layer, "hubs", None)
    if hubs is None or not settings.HUB_ENABLED:
        return None
    loop = asyncio.get_running_loop()
    hub: Hub | None = hubs.get(loop)
    if hub is None:
        hub = hubs[loop] = Hub(layer)
    return hub
