"""A socket closing while its process pops from Redis must not lose another socket's message."""

import asyncio
import os

import pytest
from channels_redis.core import RedisChannelLayer

from council.core.channel_layer import ShieldedRedisChannelLayer

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def _message_survives_cancelled_receiver(layer_class) -> bool:
    layer = layer_class(hosts=[{"address": REDIS_URL, "socket_timeout": 30}], prefix="asgi-test-layer")
    closing = await layer.new_channel()
    staying = await layer.new_channel()
    connection = layer.connection(0)
    real_pop = connection.bzpopmin
    popped = asyncio.Event()

    async def pop_then_stall(*args, **kwargs):
        result = await real_pop(*args, **kwargs)
        if result is not None:
            popped.set()
            await asyncio.sleep(0.3)  # the reply is in flight when the receiver is cancelled
        return result

    connection.bzpopmin = pop_then_stall
    try:
        receiver = asyncio.ensure_future(layer.receive(closing))  # becomes the process's popper
        await asyncio.sleep(0.1)
        await layer.send(staying, {"type": "rooms.message_posted", "seq": 7})
        await asyncio.wait_for(popped.wait(), 3)
        receiver.cancel()
        await asyncio.gather(receiver, return_exceptions=True)
        try:
            message = await asyncio.wait_for(layer.receive(staying), 3)
        except TimeoutError:
            return False
        return message["seq"] == 7
    finally:
        connection.bzpopmin = real_pop
        await layer.flush()


@pytest.mark.e2e
async def test_shielded_layer_delivers_the_message():
    assert await _message_survives_cancelled_receiver(ShieldedRedisChannelLayer)


@pytest.mark.e2e
async def test_upstream_layer_still_loses_it():
    """Why the subclass exists; if this fails, upstream fixed it and the subclass can go."""
    assert not await _message_survives_cancelled_receiver(RedisChannelLayer)
