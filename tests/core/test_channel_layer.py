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


async def _hears(layer, channel: str, group: str) -> bool:
    await layer.group_send(group, {"type": "rooms.message_posted", "group": group})
    try:
        message = await asyncio.wait_for(layer.receive(channel), 0.5)
    except TimeoutError:
        return False
    return message["group"] == group


@pytest.mark.e2e
async def test_sockets_move_between_groups_in_one_go_on_redis_and_in_memory():
    from channels.layers import InMemoryChannelLayer

    from council.core.channel_layer import group_moves

    redis_layer = ShieldedRedisChannelLayer(hosts=[REDIS_URL], prefix="asgi-test-moves")
    for layer in (redis_layer, InMemoryChannelLayer()):
        moving, staying = await layer.new_channel(), await layer.new_channel()
        for channel in (moving, staying):
            await layer.group_add("room.1", channel)

        await group_moves(layer, [(moving, "room.1", "room.2")])

        assert await _hears(layer, moving, "room.2")
        assert not await _hears(layer, moving, "room.1")
        assert await _hears(layer, staying, "room.1")
        assert not await _hears(layer, staying, "room.2")
        await layer.flush()
