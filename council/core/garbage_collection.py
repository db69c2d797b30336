"""The server process's cyclic garbage collector, set for a process holding thousands of sockets.

With CPython's default thresholds (700, 10, 10), the objects of an arrival wave (hundreds of
snapshots, alive for a few hundred milliseconds) survived two young collections, reached the
oldest generation and counted towards its next full collection: a Daphne process taking back
the 1,000 sockets of a killed one ran a full collection every second or so, each stopping the
process for 300 to 500 ms while it walked every object of 2,000 sockets (about 10 s of pauses
in a one-minute run: docs/benchmarks.md, "A Daphne killed under 1,000 sockets").

Young collections far apart (GC_THRESHOLDS) let such objects die of their reference count
before they are promoted; what the process loaded at start-up (Django, the apps, their
modules) is frozen out of every later collection, since it lives as long as the process.
Cycles still go: each generation is still collected, only later.
"""

import gc

from django.conf import settings


def tune_for_server() -> None:
    """Freeze what start-up loaded and space the collections (call once the application is loaded)."""
    gc.collect()  # what start-up left as garbage goes now, not frozen for ever
    gc.freeze()
    gc.set_threshold(*settings.GC_THRESHOLDS)
