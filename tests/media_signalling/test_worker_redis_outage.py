"""A media worker process outlives a Redis restart: it reconnects and answers again by itself.

A private redis-server (never the shared one) is killed under a running
`python -m council.rooms.media`, then started again, empty, on the same port.
"""

import asyncio
import contextlib
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from channels.layers import channel_layers
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

from council.rooms.media import assignment
from council.rooms.media.worker import COMMAND
from council.rooms.media.worker import REPLY
from tests.media_signalling.workers import kill
from tests.media_signalling.workers import start_worker
from tests.media_signalling.workers import use_redis_media

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return
            time.sleep(0.05)
        raise AssertionError("the private redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


@pytest.fixture
def private_redis():
    server = PrivateRedis(_free_port())
    server.start()
    yield server
    server.kill()


@pytest.fixture
def worker_settings(settings, private_redis):
    settings.MEDIA_WORKER_HEARTBEAT_SECONDS = 0.3
    use_redis_media(settings, f"redis://127.0.0.1:{private_redis.port}/0")
    yield settings
    channel_layers.backends.clear()


@pytest.fixture
def worker_process(worker_settings):
    process = start_worker(worker_settings, MEDIA_LOG_LEVEL="ERROR")
    yield process
    kill(process)


async def _live_worker(process: subprocess.Popen, *, wait: float) -> str:
    """The id of the live worker, once it announced itself (Redis may still be coming back)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        assert process.poll() is None, "the media worker exited"
        with contextlib.suppress(RedisError, OSError):
            live = await assignment.store().live_workers()
            if live:
                return next(iter(live))
        await asyncio.sleep(0.05)
    raise AssertionError(f"no live media worker within {wait} s")


async def _ask(worker_id: str, ref: str, *, wait: float) -> dict:
    """Send the worker a harmless command (leave, for nobody) and return its reply."""
    layer = get_channel_layer()
    reply_to = await layer.new_channel()
    command = {
        "type": COMMAND,
        "op": "leave",
        "room_id": 1,
        "participant_id": "nobody",
        "reply_to": reply_to,
        "ref": ref,
    }
    await layer.send(assignment.worker_channel(worker_id), command)
    return await asyncio.wait_for(layer.receive(reply_to), wait)


async def test_the_worker_answers_again_after_redis_restarts(private_redis, worker_process):
    worker_id = await _live_worker(worker_process, wait=20)
    before = await _ask(worker_id, "before", wait=5)
    assert before == {"type": REPLY, "ref": "before", "ok": True, "payload": {}}

    private_redis.kill()
    await asyncio.sleep(2)  # the worker's receive fails, again and again
    assert worker_process.poll() is None, "the media worker exited when Redis went away"
    private_redis.start()  # empty: no group, no live worker list, no pins
    channel_layers.backends.clear()  # this test's own connections died with the server
    assignment._redis.clear()

    assert await _live_worker(worker_process, wait=5) == worker_id
    after = await _ask(worker_id, "after", wait=5)
    assert after == {"type": REPLY, "ref": "after", "ok": True, "payload": {}}
    group = await get_channel_layer().connection(0).zrange(
        get_channel_layer()._group_key(assignment.MEDIA_WORKERS_GROUP), 0, -1
    )
    assert group == [assignment.worker_channel(worker_id).encode()]  # subscribed again
