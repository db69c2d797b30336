"""Full garbage collections of a socket server at its quiet moments, not in the middle of a burst.

A full (generation 2) collection scans every object the process tracks and holds the GIL all
along: in a Daphne holding 1,500 sockets it stalled the event loop and the database threads for
300 to 360 ms, once or twice in each burst of 3,000 votes, and the acks caught behind it were the
slowest 1 % (bench/live_vote.py with BENCH_STAGES; docs/benchmarks.md, "Acknowledgements and
the garbage collector"). Python starts one whenever enough objects have outlived two young
collections, which a burst of frames is sure to provoke.

So, in a process serving sockets (from its first socket on; what start-up loaded is already
frozen out of every scan by asgi.py, council/core/startup.py), Python no longer starts full
collections by itself; and a timer of the event loop runs one once
`GC_FULL_COLLECTION_SECONDS` have passed and the sockets sent fewer than `GC_QUIET_FRAMES` frames
in the last second, or after `GC_FULL_COLLECTION_MAX_SECONDS` however busy it is. Young
collections are unchanged, and reference counting frees everything that is not a cycle as
before: what waits is cyclic garbage old enough to have reached the oldest generation.
"""

import asyncio
import gc
import logging
import time
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger(__name__)

CHECK_SECONDS = 1.0
#: the oldest generation's threshold once full collections are this module's: never reached
NEVER = 2**30


class QuietCollector:
    """Decides when this process runs its full collections; `heard_frame` counts the sockets' traffic."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, collect: Callable[[int], object] = gc.collect):
        self.clock = clock
        self.collect = collect
        self.frames = 0  # frames heard since the last check
        self.last_full = clock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.timer: asyncio.TimerHandle | None = None

    def heard_frame(self) -> None:
        self.frames += 1

    def check(self) -> bool:
        """Run a full collection if one is due and the last second was quiet (or it waited too long)."""
        now = self.clock()
        frames, self.frames = self.frames, 0
        since = now - self.last_full
        due = since >= settings.GC_FULL_COLLECTION_SECONDS
        quiet = frames / CHECK_SECONDS < settings.GC_QUIET_FRAMES
        if not (due and quiet) and since < settings.GC_FULL_COLLECTION_MAX_SECONDS:
            return False
        started = time.perf_counter()
        self.collect(2)
        self.last_full = self.clock()
        logger.debug("full collection in %.0f ms (%d frames in the last second)", 1000 * (time.perf_counter() - started), frames)
        return True

    def start(self) -> None:
        """From a socket: take over full collections and check every second on this event loop."""
        loop = asyncio.get_running_loop()
        if not settings.GC_QUIET_COLLECTIONS or (self.loop is loop and self.timer is not None):
            return
        if self.loop is None:  # once per process (start-up's objects were frozen by asgi.py: council/core/startup.py)
            young, middle, _oldest = gc.get_threshold()
            gc.set_threshold(young, middle, NEVER)
            self.last_full = self.clock()
        self.loop = loop
        self.timer = loop.call_later(CHECK_SECONDS, self._tick)

    def _tick(self) -> None:
        try:
            self.check()
        except Exception:  # a collection never fails, but the timer must go on whatever happens
            logger.exception("the quiet collector's check failed")
        loop = self.loop
        self.timer = None if loop is None or loop.is_closed() else loop.call_later(CHECK_SECONDS, self._tick)


#: the process's collector; `CouncilConsumer` starts it and tells it of every client frame
collector = QuietCollector()
