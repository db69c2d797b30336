"""Polls over real room sockets: launched to everyone, tallies coalesced, hidden results kept
from residents until the final result reaches everyone at closing."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from council.core import coalesce
from council.voting.polls.models import Poll
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)

INTERVAL = 0.3


@pytest.fixture(autouse=True)
def _short_interval(settings):
    settings.POLL_RESULTS_COALESCE_SECONDS = INTERVAL
    settings.REDIS_URL = ""  # one process: the claim is kept in memory (tests/core/test_coalesce.py covers Redis)


async def ask(socket, type_, request_id, **payload):
    await socket.send_json_to(command(type_, request_id, **payload))
    return await answer_to(socket, request_id)


async def frames_of(socket, frame_type, *, wait):
    """Every frame of `frame_type` received within `wait` seconds."""
    found = []
    loop = asyncio.get_running_loop()
    end = loop.time() + wait
    while (left := end - loop.time()) > 0:
        if await socket.receive_nothing(min(left, 0.05)):
            continue
        frame = json.loads((await socket.receive_output())["text"])
        if frame["type"] == frame_type:
            found.append(frame)
    return found


async def test_a_launched_poll_reaches_everyone_and_a_resident_answers_on_the_stage(room, facilitator, resident):
    chair, _ = await connect(room_path(room.pk), user=facilitator)
    person, snapshot = await connect(room_path(room.pk), user=resident)
    assert snapshot["payload"]["polls"] == {
        "room_id": room.pk, "can_manage": False, "open": None, "closed": [], "drafts": None, "agenda": None,
    }

    created = await ask(chair, "polls.create", "c1", question="Un banc ici ?", kind="yes_no", visibility="live")
    poll_id = created["payload"]["poll_id"]
    assert (await next_frame_of(chair, "polls.polls_changed"))["payload"]["polls"][0]["status"] == "draft"
    await ask(chair, "polls.open", "o1", poll_id=poll_id)
    opened = (await next_frame_of(person, "polls.poll_opened"))["payload"]["poll"]
    assert (opened["question"], opened["status"], opened["results"]["respondents"]) == ("Un banc ici ?", "open", 0)

    acked = await ask(person, "polls.answer", "a1", poll_id=poll_id, answer={"kind": "yes_no", "vote": "yes"})
    assert acked["payload"] == {"poll_id": poll_id, "answer": [0], "duplicate": False}
    again = await ask(person, "polls.answer", "a1", poll_id=poll_id, answer={"kind": "yes_no", "vote": "yes"})
    assert again["payload"]["duplicate"] is True
    results = (await next_frame_of(person, "polls.results_changed"))["payload"]
    assert (results["respondents"], results["rows"][0]) == (1, {"label": "yes", "count": 1, "percent": 100})

    # a new socket finds the open poll with its person's answer
    _, snapshot = await connect(room_path(room.pk), user=resident)
    assert snapshot["payload"]["polls"]["open"]["my_answer"] == [0]
    await coalesce.flush()


async def test_a_resident_may_not_launch_or_close_and_is_told_why(room, facilitator, resident):
    person, _ = await connect(room_path(room.pk), user=resident)
    refused = await ask(person, "polls.create", "c1", question="Moi aussi ?", kind="yes_no")
    assert refused["payload"] == {
        "code": "forbidden",
        "message": "Only the meeting's facilitation team can prepare, launch and close polls.",
    }
    bad = await ask(person, "polls.answer", "a1", poll_id=1, answer={"kind": "yes_no", "vote": "peut-être"})
    assert (bad["type"], bad["payload"]["code"]) == ("error", "invalid")
    assert not await database_sync_to_async(Poll.objects.exists)()


async def test_hidden_results_reach_only_the_facilitators_until_the_final_result_reaches_everyone(
    room, facilitator, resident, user_with_role
):
    chair, _ = await connect(room_path(room.pk), user=facilitator)
    person, _ = await connect(room_path(room.pk), user=resident)
    watcher_user = await database_sync_to_async(user_with_role)("member", room.council)
    watcher, _ = await connect(room_path(room.pk), user=watcher_user)
    created = await ask(chair, "polls.create", "c1", question="Couleur ?", kind="single", options=["Rouge", "Vert"], visibility="hidden")
    poll_id = created["payload"]["poll_id"]
    await ask(chair, "polls.open", "o1", poll_id=poll_id)
    assert (await next_frame_of(watcher, "polls.poll_opened"))["payload"]["poll"]["results"] is None
    await next_frame_of(person, "polls.poll_opened")

    await ask(person, "polls.answer", "a1", poll_id=poll_id, answer={"kind": "single", "choice": 1})
    tally = (await next_frame_of(chair, "polls.results_changed"))["payload"]
    assert [row["count"] for row in tally["rows"]] == [0, 1]
    await expect_silence(watcher, wait=INTERVAL * 2)  # nothing, not even counts, while hidden
    refused = await ask(chair, "polls.show_results", "s1", poll_id=poll_id)
    assert refused["payload"]["message"] == "The results of this poll are hidden until it closes."

    await ask(chair, "polls.close", "x1", poll_id=poll_id)
    closed = (await next_frame_of(watcher, "polls.poll_closed"))["payload"]["poll"]
    assert (closed["status"], [row["count"] for row in closed["results"]["rows"]]) == ("closed", [0, 1])
    late = await ask(person, "polls.answer", "a2", poll_id=poll_id, answer={"kind": "single", "choice": 0})
    assert late["payload"]["message"] == "This poll is closed: answers are no longer accepted."
    _, snapshot = await connect(room_path(room.pk), user=watcher_user)
    assert snapshot["payload"]["polls"]["closed"][0]["results"]["respondents"] == 1
    await coalesce.flush()


async def test_a_burst_of_answers_is_heard_as_a_handful_of_tallies_the_last_exact(room, facilitator, user_with_role):
    """100 answers: 50 people answer, then each changes their answer (one answer each in the end)."""
    chair, _ = await connect(room_path(room.pk), user=facilitator)
    created = await ask(chair, "polls.create", "c1", question="Quel jour ?", kind="single", options=["Lundi", "Mardi", "Jeudi"])
    poll_id = created["payload"]["poll_id"]
    await ask(chair, "polls.open", "o1", poll_id=poll_id)
    people = [await database_sync_to_async(user_with_role)("resident", room.council) for _ in range(50)]
    sockets = []
    for person in people:
        socket = ws_communicator(room_path(room.pk), user=person)
        await socket.connect()
        await next_frame_of(socket, "rooms.room_synced", wait=10)
        sockets.append(socket)

    loop = asyncio.get_running_loop()
    started = loop.time()
    for round_, first in enumerate((0, 1)):
        for index, socket in enumerate(sockets):
            choice = (index + first) % 3
            await socket.send_json_to(command("polls.answer", f"a{round_}-{index}", poll_id=poll_id, answer={"kind": "single", "choice": choice}))
    for round_ in (0, 1):
        for index, socket in enumerate(sockets):
            assert (await answer_to(socket, f"a{round_}-{index}", wait=10))["type"] == "ack"
    burst = loop.time() - started
    heard = await frames_of(chair, "polls.results_changed", wait=INTERVAL * 3)

    # one per interval while answers come in (this machine takes a few seconds for 100), not one per answer
    assert 1 <= len(heard) <= burst / INTERVAL + 2 < 50, (len(heard), burst)
    last = heard[-1]["payload"]
    assert (last["respondents"], [row["count"] for row in last["rows"]]) == (50, [16, 17, 17])
    for socket in sockets:
        await socket.disconnect()
    await coalesce.flush()


async def test_refusals_are_told_in_the_person_s_language(room, user_with_role, make_poll):
    poll_id = await database_sync_to_async(make_poll)("multiple", open=True)
    french = await database_sync_to_async(user_with_role)("resident", room.council, preferred_language="fr")
    socket, _ = await connect(room_path(room.pk), user=french)

    refused = await ask(socket, "polls.open", "o1", poll_id=poll_id)
    too_many = await ask(socket, "polls.answer", "a1", poll_id=poll_id, answer={"kind": "multiple", "choices": [0, 1, 2]})

    assert refused["payload"]["message"] == (
        "Seule l\u2019équipe d\u2019animation de la réunion peut préparer, lancer et clore les sondages."
    )
    assert too_many["payload"]["message"] == "Choisissez au plus 2 options."


async def test_answers_sent_together_commit_as_batches_on_the_database_threads(
    room, make_poll, user_with_role, monkeypatch
):
    """One transaction per answer was the burst's bottleneck: answers arriving together share one."""
    from council.voting.polls import batch

    poll_id = await database_sync_to_async(make_poll)("yes_no", open=True)
    batches = []
    real = batch.poll_answers

    def recorded(sent):
        import threading

        batches.append((threading.current_thread().name, len(sent)))
        return real(sent)

    monkeypatch.setattr(batch.ANSWERS, "run", recorded)
    people = [
        await database_sync_to_async(user_with_role)("resident", room.council, display_name=f"Voisin {index}")
        for index in range(12)
    ]
    sockets = [(await connect(room_path(room.pk), user=person))[0] for person in people]
    for index, socket in enumerate(sockets):  # all sent before any is answered
        vote = "yes" if index % 3 else "no"
        await socket.send_json_to(command("polls.answer", f"a{index}", poll_id=poll_id, answer={"kind": "yes_no", "vote": vote}))
    acks = [await answer_to(socket, f"a{index}") for index, socket in enumerate(sockets)]
    assert [ack["type"] for ack in acks] == ["ack"] * 12
    assert acks[0]["payload"] == {"poll_id": poll_id, "answer": [1], "duplicate": False}
    assert sum(size for _, size in batches) == 12
    assert len(batches) < 12  # gathered: those waiting while a batch commits go in the next one
    assert all(name.startswith("room-db") for name, _ in batches)
    stored = await database_sync_to_async(lambda: sorted(Poll.objects.get(pk=poll_id).answers.values_list("value", flat=True)))()
    assert stored == [[0]] * 8 + [[1]] * 4
    for socket in sockets:
        await socket.disconnect()
    await coalesce.flush()
