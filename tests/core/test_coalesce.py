"""Coalesced sends: a burst of changes is heard a few times, and the last send has the last state."""

import asyncio
import os
import time
import uuid

import pytest
import redis

from council.core import coalesce as coalescing

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def _burst(key: str, *, changes: int, spread: float, seconds: float) -> tuple[list[int], int]:
    """Make `changes` changes over `spread` seconds, each followed by coalesce; return what was sent."""
    state = {"value": 0}
    heard: list[int] = []

    async def send() -> None:
        heard.append(state["value"])  # read when sending, as a tally is

    for _ in range(changes):
        state["value"] += 1
        await coalescing.coalesce(key, send, seconds=seconds)
        await asyncio.sleep(spread / changes)
    await asyncio.sleep(seconds * 1.5)
    await coalescing.flush()
    return heard, state["value"]


@pytest.mark.parametrize("redis_url", ["", REDIS_URL], ids=["in-process", "redis"])
async def test_a_burst_is_sent_about_once_per_interval_and_ends_with_the_final_state(settings, redis_url):
    settings.REDIS_URL = redis_url
    heard, final = await _burst(f"test:{uuid.uuid4()}", changes=200, spread=1.0, seconds=0.25)
    assert heard[-1] == final == 200
    assert 3 <= len(heard) <= 6  # 1 s of changes at 0.25 s intervals: 4 or 5 sends, not 200
    assert heard == sorted(heard)


async def test_two_processes_sharing_redis_send_once_per_interval(settings):
    """A claim made elsewhere (another Daphne process, here a direct Redis client) holds this one back."""
    settings.REDIS_URL = REDIS_URL
    key = f"test:{uuid.uuid4()}"
    other_process = redis.Redis.from_url(REDIS_URL)
    assert other_process.set(f"council:coalesce:{key}", b"1", nx=True, px=400)

    async def send() -> None:
        raise AssertionError("the other process holds this interval")

    assert await coalescing.coalesce(key, send, seconds=0.5) is False
    await asyncio.sleep(0.45)  # the other process's claim has expired: the next change claims
    sent = asyncio.Event()

    async def send_now() -> None:
        sent.set()

    assert await coalescing.coalesce(key, send_now, seconds=0.1) is True
    await asyncio.wait_for(sent.wait(), timeout=1)


async def test_a_process_that_finds_the_claim_taken_asks_redis_no_more_until_it_expires(settings):
    """The holder's send covers every change until its claim expires: a burst costs one round trip."""
    settings.REDIS_URL = REDIS_URL
    key = f"test:{uuid.uuid4()}"
    elsewhere = redis.Redis.from_url(REDIS_URL)  # another Daphne's claim, as it writes it
    elsewhere.set(f"council:coalesce:{key}", f"{time.time() + 0.5:.3f}", px=500)

    async def send() -> None:
        raise AssertionError("the other process sends")

    assert not await coalescing.coalesce(key, send, seconds=1.0)
    elsewhere.delete(f"council:coalesce:{key}")  # asked now, Redis would let this process claim
    assert not await coalescing.coalesce(key, send, seconds=1.0)
    await asyncio.sleep(0.5)
    sent = []

    async def send_here() -> None:
        sent.append(True)

    assert await coalescing.coalesce(key, send_here, seconds=0.2)
    await coalescing.flush()
    assert sent == [True]


async def test_a_storm_of_calls_waits_for_redis_connections_instead_of_failing(settings, caplog):
    """The default pool raised past 100 connections: each failure fell back to a send per process."""
    settings.REDIS_URL = REDIS_URL
    keys = [f"test:{uuid.uuid4()}" for _ in range(400)]
    sent = []

    async def send() -> None:
        sent.append(True)

    claimed = await asyncio.gather(*(coalescing.coalesce(key, send, seconds=0.1) for key in keys))
    await coalescing.flush()
    assert all(claimed)
    assert len(sent) == 400
    assert "Redis unreachable" not in caplog.text


def test_a_tally_heard_by_a_crowd_waits_longer(settings):
    """1,500 receivers in a process at 1,000 deliveries a second: one tally every 1.5 s, not every second."""
    settings.LIVE_DELIVERIES_PER_SECOND = 1000
    assert coalescing.interval_for(40, 1.0) == 1.0
    assert coalescing.interval_for(1500, 1.0) == 1.5
    assert coalescing.interval_for(10**6, 1.0) == coalescing.MAX_INTERVAL_SECONDS
    assert coalescing.interval_for(1500, 0) == 0  # tests send at once


def test_a_thread_claims_once_across_processes(settings):
    """claim_sync (a sync service's) and coalesce (the loop's) share the claim in Redis."""
    settings.REDIS_URL = REDIS_URL
    key = f"test:{uuid.uuid4()}"
    elsewhere = redis.Redis.from_url(REDIS_URL)
    elsewhere.set(f"council:coalesce:{key}", f"{time.time() + 0.3:.3f}", px=300)
    assert not coalescing.claim_sync(key, 1.0)  # another process sends
    time.sleep(0.35)
    assert coalescing.claim_sync(key, 0.2)
    assert not coalescing.claim_sync(key, 0.2)  # this process sends: known without asking
    assert elsewhere.get(f"council:coalesce:{key}") is not None
