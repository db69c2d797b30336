"""Room sockets that carry WebRTC signalling, and aiortc peers standing in for browsers.

A `SocketClient` reads every frame of one room socket in the background, answers the
server's `rooms.rtc_offer` with its peer, and lets a test send commands and wait for
events. `SocketRoom` gives `council.rooms.media.testing.ClientPeer` the MediaRoom calls it
expects, carried over the socket (rtc_publish, rtc_subscribe, rtc_answer) instead.
"""

import asyncio
import contextlib
import itertools
import json
import time
from typing import Any

import aioice.ice
import pytest
from django.conf import settings

from council.rooms import signalling
from council.rooms.media import assignment
from council.rooms.media.testing import ClientPeer
from tests.helpers import room_path
from tests.helpers import ws_communicator

_ids = itertools.count(1)


class CommandRefused(AssertionError):
    pass


class SocketClient:
    def __init__(self, communicator, user) -> None:
        self.communicator = communicator
        self.user = user
        self.frames: list[dict[str, Any]] = []
        self.closed: dict[str, Any] | None = None
        self.peer: ClientPeer | None = None
        self._answers: dict[str, asyncio.Future] = {}
        self._tasks: set[asyncio.Task] = set()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        while True:
            output = await self.communicator.receive_output(3600)
            if output["type"] != "websocket.send":
                self.closed = output
                return
            frame = json.loads(output["text"])
            self.frames.append(frame)
            waiter = self._answers.pop(frame.get("request_id") or "", None)
            if frame["type"] in ("ack", "error") and waiter is not None and not waiter.done():
                waiter.set_result(frame)
            if frame["type"] == "rooms.rtc_offer" and self.peer and self.peer.subscribe_pc:
                task = asyncio.get_running_loop().create_task(
                    self.peer.answer_offer(frame["payload"]["sdp"])
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def request(self, type_: str, *, wait: float = 10, **payload: Any) -> dict[str, Any]:
        """Send a command; return its ack or error frame."""
        request_id = f"r{next(_ids)}"
        self._answers[request_id] = asyncio.get_running_loop().create_future()
        await self.communicator.send_json_to({"type": type_, "request_id": request_id, "payload": payload})
        return await asyncio.wait_for(self._answers[request_id], wait)

    async def call(self, type_: str, **payload: Any) -> dict[str, Any]:
        """Send a command that must succeed; return the ack's payload."""
        frame = await self.request(type_, **payload)
        if frame["type"] != "ack":
            raise CommandRefused(f"{type_} refused: {frame['payload']}")
        return frame["payload"]

    def mark(self) -> int:
        return len(self.frames)

    async def event(self, type_: str, test=lambda payload: True, *, after: int = 0, wait: float = 10):
        """Wait for a frame of `type_` (received at index >= `after`) whose payload passes `test`."""
        deadline = time.monotonic() + wait
        while True:
            for frame in self.frames[after:]:
                if frame["type"] == type_ and test(frame["payload"]):
                    return frame["payload"]
            if time.monotonic() > deadline:
                seen = [f["type"] for f in self.frames[after:]]
                raise AssertionError(f"no {type_} within {wait} s; saw {seen}")
            await asyncio.sleep(0.05)

    def count(self, type_: str, *, after: int = 0) -> int:
        return sum(1 for frame in self.frames[after:] if frame["type"] == type_)

    async def close(self) -> None:
        if self._reader.done():
            return
        if self.peer is not None:
            await self.peer.close()
        for task in self._tasks:
            task.cancel()
        if self.closed is None:
            await self.communicator.send_input({"type": "websocket.disconnect", "code": 1000})
        # Let the consumer's disconnect finish (it writes to the database) before the reader
        # stops: cancelling a pending receive_output cancels the application too.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.communicator.future), 10)
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader


class SocketRoom:
    """The MediaRoom calls ClientPeer makes, sent as commands over the room socket."""

    def __init__(self, client: SocketClient) -> None:
        self.client = client

    async def publish(self, participant_id: str, offer_sdp: str) -> str:
        return (await self.client.call("rooms.rtc_publish", sdp=offer_sdp))["sdp"]

    async def subscribe(self, participant_id: str) -> str:
        return (await self.client.call("rooms.rtc_subscribe"))["sdp"]

    async def subscriber_answer(self, participant_id: str, answer_sdp: str) -> None:
        await self.client.call("rooms.rtc_answer", sdp=answer_sdp)


@pytest.fixture
def media_settings(settings):
    settings.ROOM_RATE_LIMIT = "1000/10"
    settings.MEDIA_WORKER_HEARTBEAT_SECONDS = 0.3
    settings.MEDIA_REPLY_TIMEOUT_SECONDS = 8
    settings.MEDIA_ICE_SERVERS = []
    return settings


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch):
    """aioice never offers 127.0.0.1: make it the only host candidate, here and in the worker."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"])


@pytest.fixture(autouse=True)
async def _fresh_media_state():
    assignment.reset_memory()
    yield
    await signalling.stop_embedded_worker()
    signalling.reset()
    assignment.reset_memory()


@pytest.fixture
async def open_socket(transactional_db):
    """Return an opener: `await open_socket(room, user)` gives a SocketClient past its snapshot.

    Depends on the database so the sockets close (and write) before it is flushed.
    """
    clients: list[SocketClient] = []

    async def open_(room, user) -> SocketClient:
        communicator = ws_communicator(room_path(room.pk), user=user)
        connected, _ = await communicator.connect()
        assert connected
        client = SocketClient(communicator, user)
        clients.append(client)
        await client.event("rooms.room_synced")
        return client

    yield open_
    for client in clients:
        await client.close()
    await asyncio.sleep(4 * settings.ROOM_PRESENCE_COALESCE_SECONDS)  # the last presence broadcasts


def peer_for(client: SocketClient) -> ClientPeer:
    client.peer = ClientPeer(SocketRoom(client), f"user-{client.user.pk}")
    return client.peer
