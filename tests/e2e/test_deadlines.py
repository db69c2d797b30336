"""Workshop deadlines applied by real server processes, with nobody facilitating connected.

With Celery workers, the deadline's own `eta` task is held, unacknowledged, by the worker
that fetched it; once that worker is killed, Redis gives the task to another only after the
visibility timeout (an hour). The beat sweep is what applies the deadline on time regardless.
In the embedded default (no Redis, eager tasks), the Daphne process sweeps by itself.
"""

import asyncio
import json
import secrets
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels_redis.core import RedisChannelLayer
from kombu import pools as kombu_pools

from council import celery_app
from council.accounts.models import User
from council.workshops import services
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from tests.e2e.conftest import Meeting
from tests.e2e.conftest import random_id
from tests.e2e.servers import BIN
from tests.e2e.servers import ROOT
from tests.e2e.servers import redis_url
from tests.e2e.servers import server_env

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GRACE_SECONDS = 10  # time to kill one worker and start another before the deadline
START_TIMEOUT = 40


class Celery:
    """Celery processes of this test, each with its log; all stopped at the end."""

    def __init__(self, base: Path, queue: str) -> None:
        self.base = base
        self.queue = queue
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = server_env(
            CELERY_BROKER_URL=redis_url("broker"),
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_TASK_DEFAULT_QUEUE=queue,  # away from other suites' workers on this broker
            DEADLINE_SWEEP_SECONDS="1",
        )

    def log(self, name: str) -> str:
        return (self.base / f"{name}.log").read_text(errors="replace")

    def start(self, name: str, *arguments: str) -> None:
        with (self.base / f"{name}.log").open("wb") as log:
            self.processes[name] = subprocess.Popen(
                [str(BIN / "celery"), "-A", "council", *arguments, "--loglevel", "INFO"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def worker(self, name: str) -> None:
        self.start(
            name, "worker", "-P", "solo", "-c", "1", "--without-mingle", "--without-gossip",
            "--without-heartbeat", "-Q", self.queue, "-n", f"{name}-{self.queue}@%h",
        )  # fmt: skip

    def beat(self) -> None:
        self.start("beat", "beat", "-s", str(self.base / "beat-schedule"))

    def wait_for(self, name: str, text: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while text not in self.log(name):
            process = self.processes[name]
            assert process.poll() is None, f"{name} exited:\n{self.log(name)}"
            assert time.monotonic() < deadline, f"no {text!r} from {name}:\n{self.log(name)}"
            time.sleep(0.1)

    def held_until_eta(self) -> dict[str, str]:
        """{delivery tag: eta} of this queue's tasks a worker fetched and has not acknowledged.

        Kombu's Redis transport keeps them in the `unacked` hash until acknowledged, or
        until the visibility timeout gives them back to the queue.
        """
        client = redis.Redis.from_url(redis_url("broker"))
        held = {}
        for tag, raw in client.hgetall("unacked").items():
            message, _exchange, routing_key = json.loads(raw)
            if routing_key == self.queue and message["headers"].get("eta"):
                held[tag.decode()] = message["headers"]["eta"]
        return held

    def forget_held(self) -> None:
        client = redis.Redis.from_url(redis_url("broker"))
        for tag in self.held_until_eta():
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)

    def kill(self, name: str) -> None:
        """End the process at once, as a crash or an OOM kill would."""
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _reset_producer_pool() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()
    for cached in ("default_queue", "queues", "router"):  # read once from the configuration
        celery_app.amqp.__dict__.pop(cached, None)
    celery_app.amqp._rtable = None


@pytest.fixture
def celery(tmp_path, settings):
    """Celery processes on this run's broker; this process publishes there too, without sweeping itself."""
    queue = f"deadlines-{secrets.token_hex(4)}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        broker_url=redis_url("broker"), task_always_eager=False, task_default_queue=queue
    )
    _reset_producer_pool()
    settings.DEADLINE_SWEEP_IN_SERVER = False  # as in a deployment with workers: the fast path is a task
    processes = Celery(tmp_path, queue)
    yield processes
    processes.stop_all()
    processes.forget_held()
    celery_app.conf.update(saved)
    _reset_producer_pool()
    for name in processes.processes:
        assert "Traceback" not in processes.log(name), processes.log(name)


@pytest.fixture
def meeting_group():
    """Listen to a meeting's group on the servers' channel layer: `listen(group)`, then `next()`."""
    # redis-py's default 5 s socket timeout would end a longer wait (see CHANNEL_LAYERS)
    layer = RedisChannelLayer(hosts=[{"address": redis_url("channels"), "socket_timeout": 30}])

    class Listener:
        channel = group = ""

        async def listen(self, group: str) -> None:
            self.group = group
            self.channel = await layer.new_channel()
            await layer.group_add(group, self.channel)

        async def next(self, within: float) -> dict:
            return await asyncio.wait_for(layer.receive(self.channel), within)

    listener = Listener()
    yield listener
    if listener.channel:
        async_to_sync(layer.group_discard)(listener.group, listener.channel)


@pytest.fixture
def room(council_factory, room_factory):
    """A plenary with a random large id: channel-layer groups are global in the shared Redis."""
    council = council_factory(id=random_id())
    return room_factory(id=random_id(), council=council)


def test_a_closing_countdown_ends_on_time_after_its_worker_is_killed_and_replaced(
    celery, meeting_group, room, user_with_role
):
    facilitator = user_with_role("facilitator", room.council)
    member = user_with_role("member", room.council)
    celery.worker("first")
    celery.beat()
    celery.wait_for("first", " ready.")
    celery.wait_for("beat", "beat: Starting")
    session = services.session_create(
        actor=facilitator, room_id=room.pk, title="Ateliers", workshops=[{"name": "Atelier 1"}]
    )
    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=member.pk,
        workshop_id=Workshop.objects.get(session=session).pk,
    )  # fmt: skip
    services.session_open(actor=facilitator, session_id=session.pk)
    async_to_sync(meeting_group.listen)(f"meeting.{room.pk}")

    services.session_close(actor=facilitator, session_id=session.pk, grace_seconds=GRACE_SECONDS)
    closes_at = WorkshopSession.objects.get(pk=session.pk).closes_at
    for _ in range(100):  # the fast-path task is fetched, then held by the worker until its eta
        if closes_at.isoformat() in celery.held_until_eta().values():
            break
        time.sleep(0.1)
    held = celery.held_until_eta()
    assert closes_at.isoformat() in held.values(), (held, celery.log("first"))
    celery.kill("first")
    celery.worker("second")
    celery.wait_for("second", " ready.")
    assert WorkshopSession.objects.get(pk=session.pk).status == "closing"  # not yet due

    async def announced_closed() -> dict:
        while True:
            message = await meeting_group.next(within=GRACE_SECONDS + 15)
            if message["type"] == "workshops.session_changed":
                return message["payload"]

    payload = async_to_sync(announced_closed)()
    stored = WorkshopSession.objects.get(pk=session.pk)

    assert (payload["session_id"], payload["status"]) == (session.pk, "closed")
    assert (stored.status, stored.closed_at) == ("closed", closes_at)
    assert "deadlines_apply" in celery.log("second")  # the replacement swept
    assert celery.held_until_eta() == held  # while the killed worker's task waits for the visibility timeout


@database_sync_to_async
def _running_session(meeting: Meeting) -> tuple[int, dict[int, int]]:
    """An open session, Alice in one workshop and Bob in the other; (session id, {person: room})."""
    facilitator = User.objects.get(pk=meeting.facilitator.user_id)
    session = services.session_create(
        actor=facilitator, room_id=meeting.room_id, title="Ateliers",
        workshops=[{"name": "Atelier 1"}, {"name": "Atelier 2"}],
    )  # fmt: skip
    rooms = {}
    for person, workshop in zip((meeting.alice, meeting.bob), Workshop.objects.filter(session=session), strict=True):
        services.assignment_set(
            actor=facilitator, session_id=session.pk, user_id=person.user_id, workshop_id=workshop.pk
        )
        rooms[person.user_id] = workshop.room_id
    services.session_open(actor=facilitator, session_id=session.pk)
    return session.pk, rooms


@database_sync_to_async
def _close(meeting: Meeting, session_id: int, *, grace_seconds: int) -> None:
    facilitator = User.objects.get(pk=meeting.facilitator.user_id)
    services.session_close(actor=facilitator, session_id=session_id, grace_seconds=grace_seconds)


async def test_in_the_embedded_default_the_server_process_closes_the_session_on_time(
    daphne, meeting, room_client
):
    (server,) = daphne(1, REDIS_URL="")  # in-memory layer, eager tasks: the sweep runs in Daphne
    session_id, rooms = await _running_session(meeting)
    alice = await room_client(server, meeting.alice)
    bob = await room_client(server, meeting.bob)
    for client, person in ((alice, meeting.alice), (bob, meeting.bob)):
        assert (await client.synced())["room"]["id"] == rooms[person.user_id]

    # Closed from another process (this one): the server only finds the deadline in the database.
    await _close(meeting, session_id, grace_seconds=2)
    for client in (alice, bob):
        await client.wait_event("rooms.moved", within=8, room_id=meeting.room_id)
        closed = await client.wait_event("workshops.session_updated", status="closed")
        assert closed["payload"]["session_id"] == session_id
    stored = await database_sync_to_async(WorkshopSession.objects.get)(pk=session_id)

    assert (stored.status, stored.closed_at) == ("closed", stored.closes_at)
