"""channels-redis's layer, made safe against losing messages when a receiver is cancelled.

All sockets of one process share one Redis queue; whichever consumer holds the
receive lock pops for everyone. If that consumer is cancelled (its socket closes)
while its BZPOPMIN is in flight, the popped message, meant for *another* socket,
is lost (django/channels#1683). Here the pop runs shielded: when its caller is
cancelled the pop still completes, and the message is sent again to the channel it
was meant for, where the next receiver of this process picks it up.
"""

import asyncio
from typing import Any

from channels_redis.core import RedisChannelLayer


class ShieldedRedisChannelLayer(RedisChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resends: set[asyncio.Task] = set()

    async def receive_single(self, channel: str) -> tuple[Any, dict[str, Any]]:
        pop = asyncio.ensure_future(super().receive_single(channel))
        try:
            return await asyncio.shield(pop)
        except asyncio.CancelledError:
            pop.add_done_callback(self._send_orphan_again)
            raise

    def _send_orphan_again(self, pop: asyncio.Future) -> None:
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
