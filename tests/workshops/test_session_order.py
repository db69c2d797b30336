"""Two facilitators move the same person at once: every socket ends with the state last committed.

Each change's broadcast is built and sent after its commit, by the thread that wrote it, so
the first commit's state can be sent after the second's. The test makes that interleaving
happen on purpose (the first broadcast waits until the second has gone out), with real
PostgreSQL transactions in two threads and real room sockets.
"""

import asyncio
import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from council.core import realtime
from council.workshops import events
from council.workshops import services
from council.workshops.models import Assignment
from council.workshops.models import WorkshopSession
from council.workshops.socket import is_older
from tests.helpers import connect
from tests.helpers import next_frame
from tests.helpers import room_path
from tests.workshops.test_consumers import _open_and_follow
from tests.workshops.test_consumers import _prepare

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


async def _frames_until_quiet(communicator, quiet=0.3):
    frames = []
    while not await communicator.receive_nothing(quiet):
        frames.append(await next_frame(communicator, skip=frozenset()))
    return frames


def _last(frames, frame_type):
    return [frame for frame in frames if frame["type"] == frame_type][-1]["payload"]


def _in_own_thread(func):
    """Run `func` in a thread of its own (its own connection, closed after), not Django's shared one."""

    def run(**kwargs):
        try:
            return func(**kwargs)
        finally:
            connection.close()

    return sync_to_async(run, thread_sensitive=False)


@pytest.fixture
def other_facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, display_name="Odile Organisatrice")


async def test_the_later_move_wins_on_every_socket_when_its_state_is_sent_first(
    room, facilitator, other_facilitator, members, make_session, monkeypatch
):
    session, (a, b, c) = await _prepare(make_session, facilitator, [[members[0]], [members[1]]], count=3)
    mover, _ = await connect(room_path(room.pk), user=members[0])
    bystander, _ = await connect(room_path(room.pk), user=members[1])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(facilitator, session, [(mover, a.room_id), (bystander, b.room_id)])
    for communicator in (mover, bystander, boss):
        await _frames_until_quiet(communicator)

    # given: the first move's state, built after its commit, is sent only after the second's
    first_built, second_sent = threading.Event(), threading.Event()
    broadcast = realtime._broadcast
    session_states = []

    def in_that_order(group, message):
        if message["type"] != events.SESSION_CHANGED:
            return broadcast(group, message)
        session_states.append(message["payload"]["version"])
        if len(session_states) == 1:
            first_built.set()
            assert second_sent.wait(5)
            return broadcast(group, message)
        broadcast(group, message)
        second_sent.set()
        return None

    monkeypatch.setattr(realtime, "_broadcast", in_that_order)

    # when: one facilitator moves the person to b, the other, just after, to c
    move = _in_own_thread(services.assignment_set)
    first = move(actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=b.pk)
    first_move = asyncio.ensure_future(first)
    assert await _in_own_thread(first_built.wait)(timeout=5)
    await move(actor=other_facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=c.pk)
    await first_move

    # then: the stale state went out last, and no socket followed it
    final = await sync_to_async(lambda: WorkshopSession.objects.get(pk=session.pk).version)()
    assert session_states == [final - 1, final]  # built in commit order, sent in the other
    placed = await sync_to_async(lambda: Assignment.objects.get(session=session, user=members[0]).workshop_id)()
    assert placed == c.pk
    seen = {"mover": mover, "bystander": bystander, "boss": boss}
    frames = {name: await _frames_until_quiet(communicator) for name, communicator in seen.items()}
    assert _last(frames["mover"], "rooms.moved")["room_id"] == c.room_id
    assert {name: _last(got, "workshops.session_updated")["version"] for name, got in frames.items()} == dict.fromkeys(
        seen, final
    )
    assert _last(frames["mover"], "workshops.session_updated")["my_workshop_id"] == c.pk
    people = _last(frames["boss"], "workshops.session_updated")["people"]
    assert {person["id"]: person["workshop_id"] for person in people} == {members[0].pk: c.pk, members[1].pk: b.pk}
    for communicator in (mover, bystander, boss):
        await communicator.disconnect()


# (incoming, held, older?): an older state of the held session is dropped; the same, a newer
# one, another session's, none held, or one without a version (a process started before
# versions existed, during a rolling restart) are taken.
CASES = [
    ({"session_id": 1, "version": 4}, {"session_id": 1, "version": 5}, True),
    ({"session_id": 1, "version": 5}, {"session_id": 1, "version": 5}, False),
    ({"session_id": 1, "version": 6}, {"session_id": 1, "version": 5}, False),
    ({"session_id": 2, "version": 1}, {"session_id": 1, "version": 5}, False),
    ({"session_id": 1, "version": 4}, None, False),
    ({"session_id": 1}, {"session_id": 1, "version": 5}, False),
]

SCRIPT = """
import { readFileSync } from "node:fs";
const { isOlder } = await import("./session_order.mjs");
const cases = JSON.parse(readFileSync("cases.json", "utf8"));
console.log(JSON.stringify(cases.map(([incoming, held]) => isOlder(incoming, held))));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.django_db(transaction=False)
def test_the_page_and_the_socket_keep_the_same_states(tmp_path):
    shutil.copy(ROOT / "frontend" / "src" / "workshops" / "session_order.js", tmp_path / "session_order.mjs")
    (tmp_path / "cases.json").write_text(json.dumps(CASES))
    (tmp_path / "run.mjs").write_text(SCRIPT)

    result = subprocess.run(["node", "run.mjs"], cwd=tmp_path, capture_output=True, text=True, check=True)

    expected = [older for _incoming, _held, older in CASES]
    assert json.loads(result.stdout) == expected
    assert [is_older(incoming, than=held) for incoming, held, _older in CASES] == expected
