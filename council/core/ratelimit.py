"""A fixed-window rate limit shared by all processes.

Sockets ask it for every frame, from the event loop: `hit_async` makes one pipelined round
trip to Redis (REDIS_URL) on the loop's own client (council/core/redis_async.py). It used to go through the Django cache
on Channels' single sync thread, so a room's thousand votes queued behind each other's two
round trips (and the cache's connection set-up) before any of them reached its handler.
Without Redis (the embedded default) the Django cache (in-process) counts.
"""

import time

from django.core.cache import cache

from council.core.redis_async import loop_client


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse "20/10" (20 hits per 10 seconds) into (20, 10)."""
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 1)


def _bucket(key: str, window: int) -> str:
    return f"ratelimit:{key}:{int(time.time() // window)}"


def hit(key: str, rate: str) -> tuple[bool, int]:
    """Count one hit on `key` in the Django cache; return (allowed, hits in the current window)."""
    limit, window = parse_rate(rate)
    bucket = _bucket(key, window)
    cache.add(bucket, 0, timeout=window * 2)
    try:
        hits = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window * 2)
        hits = 1
    return hits <= limit, hits


async def hit_async(key: str, rate: str) -> tuple[bool, int]:
    """`hit` from the event loop: one round trip to Redis (INCR and EXPIRE pipelined), or the local cache."""
    client = loop_client()
    if client is None:
        return hit(key, rate)
    limit, window = parse_rate(rate)
    bucket = _bucket(key, window)
    async with client.pipeline(transaction=False) as pipe:
        pipe.incr(bucket)
        pipe.expire(bucket, window * 2, nx=True)
        hits, _ = await pipe.execute()
    return hits <= limit, int(hits)
