"""The per-person rate limit: counted in memory on each frame, shared by the processes through Redis."""

import asyncio
import os
import uuid

import pytest
import redis

from council.core import ratelimit

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.mark.parametrize("redis_url", ["", REDIS_URL], ids=["in-process", "redis"])
async def test_the_fourth_hit_of_three_allowed_is_refused_and_counted(settings, redis_url):
    settings.REDIS_URL = redis_url
    key = f"test:{uuid.uuid4()}"
    answers = [await ratelimit.hit_async(key, "3/86400") for _ in range(5)]
    assert answers == [(True, 1), (True, 2), (True, 3), (False, 4), (False, 5)]


async def test_hits_in_another_process_count_within_a_sync(settings):
    """Five frames through another Daphne, two here: the limit of six is passed everywhere."""
    settings.REDIS_URL = REDIS_URL
    key = f"test:{uuid.uuid4()}"
    assert await ratelimit.hit_async(key, "6/86400") == (True, 1)
    await asyncio.sleep(ratelimit.SYNC_SECONDS * 3)  # this process's hit is in Redis
    client = redis.Redis.from_url(REDIS_URL)
    (bucket,) = client.keys(f"ratelimit:{key}:*")
    assert int(client.get(bucket)) == 1
    assert 0 < client.ttl(bucket) <= 2 * 86400  # buckets are not left behind
    client.incrby(bucket, 5)  # the other process's sync
    await ratelimit.hit_async(key, "6/86400")  # judged on what was known: allowed, and synced
    await asyncio.sleep(ratelimit.SYNC_SECONDS * 3)
    assert await ratelimit.hit_async(key, "6/86400") == (False, 8)
    await asyncio.sleep(ratelimit.SYNC_SECONDS * 3)
    assert int(client.get(bucket)) == 8
    client.delete(bucket)


async def test_without_redis_each_process_goes_on_limiting_its_own_frames(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    key = f"test:{uuid.uuid4()}"
    answers = [await ratelimit.hit_async(key, "2/86400") for _ in range(3)]
    await asyncio.sleep(ratelimit.SYNC_SECONDS * 3)
    assert answers == [(True, 1), (True, 2), (False, 3)]
    assert "Redis unreachable" in caplog.text


async def test_a_bucket_redis_lost_gets_its_expiry_again(settings):
    """Redis restarted mid-window: the next sync creates the key again, and it still expires."""
    settings.REDIS_URL = REDIS_URL
    key = f"test:{uuid.uuid4()}"
    await ratelimit.hit_async(key, "6/86400")
    await asyncio.sleep(ratelimit.SYNC_SECONDS * 3)
    client = redis.Redis.from_url(REDIS_URL)
    (bucket,) = client.keys(f"ratelimit:{key}:*")
    client.delete(bucket)  # what a restart of Redis does to it
    await ratelimit.hit_async(key, "6/86400")
    await asyncio.sleep(ratelimit.SYNC_SECONDS * 3)
    assert int(client.get(bucket)) == 1
    assert 0 < client.ttl(bucket) <= 2 * 86400
    client.delete(bucket)
