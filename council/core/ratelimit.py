"""A fixed-window rate limit per person, shared by all processes.

Sockets ask it for every frame, from the event loop, so it must cost no round trip: each
process counts its own hits in memory and, every SYNC_SECONDS, adds them to the shared count
in Redis (REDIS_URL) with one pipeline for every person at once, reading back the totals.
A frame is judged on the last total read plus this process's hits since: another process's
hits are seen within SYNC_SECONDS. It used to ask the Django cache twice per frame on
Channels' single sync thread, which queued a room's thousand votes behind each other; asking
Redis per frame from the loop still waited for connections in a burst of 3,000. If Redis is
unreachable, each process goes on limiting on its own counts. Without Redis (the embedded
default) the Django cache, in-process, counts.
"""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from dataclasses import field

from django.core.cache import cache

from council.core.redis_clients import loop_client

logger = logging.getLogger(__name__)

SYNC_SECONDS = 0.1


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


@dataclass
class _Count:
    unsynced: int = 0  # this process's hits not yet added in Redis
    total: int = 0  # the count in Redis when last read (every process's hits)
    window: int = 1
    ends: float = 0.0  # monotonic: forgotten after this
    expires: bool = False  # whether this process already gave the Redis key its expiry


@dataclass
class _LoopCounts:
    counts: dict[str, _Count]
    syncing: "asyncio.Task[None] | None" = None
    #: buckets with hits not yet added in Redis: a sync looks at these, not at every bucket
    unsynced: set[str] = field(default_factory=set)
    swept: float = 0.0  # monotonic: when forgotten buckets were last dropped


_loops: dict[int, _LoopCounts] = {}


async def hit_async(key: str, rate: str) -> tuple[bool, int]:
    """`hit` from the event loop, without waiting for Redis (see the module's docstring)."""
    client = loop_client()
    if client is None:
        return hit(key, rate)
    limit, window = parse_rate(rate)
    bucket = _bucket(key, window)
    loop = asyncio.get_running_loop()
    state = _loops.setdefault(id(loop), _LoopCounts(counts={}))
    count = state.counts.get(bucket)
    if count is None:
        count = state.counts[bucket] = _Count(window=window, ends=time.monotonic() + window * 2)
    count.unsynced += 1
    state.unsynced.add(bucket)
    hits = count.total + count.unsynced
    if state.syncing is None or state.syncing.done():
        state.syncing = loop.create_task(_sync_soon(state))
    return hits <= limit, hits


async def _sync_soon(state: _LoopCounts) -> None:
    """Add the hits of the last SYNC_SECONDS in Redis, one pipeline for everyone; read back the totals.

    In a crowd's vote each person hits once: only the buckets hit since the last sync are
    looked at and sent (not every bucket of the last windows, 1,500 a process), and a key's
    expiry is set once per process, not with every increment.
    """
    await asyncio.sleep(SYNC_SECONDS)
    now = time.monotonic()
    if now - state.swept >= 1.0:
        state.swept = now
        for bucket in [bucket for bucket, count in state.counts.items() if count.ends < now]:
            del state.counts[bucket]
    dirty, state.unsynced = state.unsynced, set()
    sending = {bucket: (count, count.unsynced) for bucket in dirty if (count := state.counts.get(bucket)) and count.unsynced}
    client = loop_client()
    if not sending or client is None:
        return
    try:
        async with client.pipeline(transaction=False) as pipe:
            for bucket, (count, hits) in sending.items():
                pipe.incrby(bucket, hits)
                if not count.expires:
                    pipe.expire(bucket, count.window * 2, nx=True)
            replies = iter(await pipe.execute())
            totals, lost = {}, []
            for bucket, (count, hits) in sending.items():
                totals[bucket] = next(replies)
                if not count.expires:
                    next(replies)
                    count.expires = True
                elif int(totals[bucket]) == hits:  # the key is new: Redis restarted and lost it
                    lost.append(bucket)
        if lost:
            async with client.pipeline(transaction=False) as pipe:
                for bucket in lost:
                    pipe.expire(bucket, state.counts[bucket].window * 2, nx=True)
                await pipe.execute()
    except Exception:
        logger.warning("Redis unreachable: rate limits count this process's frames only for now.")
        state.unsynced |= set(sending)
        return
    for bucket, (count, hits) in sending.items():  # hits that came during the round trip stay unsynced
        count.unsynced -= hits
        count.total = int(totals[bucket])
        if count.unsynced:
            state.unsynced.add(bucket)
    if state.unsynced:
        with contextlib.suppress(RuntimeError):  # the loop is closing
            state.syncing = asyncio.get_running_loop().create_task(_sync_soon(state))
