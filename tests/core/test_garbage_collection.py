"""The server process's garbage collector (council/core/garbage_collection.py)."""

import gc
import importlib

import pytest
from django.conf import settings


@pytest.fixture
def collector_restored():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_server_entry_point_freezes_start_up_and_spaces_collections(collector_restored):
    """A process that takes back a killed one's sockets must not stop for full collections every second."""
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)  # CPython's defaults
    import asgi

    importlib.reload(asgi)  # what Daphne runs when it loads asgi:application

    assert gc.get_threshold() == tuple(settings.GC_THRESHOLDS)
    assert gc.get_threshold()[0] > 700
    assert gc.get_freeze_count() > 10_000  # Django and the apps, out of every later collection


def test_cycles_are_still_collected_after_tuning(collector_restored):
    """Spacing the collections must not stop them: a closed socket's cycles are freed (memory stays bounded)."""
    from council.core.garbage_collection import tune_for_server

    tune_for_server()

    class Node:
        me: object

    collected: list[int] = []
    gc.callbacks.append(lambda phase, info: collected.append(info["collected"]) if phase == "stop" else None)
    try:
        for _ in range(settings.GC_THRESHOLDS[0] * 2):  # garbage cycles, enough for young collections
            node = Node()
            node.me = node
    finally:
        gc.callbacks.pop()
    assert sum(collected) >= settings.GC_THRESHOLDS[0]
