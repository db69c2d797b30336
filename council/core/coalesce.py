"""Coalesced broadcasts: many changes, one send per interval, across every server process.

A live tally (a poll's results, a question's upvotes, a vote's participation) changes with
every vote, but each broadcast costs one delivery per person in the room: a room of 1,500 people
voting within a few seconds must hear a handful of tallies, not 1,500. `coalesce(key, send,
seconds=…)` runs `send` once, `seconds` after the first call since the last send, and the
send reads the state as it is then. With several Daphne processes the claim is one Redis
`SET NX PX GET` (REDIS_URL, Redis 7 or later), so the whole instance sends once per interval,
not once per process; the embedded default (no Redis) claims within the process.

Why nothing is missed: the caller has committed its change before calling. A call that finds
the interval claimed was made before the claim expires, and the claim expires a margin before
its holder reads the state, so the holder's read sees that change. A call after the claim
expired claims the next interval. (The holder reads `seconds` after claiming; the claim lives
`seconds - margin`.)
"""

import asyncio
import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections

from council.core.redis_clients import loop_client
from council.core.redis_clients import thread_client

logger = logging.getLogger(__name__)

MAX_INTERVAL_SECONDS = 10.0
MARGIN = 0.1  # a claim expires this share of the interval before its holder reads
_local_claims: dict[str, float] = {}  # key -> when the claim expires (monotonic), no Redis
#: keys whose claim this process is asking Redis for now: a call meanwhile is covered by its answer
_asking_now: set[str] = set()
_tasks: set[asyncio.Task[None]] = set()


async def _claim(key: str, seconds: float) -> bool:
    """Claim the next send of `key`; False when a send is due anyway (this process's or another's).

    The claim's value is when it expires (wall clock), read back with SET NX GET (Redis 7) by a
    process that finds it taken: until then (less a margin for clocks) its calls are known to
    be covered and ask Redis nothing, so a burst costs a round trip per interval, not per vote.
    """
    asking = _Asking.start(key, seconds)
    if asking is None or key in _asking_now:
        # A claim asked by this process and not answered yet covers this call too: if it wins,
        # its send reads after this call's commit; if another process holds the interval, that
        # holder reads after its claim expires, later than this call. In a burst this saves a
        # round trip (and a pooled connection) per vote while the first one is on its way.
        return False
    client = loop_client()
    if client is None:
        return asking.settle(_UNASKED)
    _asking_now.add(key)
    try:
        return asking.settle(await client.set(*asking.arguments, nx=True, get=True))
    except Exception:
        return asking.settle(_FAILED)
    finally:
        _asking_now.discard(key)


def claim_sync(key: str, seconds: float) -> bool:
    """`_claim` from a thread (a sync service): True if this call is to send `key` in `seconds`."""
    asking = _Asking.start(key, seconds)
    if asking is None:
        return False
    client = thread_client()
    if client is None:
        return asking.settle(_UNASKED)
    try:
        return asking.settle(client.set(*asking.arguments, nx=True, get=True))
    except Exception:
        return asking.settle(_FAILED)


_UNASKED = object()  # no Redis: the claim is this process's
_FAILED = object()  # Redis unreachable: claimed here, said once in the log per call


@dataclass(frozen=True)
class _Asking:
    """One claim of `key` under way: what to ask Redis, and what its answer means."""

    key: str
    seconds: float
    now: float  # monotonic
    hold: float  # how long the claim lives (a margin before its holder reads)

    @classmethod
    def start(cls, key: str, seconds: float) -> "_Asking | None":
        """None when this process already knows a send is due (its own claim or another's)."""
        now = time.monotonic()
        if _local_claims.get(key, 0.0) > now:
            return None
        return cls(key, seconds, now, max(0.001, seconds * (1 - MARGIN)))

    @property
    def arguments(self) -> tuple[str, str, None, int]:
        """SET's name, value (when the claim expires, wall clock), ex, px."""
        return f"council:coalesce:{self.key}", f"{time.time() + self.hold:.3f}", None, int(self.hold * 1000)

    def settle(self, previous: Any) -> bool:
        """Record what SET NX GET answered: claimed (None), or until when another process's claim runs."""
        if previous is _FAILED:
            logger.warning("Redis unreachable: %s is sent without coalescing across processes.", self.key)
        if previous is None or previous is _UNASKED or previous is _FAILED:
            _local_claims[self.key] = self.now + self.hold
            return True
        left = min(float(previous) - time.time(), self.hold) - self.seconds * MARGIN  # clocks of other machines
        if left > 0:
            _local_claims[self.key] = self.now + left
        return False


def interval_for(receivers: int, seconds: float) -> float:
    """The interval of a tally heard by `receivers` sockets of this process: `seconds`, longer in a crowd.

    Each send costs a delivery per receiver; past LIVE_DELIVERIES_PER_SECOND a second the
    process would spend more on tallies than on the votes themselves (docs: realtime-here).
    """
    if seconds <= 0:
        return seconds
    per_second: int = settings.LIVE_DELIVERIES_PER_SECOND
    return min(MAX_INTERVAL_SECONDS, max(seconds, receivers / per_second))


async def coalesce(key: str, send: Callable[[], Awaitable[None]], *, seconds: float) -> bool:
    """Have `send()` run `seconds` from now unless a send for `key` is already due; True if claimed.

    Call it after the change is committed, from the event loop (a consumer, an async view).
    `send` must read the state when it runs, not capture it now.
    """
    if not await _claim(key, seconds):
        return False
    # A fresh context: the caller's may hold asgiref's executor of a request that ends before the
    # send runs (an async view under sync middleware), and the send's database call would fail on it.
    task = asyncio.get_running_loop().create_task(_send_later(key, send, seconds), context=contextvars.Context())
    _tasks.add(task)  # keep a reference until done (asyncio holds tasks weakly)
    task.add_done_callback(_tasks.discard)
    return True


async def _send_later(key: str, send: Callable[[], Awaitable[None]], seconds: float) -> None:
    await asyncio.sleep(seconds)
    try:
        await send()
    except Exception:
        logger.exception("The coalesced send of %s failed; the next change sends again.", key)


_sync_lock = threading.Lock()
_sync_waiting: set[str] = set()  # keys whose send a timer of this process holds


def coalesce_sync(key: str, send: Callable[[], None], *, seconds: float) -> bool:
    """`coalesce` for sync code (a form view, a service after commit): `send()` runs in a timer thread.

    With an interval of 0 (tests) it is sent at once. True when this call scheduled the send.
    """
    if seconds <= 0:
        send()
        return True
    with _sync_lock:
        if key in _sync_waiting or not claim_sync(key, seconds):
            return False
        _sync_waiting.add(key)
    timer = threading.Timer(seconds, _send_sync_later, args=[key, send])
    timer.daemon = True
    timer.start()
    return True


def _send_sync_later(key: str, send: Callable[[], None]) -> None:
    with _sync_lock:
        _sync_waiting.discard(key)
    try:
        send()
    except Exception:
        logger.exception("The coalesced send of %s failed; the next change sends again.", key)
    finally:
        connections.close_all()  # the timer thread's own connection


async def flush() -> None:
    """Wait for the sends already claimed in this process (tests, and a process stopping)."""
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*list(_tasks), return_exceptions=True)
