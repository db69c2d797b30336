"""A room client that recovers by itself, as the browser does, for tests of faults.

It is frontend/src/realtime/client.js and the chat of frontend/src/rooms/room.js in Python:
after any close that is not final it reconnects with the same jittered back-off, asking
`?since=` the highest seq it holds with no gap before it; commands left unanswered are sent
again on the next socket with their request_id (on at most MAX_SENDS sockets in all); chat
messages are kept by seq, so one received twice (live, then again in a snapshot) shows once.
It records what a person would have seen: every close, every status event, every error.
"""

import asyncio
import contextlib
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.exceptions import InvalidHandshake

FINAL_CLOSE_CODES = {4401, 4403, 4409, 4410, 4429}  # as client.js
MAX_SENDS = 3
_numbers = itertools.count(1)


@dataclass
class _Waiting:
    frame: str
    answer: asyncio.Future[dict[str, Any]]
    sends: int = 0


@dataclass
class LiveRoomClient:
    """One person's page on a room: `start()`, then `post(text)`; `stop()` at the end."""

    url: Callable[[int | None], str]  # the socket's URL for a `since`
    cookie: str
    origin: str
    name: str
    #: seq -> chat message, as the page keeps them
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: the highest seq with none missing before it (None before the first snapshot)
    contiguous: int | None = None
    #: request_id -> seq of each acknowledged message
    acked: dict[str, int] = field(default_factory=dict)
    #: request_id -> error payload
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: close code of each socket that ended (None: the connection failed or broke without one)
    closes: list[int | None] = field(default_factory=list)
    failed_connects: int = 0
    #: the frames that tell the person something about the connection (status events)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    snapshots: int = 0
    sockets: int = 0
    final_code: int | None = None

    def __post_init__(self) -> None:
        self.pending: dict[str, _Waiting] = {}
        self.connection: ClientConnection | None = None
        self.synced = asyncio.Event()  # set by a snapshot, cleared when a socket ends
        self.progress = asyncio.Event()  # set by every frame received
        self.stopping = False
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self.stopping = True
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    # The connection, kept up as client.js keeps it.

    async def _run(self) -> None:
        attempt = 0
        while not self.stopping:
            try:
                connection = await connect(
                    self.url(self.contiguous),
                    origin=self.origin,  # type: ignore[arg-type]
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=10,
                    ping_interval=None,
                    max_size=2**22,
                )
            except (OSError, InvalidHandshake, TimeoutError):
                self.failed_connects += 1
            else:
                attempt = 0
                self.sockets += 1
                self.connection = connection
                for request_id, waiting in list(self.pending.items()):
                    await self._resend(request_id, waiting)
                with contextlib.suppress(ConnectionClosed):
                    async for raw in connection:
                        self._receive(json.loads(raw))
                self.connection = None
                self.synced.clear()
                self.closes.append(connection.close_code)
                if connection.close_code in FINAL_CLOSE_CODES:
                    self.final_code = connection.close_code
                    for waiting in self.pending.values():
                        waiting.answer.set_exception(AssertionError(f"{self.name}: closed for good"))
                    return
            ceiling = min(30.0, 0.5 * 2**attempt)  # full jitter, as client.js
            attempt += 1
            await asyncio.sleep(ceiling / 2 + random.random() * ceiling / 2)

    async def _resend(self, request_id: str, waiting: _Waiting) -> None:
        if waiting.sends >= MAX_SENDS:
            del self.pending[request_id]
            waiting.answer.set_exception(AssertionError(f"{self.name}: {request_id} undelivered"))
            return
        await self._send(waiting)

    async def _send(self, waiting: _Waiting) -> None:
        if self.connection is None:
            return
        waiting.sends += 1
        with contextlib.suppress(ConnectionClosed):  # sent again on the next socket
            await self.connection.send(waiting.frame)

    def _receive(self, frame: dict[str, Any]) -> None:
        self.progress.set()
        kind, payload = frame["type"], frame.get("payload", {})
        if kind in ("ack", "error"):
            waiting = self.pending.pop(frame.get("request_id") or "", None)
            if waiting is not None and not waiting.answer.done():
                waiting.answer.set_result(frame)
        elif kind == "rooms.room_synced":
            self.snapshots += 1
            if payload["since_seq"] is None:
                self.messages.clear()
                first = payload["messages"][0]["seq"] if payload["messages"] else payload["room"]["last_seq"] + 1
                self.contiguous = first - 1
            self._add(payload["messages"])
            assert not payload.get("truncated"), f"{self.name}: a truncated snapshot (the page would reload)"
            self.synced.set()
        elif kind == "rooms.message_posted":
            self._add([payload])
        elif kind.endswith("_interrupted") or kind.endswith("_restored"):
            self.statuses.append(frame)

    def _add(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            self.messages.setdefault(message["seq"], message)
        if self.contiguous is not None:
            while self.contiguous + 1 in self.messages:
                self.contiguous += 1

    async def caught_up(self, seq: int) -> None:
        """Wait until this page is synced and holds every message up to `seq`."""
        while not (self.synced.is_set() and self.contiguous == seq):
            self.progress.clear()
            await self.progress.wait()

    # Commands.

    async def post(self, text: str) -> dict[str, Any]:
        """Send a chat message and return its answer (ack or error), however many sockets it takes."""
        request_id = f"{self.name}-{next(_numbers)}"
        frame = json.dumps({"type": "rooms.send_message", "request_id": request_id, "payload": {"text": text}})
        waiting = _Waiting(frame, asyncio.get_running_loop().create_future())
        self.pending[request_id] = waiting
        await self._send(waiting)
        answer = await waiting.answer
        if answer["type"] == "ack":
            self.acked[request_id] = answer["payload"]["seq"]
        else:
            self.errors[request_id] = answer["payload"]
        return answer
