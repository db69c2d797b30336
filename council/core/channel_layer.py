"""channels-redis's layer, made safe against losing messages when a receiver is cancelled,
and able to move many sockets between groups in one round trip.

All sockets of one process share one Redis queue; whichever consumer holds the
receive lock pops for everyone. If that consumer is cancelled (its socket closes)
while its BZPOPMIN is in flight, the popped message, meant for *another* socket,
is lost (django/channels#1683). Here the pop runs shielded: when its caller is
cancelled the pop still completes, and the message is sent again to the channel it
was meant for, where the next receiver of this process picks it up.

Council's consumers do not receive through the layer one by one: the process's hub
(council/core/hub.py) pops for all of them and `receive_single` hands it what it pops.
"""

import asyncio
import logging
import time
import weakref
from typing import Any

from channels_redis.core import RedisChannelLayer  # type: ignore[import-untyped]
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from council.core.hub import hub_for

logger = logging.getLogger(__name__)


class ShieldedRedisChannelLayer(RedisChannelLayer):  # type: ignore[misc]  # channels-redis ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resends: set[asyncio.Task[None]] = set()
        #: event loop -> the hub of that loop's sockets (council/core/hub.py)
        self.hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    async def receive_single(self, channel: str) -> tuple[Any, dict[str, Any]]:
        pop = asyncio.ensure_future(super().receive_single(channel))
        try:
            message_channel, message = await asyncio.shield(pop)
        except asyncio.CancelledError:
            pop.add_done_callback(self._send_orphan_again)
            raise
        hub = self.hubs.get(asyncio.get_running_loop())
        if hub is not None:  # what is for the hub's sockets goes to their inboxes
            message_channel = hub.route(message_channel, message)
        return message_channel, message

    async def _clean_receive_backup(self, index: int, channel: str) -> None:
        """channels-redis's, in a task of its own: Redis lost meanwhile is logged, not left unretrieved.

        The popped message stays in its backup queue and may be delivered again (a restarted Redis
        forgot it); the room's clients keep messages by seq, and the hub resyncs its sockets anyway.
        """
        try:
            await super()._clean_receive_backup(index, channel)
        except (OSError, RedisConnectionError, RedisTimeoutError) as error:
            logger.warning("backup of %s not cleaned, Redis unreachable: %s", channel, error)

    def _send_orphan_again(self, pop: asyncio.Future[tuple[Any, dict[str, Any]]]) -> None:
        if pop.cancelled() or pop.exception() is not None:
            return
        message_channel, message = pop.result()
        channels = message_channel if isinstance(message_channel, list) else [message_channel]
        task = asyncio.ensure_future(self._send_each(channels, message))
        self._resends.add(task)
        task.add_done_callback(self._resends.discard)

    async def _send_each(self, channels: list[str], message: dict[str, Any]) -> None:
        for name in channels:
            await self.send(name, dict(message))

    async def group_moves(self, moves: list[tuple[str, str, str]]) -> None:
        """Move each channel from one group to another: (channel, old group, new group).

        One pipeline per Redis shard instead of three round trips per socket, each on a
        connection of its own: a workshop session moves hundreds of sockets at once.
        """
        changes = []
        for channel, old_group, new_group in moves:
            changes += [(old_group, channel, False), (new_group, channel, True)]
        await self._change_groups(changes)

    async def groups_refresh(self, memberships: list[tuple[str, str]]) -> None:
        """Add each (group, channel) again, so that neither expires."""
        await self._change_groups([(group, channel, True) for group, channel in memberships])

    async def _change_groups(self, changes: list[tuple[str, str, bool]]) -> None:
        """Add (True) or remove (False) each (group, channel, add): one pipeline per Redis shard."""
        pipelines = {}
        now = time.time()
        for group, channel, add in changes:
            assert self.require_valid_group_name(group), "Group name not valid"
            assert self.require_valid_channel_name(channel), "Channel name not valid"
            index = self.consistent_hash(group)
            if index not in pipelines:
                pipelines[index] = self.connection(index).pipeline(transaction=False)
            key = self._group_key(group)
            if add:
                pipelines[index].zadd(key, {channel: now})
                pipelines[index].expire(key, self.group_expiry)
            else:
                pipelines[index].zrem(key, channel)
        await asyncio.gather(*(pipeline.execute() for pipeline in pipelines.values()))


async def group_moves(layer: Any, moves: list[tuple[str, str, str]]) -> None:
    """Move channels between groups, (channel, old group, new group), in one go where the layer can."""
    hub = hub_for(layer)
    if hub is not None and all(channel in hub.inboxes for channel, _old, _new in moves):
        await hub.move(moves)
        return
    if hasattr(layer, "group_moves"):
        await layer.group_moves(moves)
        return
    for channel, old_group, new_group in moves:  # the in-memory layer of the embedded default
        await layer.group_discard(old_group, channel)
        await layer.group_add(new_group, channel)
