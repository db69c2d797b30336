"""A small client of the room WebSocket protocol, for end-to-end tests and scripts.

It speaks the one envelope (`{"type", "request_id", "payload"}`) to a real server
over a real socket: every frame received is kept in order in `frames`, commands
wait for the `ack` or `error` carrying their `request_id`, and the close code is
recorded when the server (or the network) ends the connection.
"""

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

Frame = dict[str, Any]

DEFAULT_TIMEOUT = 10.0
_request_ids = itertools.count(1)


def room_path(room_id: int, *, since: int | None = None) -> str:
    query = f"?since={since}" if since is not None else ""
    return f"/ws/rooms/room/{room_id}/{query}"


class RoomClient:
    """One open socket on a room; frames are read in the background as they arrive."""

    def __init__(self, connection: ClientConnection, *, name: str = "") -> None:
        self.connection = connection
        self.name = name
        self.frames: list[Frame] = []
        self.close_code: int | None = None
        self.closed = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        cookie: str | None = None,
        origin: str | None = None,
        name: str = "",
        within: float = DEFAULT_TIMEOUT,
    ) -> "RoomClient":
        """Open `url` (ws://host:port/ws/rooms/room/<id>/…) with a session cookie and an Origin.

        A refused handshake raises websockets.exceptions.InvalidStatus.
        """
        connection = await connect(
            url,
            origin=origin,
            additional_headers={"Cookie": cookie} if cookie else None,
            open_timeout=within,
            ping_interval=None,  # an idle test must really be idle on the client side
            max_size=2**22,
        )
        return cls(connection, name=name)

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                frame = json.loads(raw)
                async with self._arrived:
                    self.frames.append(frame)
                    self._arrived.notify_all()
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.connection.close_code
            self.closed.set()
            async with self._arrived:
                self._arrived.notify_all()

    # Waiting for frames.

    async def wait_for(
        self, predicate: Callable[[Frame], bool], *, within: float = DEFAULT_TIMEOUT, what: str = ""
    ) -> Frame:
        """Return the first frame received so far or later that matches `predicate`."""

        async def first_match() -> Frame:
            async with self._arrived:
                while True:
                    for frame in self.frames:
                        if predicate(frame):
                            return frame
                    if self.closed.is_set():
                        raise AssertionError(
                            f"{self.name}: closed ({self.close_code}) before {what or 'the frame'} arrived"
                        )
                    await self._arrived.wait()

        try:
            return await asyncio.wait_for(first_match(), within)
        except TimeoutError:
            recent = [f"{f['type']} {f.get('payload', {})!s:.120}" for f in self.frames[-8:]]
            raise AssertionError(
                f"{self.name}: no {what or 'matching frame'} within {within} s; last frames: {recent}"
            ) from None

    async def wait_event(
        self, event_type: str, *, within: float = DEFAULT_TIMEOUT, **payload: Any
    ) -> Frame:
        """Wait for an event of `event_type` whose payload has these values."""
        return await self.wait_for(
            lambda f: (
                f["type"] == event_type
                and all(f.get("payload", {}).get(k) == v for k, v in payload.items())
            ),
            within=within,
            what=f"{event_type} {payload or ''}",
        )

    async def synced(self, *, within: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """The payload of the snapshot the server sends on connect."""
        return (await self.wait_event("rooms.room_synced", within=within))["payload"]

    async def wait_seq(self, seq: int, *, within: float = DEFAULT_TIMEOUT) -> None:
        """Wait until the chat messages received reach `seq`."""
        await self.wait_for(
            lambda f: any(m["seq"] >= seq for m in _messages_in(f)),
            within=within,
            what=f"message seq {seq}",
        )

    async def wait_closed(self, *, within: float = DEFAULT_TIMEOUT) -> int | None:
        await asyncio.wait_for(self.closed.wait(), within)
        return self.close_code

    # What was received.

    def messages(self) -> list[dict[str, Any]]:
        """Chat messages in the order received: snapshot ones, then live ones."""
        return [message for frame in self.frames for message in _messages_in(frame)]

    def seqs(self) -> list[int]:
        return [message["seq"] for message in self.messages()]

    def of_type(self, event_type: str) -> list[Frame]:
        return [frame for frame in self.frames if frame["type"] == event_type]

    # Sending.

    async def send(
        self, frame_type: str, payload: dict[str, Any] | None = None, request_id: str | None = None
    ) -> str:
        request_id = request_id or f"{self.name or 'client'}-{next(_request_ids)}"
        frame = {"type": frame_type, "request_id": request_id, "payload": payload or {}}
        await self.connection.send(json.dumps(frame))
        return request_id

    async def command(
        self,
        frame_type: str,
        payload: dict[str, Any] | None = None,
        *,
        request_id: str | None = None,
        within: float = DEFAULT_TIMEOUT,
    ) -> Frame:
        """Send a command and return its `ack` or `error` frame."""
        request_id = await self.send(frame_type, payload, request_id)
        return await self.wait_for(
            lambda f: f["type"] in ("ack", "error") and f.get("request_id") == request_id,
            within=within,
            what=f"answer to {frame_type} {request_id}",
        )

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.connection.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._reader, 5)


def _messages_in(frame: Frame) -> list[dict[str, Any]]:
    if frame["type"] == "rooms.room_synced":
        return list(frame["payload"]["messages"])
    if frame["type"] == "rooms.message_posted":
        return [frame["payload"]]
    return []
