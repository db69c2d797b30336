"""Deadlines applied by the server, whoever is connected: one sweep for every module.

A module stores its deadlines in the database and registers two functions here in its
`AppConfig.ready()`: `apply(now) -> int` does what is due, once (idempotent, each object
in its own short transaction), and `next_at() -> datetime | None` says when something next
falls due. Workshops register their timers and closing countdowns, binding votes their
opening and closing times.

A periodic sweep applies them: Celery beat runs `council.core.tasks.deadlines_apply` where
workers run, and the loop below runs inside the Daphne process where tasks run eagerly
(the embedded default); a task scheduled for a deadline (`deadline_schedule`) is the fast
path. The sweep is what makes a deadline hold: a Celery worker holds an `eta` task
unacknowledged until it is due, and if that worker is killed, Redis hands the task out
again only after the broker's visibility timeout (an hour by default).
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

MIN_WAIT_SECONDS = 0.05  # a deadline held by another sweep is looked at again this soon


@dataclass(frozen=True)
class Deadlines:
    apply: Callable[[datetime], int]
    next_at: Callable[[], datetime | None]


_registry: list[Deadlines] = []


def register_deadlines(*, apply: Callable[[datetime], int], next_at: Callable[[], datetime | None]) -> None:
    """Have the sweep call `apply(now)` and ask `next_at()` (a module's, from its ready())."""
    entry = Deadlines(apply=apply, next_at=next_at)
    if entry not in _registry:
        _registry.append(entry)


def deadlines_apply(now: datetime | None = None) -> int:
    """Apply every registered module's deadlines due at `now`; return how many things were done."""
    now = now or timezone.now()
    return sum(entry.apply(now) for entry in list(_registry))


def deadline_next() -> datetime | None:
    """The next moment something falls due in any module (in the past if a sweep skipped it)."""
    moments = [moment for entry in list(_registry) if (moment := entry.next_at()) is not None]
    return min(moments, default=None)


def deadline_schedule(*moments: datetime) -> None:
    """After commit, have deadlines at `moments` applied on time rather than at the next sweep.

    Harmless if it runs late or twice: it only sweeps. A broker that cannot be reached is
    logged, not raised; the periodic sweep still applies the deadline.
    """

    def schedule() -> None:
        if settings.DEADLINE_SWEEP_IN_SERVER:
            sweep_wake()
            return
        from council.core.tasks import deadlines_apply_task

        # Redis hands out again, every visibility timeout, a task whose eta is further away
        # (Celery docs, "Using Redis", Visibility timeout caveat): moments that far ahead are
        # left to the sweep alone.
        visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
        horizon = timezone.now() + timedelta(seconds=visibility / 2)
        for moment in moments:
            if moment <= horizon:
                deadlines_apply_task.apply_async(eta=moment, expires=moment + timedelta(minutes=1))

    transaction.on_commit(schedule, robust=True)


# ---------------------------------------------------------------- the sweep inside Daphne


class _Sweep:
    """The sweep of one event loop: a task, and an event that wakes it when a deadline is set."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.woken = asyncio.Event()
        self.task = loop.create_task(self.run())

    async def run(self) -> None:
        while True:
            self.woken.clear()
            try:
                next_at = await database_sync_to_async(_sweep_once)()
            except Exception:
                logger.exception("The deadline sweep failed; it tries again.")
                next_at = None
            wait: float = settings.DEADLINE_SWEEP_SECONDS
            if next_at is not None:
                wait = min(wait, max(MIN_WAIT_SECONDS, (next_at - timezone.now()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.woken.wait(), timeout=wait)


_sweep: _Sweep | None = None


def _sweep_once() -> datetime | None:
    deadlines_apply()
    return deadline_next()


def sweep_start() -> None:
    """Run the deadline sweep in this process from now on, if it runs here (call in the event loop).

    Started by the first socket that needs it (a meeting's, a vote's), as the presence
    heartbeat is; it then keeps running for the life of the process, whoever stays connected.
    """
    global _sweep
    if not settings.DEADLINE_SWEEP_IN_SERVER:
        return
    loop = asyncio.get_running_loop()
    if _sweep is None or _sweep.loop is not loop or _sweep.task.done():
        _sweep = _Sweep(loop)


def sweep_wake() -> None:
    """Have this process's sweep look at the deadlines now; callable from any thread."""
    sweep = _sweep
    if sweep is not None and not sweep.loop.is_closed():
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            sweep.loop.call_soon_threadsafe(sweep.woken.set)
