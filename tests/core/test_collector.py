"""Full garbage collections of a socket server wait for a quiet moment (council/core/collector.py)."""

import subprocess
import sys
import textwrap

import pytest

from council.core.collector import QuietCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def quiet_settings(settings):
    settings.GC_FULL_COLLECTION_SECONDS = 60
    settings.GC_FULL_COLLECTION_MAX_SECONDS = 600
    settings.GC_QUIET_FRAMES = 50
    return settings


def _second(collector: QuietCollector, clock: Clock, frames: int) -> bool:
    """One second of traffic, then the collector's check: True if it collected."""
    clock.now += 1
    for _ in range(frames):
        collector.heard_frame()
    return collector.check()


def test_a_collection_due_in_a_burst_waits_for_the_first_quiet_second(quiet_settings):
    clock, collections = Clock(), []
    collector = QuietCollector(clock=clock, collect=collections.append)

    assert not any(_second(collector, clock, frames=0) for _ in range(59))  # not due yet, however quiet
    assert not any(_second(collector, clock, frames=600) for _ in range(10))  # due, but 600 votes a second
    assert _second(collector, clock, frames=10)  # the burst is over
    assert collections == [2]  # one full collection
    assert not _second(collector, clock, frames=0)  # and the next one is a minute away


def test_a_process_busy_for_ten_minutes_collects_all_the_same(quiet_settings):
    clock, collections = Clock(), []
    collector = QuietCollector(clock=clock, collect=collections.append)

    outcomes = [_second(collector, clock, frames=600) for _ in range(600)]

    assert outcomes.index(True) == 599  # the tenth minute
    assert outcomes.count(True) == 1
    assert collections == [2]


SERVER_PROCESS = textwrap.dedent(
    """
    import asyncio, gc, json
    from django.conf import settings
    settings.configure(GC_QUIET_COLLECTIONS=True, GC_FULL_COLLECTION_SECONDS=3,
                       GC_FULL_COLLECTION_MAX_SECONDS=600, GC_QUIET_FRAMES=50)
    from council.core.collector import collector

    def full_collections():
        return gc.get_stats()[2]["collections"]

    async def main():
        collector.start()  # what the first socket does
        before = full_collections()
        kept = []
        for _ in range(150):  # a 3 s burst: frames, and objects that live on (cycles all)
            for _ in range(3000):
                node = []
                node.append(node)
                kept.append(node)
            for _ in range(60):
                collector.heard_frame()
            await asyncio.sleep(0.02)
        during = full_collections() - before
        await asyncio.sleep(2.5)  # quiet: a check within 2 s sees it (the next is due 3 s later)
        after = full_collections() - before
        print(json.dumps({"during": during, "after": after}))

    asyncio.run(main())
    """
)


def test_a_server_process_makes_no_full_collection_during_a_burst_and_one_once_quiet():
    """In a process of its own: the collector takes over the whole process's collector."""
    result = subprocess.run(
        [sys.executable, "-c", SERVER_PROCESS], capture_output=True, text=True, timeout=60, check=True
    )

    # Python alone makes several full collections for these 450,000 surviving objects.
    assert result.stdout.strip() == '{"during": 0, "after": 1}'
