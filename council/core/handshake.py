"""Daphne's WebSocket library (autobahn) without the debug messages it formats for every handshake.

autobahn logs its settings and the name of each handshake step at debug level, and formats
them before the logger decides not to write them: `pformat` of some 40 settings and a dozen
coloured names and values (`hltype`, `hlval`, through click) for every socket opened. That was about 3 % of a
Daphne's time while a crowd connected (py-spy, docs/benchmarks.md, "Cheaper connects").
Here both are formatted when a debug message is written, not before: the same text then.
"""

import pprint
from collections.abc import Callable
from typing import Any


class _Later:
    """A value formatted only when a log message that names it is written."""

    __slots__ = ("args", "func")

    def __init__(self, func: Callable[..., str], *args: Any) -> None:
        self.func, self.args = func, args

    def __str__(self) -> str:
        return str(self.func(*self.args))

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _later(func: Callable[..., str]) -> Callable[..., _Later]:
    return lambda *args: _Later(func, *args)


def format_debug_messages_lazily() -> None:
    """Have autobahn format its debug arguments only when they are written (once, at start-up)."""
    from autobahn import util
    from autobahn.twisted import websocket as twisted_websocket
    from autobahn.websocket import protocol

    if isinstance(protocol.pformat(None), _Later):
        return  # already done
    # the one use of pformat whose text is returned, not logged
    protocol.Timings.__str__ = lambda self: pprint.pformat(self._timings)  # type: ignore[method-assign]
    protocol.pformat = _later(pprint.pformat)  # type: ignore[assignment]
    protocol.hltype = twisted_websocket.hltype = _later(util.hltype)
    protocol.hlval = twisted_websocket.hlval = _later(util.hlval)
