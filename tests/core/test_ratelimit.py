"""The per-person rate limit counts the same in Redis (several processes) as in the local cache."""

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


async def test_a_window_in_redis_expires_by_itself(settings):
    """Buckets are not left behind: each lives two windows at most."""
    settings.REDIS_URL = REDIS_URL
    key = f"test:{uuid.uuid4()}"
    await ratelimit.hit_async(key, "5/30")
    await ratelimit.hit_async(key, "5/30")
    client = redis.Redis.from_url(REDIS_URL)
    (bucket,) = client.keys(f"ratelimit:{key}:*")
    assert 0 < client.ttl(bucket) <= 60
    client.delete(bucket)
