"""Set the start-up objects aside from the garbage collector, once the server process is ready.

A server process holds some 200,000 objects from start-up (modules, the URL patterns, the
translation catalogues) that live as long as it does. CPython's full collection walks them
all: about 100 ms on our 2-core machine, paid by whichever request happens to trigger it
(one in thirty of the 500-comment thread page, bench/consultation.py). `gc.freeze()` moves
them to a generation the collector never walks (as Instagram does for its Django servers):
a full collection then walks what requests left behind, a few milliseconds. The URL
patterns and catalogues are loaded first so that they are frozen too.

Nothing is turned off: cycles made by requests are still collected. Set
GC_FREEZE_AT_START=False to compare (docs/benchmarks.md, "Benchmarks: consultation").
"""

import gc

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def freeze_start_up_objects() -> int:
    """Load what the first requests would, collect, then freeze; the number of objects frozen (0 if turned off)."""
    if not settings.GC_FREEZE_AT_START:
        return 0
    get_resolver().url_patterns  # noqa: B018 - imports every app's views and URL patterns
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # each catalogue is read on its first use
            translation.gettext("Home")
    gc.collect()  # what start-up left unreachable is not frozen with the rest
    gc.freeze()
    return gc.get_freeze_count()
