"""The media worker as its own process, on a real Redis: pinning, loss, re-pinning; UDP ports.

The room sockets run here (WebsocketCommunicator) on the Redis channel layer, the worker
runs as `python -m council.rooms.media` in a subprocess on the same layer; the two only
meet through Redis, as Daphne and a worker on another machine would.
"""

import asyncio
import os
import re
from pathlib import Path

import pytest
from aiortc import RTCConfiguration
from aiortc import RTCPeerConnection
from channels.layers import channel_layers

from council.rooms.media import assignment
from council.rooms.media.testing import NumberedVideoTrack
from council.rooms.media.testing import wait_for
from council.rooms.media.worker import limit_udp_ports
from tests.media_signalling.conftest import peer_for
from tests.media_signalling.workers import kill
from tests.media_signalling.workers import start_worker
from tests.media_signalling.workers import use_redis_media

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = int(os.environ.get("TEST_MEDIA_REDIS_DB", "11"))  # apart from the other tests sharing this Redis


def _redis_url() -> str:
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    return re.sub(r"/\d*$", f"/{REDIS_DB}", base)


@pytest.fixture
def redis_media(media_settings):
    use_redis_media(media_settings, _redis_url())
    yield media_settings
    channel_layers.backends.clear()


class WorkerProcess:
    def __init__(self, settings) -> None:
        self.process = start_worker(settings, MEDIA_TEST_LOOPBACK="1", MEDIA_LOG_LEVEL="WARNING")

    async def ready(self, known: set[str]) -> str:
        """Wait until a worker not in `known` is live; return its id."""
        for _ in range(200):
            fresh = set(await assignment.store().live_workers()) - known
            if fresh:
                return fresh.pop()
            assert self.process.poll() is None, "the media worker exited"
            await asyncio.sleep(0.05)
        raise AssertionError("the media worker did not announce itself")

    def kill(self) -> None:
        kill(self.process)


@pytest.fixture
def worker_processes(redis_media):
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        started.append(WorkerProcess(redis_media))
        return started[-1]

    yield start
    for worker in started:
        worker.kill()


@pytest.mark.django_db(transaction=True)
async def test_a_lost_media_worker_is_replaced_and_the_chat_goes_on(
    room, user_with_role, open_socket, worker_processes
):
    from channels.db import database_sync_to_async

    anna_user = await database_sync_to_async(user_with_role)("member", room.council)
    bruno_user = await database_sync_to_async(user_with_role)("member", room.council)
    first = worker_processes()
    first_id = await first.ready(set())
    anna = await open_socket(room, anna_user)
    bruno = await open_socket(room, bruno_user)

    await peer_for(anna).publish(video=NumberedVideoTrack())
    bruno_peer = peer_for(bruno)
    await bruno_peer.subscribe()
    await wait_for(lambda: any(t.count >= 10 for t in bruno_peer.tracks_of("video")))
    assert await assignment.store().pinned(room.pk) == first_id

    first.kill()

    for client in (anna, bruno):
        lost = await client.event("rooms.media_state_changed", lambda p: not p["available"])
        assert lost == {"room_id": room.pk, "available": False, "reason": "worker_lost"}
    assert (await anna.call("rooms.send_message", text="La vidéo est coupée"))["seq"] == 1
    assert (await bruno.event("rooms.message_posted"))["text"] == "La vidéo est coupée"
    refused = await anna.request("rooms.rtc_subscribe")
    assert refused["payload"]["code"] == "media_unavailable"

    second = worker_processes()
    second_id = await second.ready({first_id})
    for client in (anna, bruno):
        await client.event("rooms.media_state_changed", lambda p: p["available"], wait=15)
    assert await assignment.store().pinned(room.pk) == second_id

    await anna.peer.close()  # the pages publish and subscribe again
    await bruno.peer.close()
    await peer_for(anna).publish(video=NumberedVideoTrack())
    bruno_peer = peer_for(bruno)
    await bruno_peer.subscribe()
    await wait_for(lambda: any(t.count >= 10 for t in bruno_peer.tracks_of("video")))


async def test_media_udp_ports_stay_in_the_configured_range(monkeypatch):
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "asyncio", aioice.ice.asyncio)  # restored afterwards
    limit_udp_ports(41000, 41009)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver("video", direction="recvonly")
    pc.addTransceiver("audio", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    ports = [int(m) for m in re.findall(r"a=candidate:\S+ \d+ udp \d+ \S+ (\d+) typ host", pc.localDescription.sdp)]
    await pc.close()

    assert ports
    assert all(41000 <= port <= 41009 for port in ports), ports
