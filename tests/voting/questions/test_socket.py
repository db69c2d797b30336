"""The Q&A over real room sockets: who hears what, anonymity in every frame, coalesced counts."""

import json
import time

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from council.voting.questions import services
from council.voting.questions.commands import votes_changed_later
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


async def ask(socket, type_, request_id, **payload):
    await socket.send_json_to(command(type_, request_id, **payload))
    return await answer_to(socket, request_id)


async def heard(socket, frame_type):
    """The payload of the next frame of `frame_type`."""
    return (await next_frame_of(socket, frame_type))["payload"]


async def drain(socket, *, wait=0.4):
    """Every frame the socket received until it stays quiet for `wait`, as sent (text)."""
    texts = []
    while not await socket.receive_nothing(wait):
        output = await socket.receive_output()
        texts.append(output["text"])
    return texts


def frames_of(texts, frame_type):
    return [frame["payload"] for frame in map(json.loads, texts) if frame["type"] == frame_type]


def _questions_in(frames):
    for frame in frames:
        payload = frame["payload"]
        if "question" in payload:
            if payload["question"] is not None:
                yield payload["question"]
        elif "text" in payload:
            yield payload


async def configure(facilitator, room, **settings):
    await database_sync_to_async(services.qa_configure)(actor=facilitator, room_id=room.pk, **settings)


async def test_a_waiting_question_reaches_the_facilitators_and_its_author_only(room, facilitator, alice, bob):
    await configure(facilitator, room, moderated=True)
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    author, _ = await connect(room_path(room.pk), user=alice)
    other, _ = await connect(room_path(room.pk), user=bob)

    answer = await ask(author, "questions.ask", "q1", text="Où en est le jardin partagé ?")

    assert answer["type"] == "ack"
    assert answer["payload"]["status"] == "pending"
    question_id = answer["payload"]["question_id"]
    own = await heard(author, "questions.question_changed")
    assert (own["id"], own["status"], own["author"]["name"]) == (question_id, "pending", "Alice Zébulon")
    queued = await heard(boss, "questions.question_moderated")
    assert (queued["status"], queued["asked_by"]["name"]) == ("pending", "Alice Zébulon")
    await expect_silence(other)

    assert (await ask(boss, "questions.approve", "a1", question_id=question_id))["type"] == "ack"

    shown = await heard(other, "questions.question_changed")
    assert (shown["id"], shown["status"], shown["text"]) == (question_id, "approved", "Où en est le jardin partagé ?")
    for socket in (boss, author, other):
        await socket.disconnect()


async def test_an_anonymous_author_is_named_in_no_frame_another_resident_receives(room, facilitator, alice, bob):
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    author, _ = await connect(room_path(room.pk), user=alice)
    other, snapshot_before = await connect(room_path(room.pk), user=bob)
    assert snapshot_before["payload"]["questions"]["anonymous_allowed"] is True

    answer = await ask(author, "questions.ask", "q1", text="Pourquoi le marché ferme-t-il ?", anonymous=True)
    question_id = answer["payload"]["question_id"]
    await ask(other, "questions.upvote", "u1", question_id=question_id)
    await ask(boss, "questions.shortlist", "s1", question_id=question_id)
    await ask(boss, "questions.show", "s2", question_id=question_id)
    await ask(boss, "questions.mark_answered", "m1", question_id=question_id)
    received = [json.loads(text) for text in await drain(other)]
    again, snapshot = await connect(room_path(room.pk), user=bob)

    # Presence lists who is in the room (Alice is); what ties her to the question must not reach Bob:
    # no Q&A frame, nor the snapshot's Q&A section, names or identifies her.
    qa_frames = [frame for frame in received if frame["type"].startswith("questions.")]
    assert {frame["type"] for frame in qa_frames} >= {"questions.question_changed", "questions.shown_changed"}
    seen_by_bob = json.dumps([qa_frames, snapshot["payload"]["questions"]], ensure_ascii=False)
    assert "Pourquoi le marché ferme-t-il ?" in seen_by_bob  # the question reached him ...
    for trace in ("Alice", "Zébulon", "alice@example.org", "asked_by"):
        assert trace not in seen_by_bob  # ... its author never did
    assert all(question["author"] is None for question in _questions_in(qa_frames))
    listed = snapshot["payload"]["questions"]["questions"]
    assert [(q["author"], q["anonymous"], q["status"]) for q in listed] == [(None, True, "answered")]
    assert snapshot["payload"]["questions"]["shown"]["author"] is None
    assert snapshot["payload"]["questions"]["moderation"] is None
    # The facilitation team knows who asked, in its own frames.
    moderated = frames_of(await drain(boss), "questions.question_moderated")
    assert moderated[-1]["asked_by"] == {"id": alice.pk, "name": "Alice Zébulon"}
    for socket in (boss, author, other, again):
        await socket.disconnect()


@pytest.mark.usefixtures("_fast_votes")
async def test_upvotes_toggle_and_the_counts_reach_everyone(room, facilitator, alice, bob):
    author, _ = await connect(room_path(room.pk), user=alice)
    voter, _ = await connect(room_path(room.pk), user=bob)
    question_id = (await ask(author, "questions.ask", "q1", text="Un banc devant la mairie ?"))["payload"]["question_id"]

    first = await ask(voter, "questions.upvote", "u1", question_id=question_id)
    twice = await ask(voter, "questions.upvote", "u2", question_id=question_id)
    assert (first["payload"]["votes"], twice["payload"]["votes"]) == (1, 1)
    counts = await heard(author, "questions.votes_changed")
    assert counts["votes"] == [{"id": question_id, "votes": 1}]

    await ask(voter, "questions.unvote", "u3", question_id=question_id)
    undone = await ask(voter, "questions.unvote", "u4", question_id=question_id)
    assert (undone["payload"]["votes"], undone["payload"]["voted"]) == (0, False)
    counts = await heard(author, "questions.votes_changed")
    assert counts["votes"] == [{"id": question_id, "votes": 0}]
    for socket in (author, voter):
        await socket.disconnect()


async def test_a_burst_of_upvotes_is_heard_as_a_few_exact_counts(room, alice, user_with_role, settings):
    settings.QUESTIONS_VOTES_COALESCE_SECONDS = 1.0  # the default
    make = database_sync_to_async(user_with_role)
    voters = [await make("resident", room.council) for _ in range(50)]
    listener, _ = await connect(room_path(room.pk), user=alice)
    question_id = (await ask(listener, "questions.ask", "q1", text="Des toilettes publiques ?"))["payload"][
        "question_id"
    ]
    upvote = database_sync_to_async(services.question_upvote)

    started = time.monotonic()
    for voter in voters:  # what the upvote command does: commit, then have the count told
        await upvote(actor=voter, room_id=room.pk, question_id=question_id)
        await votes_changed_later(room.pk)
    burst = time.monotonic() - started
    counts = frames_of(await drain(listener, wait=1.5), "questions.votes_changed")

    # One count per interval at most, however many votes fell in it (50 in a few seconds here).
    assert 1 <= len(counts) <= burst / 1.0 + 2
    assert len(counts) < 50 / 4
    assert counts[-1]["votes"] == [{"id": question_id, "votes": 50}]
    await listener.disconnect()


async def test_closed_questions_and_residents_moderating_are_refused_in_words(room, facilitator, alice):
    resident, _ = await connect(room_path(room.pk), user=alice)
    asked = await ask(resident, "questions.ask", "q1", text="Une question")
    refused = await ask(resident, "questions.hide", "h1", question_id=asked["payload"]["question_id"], reason="non")
    assert refused["payload"] == {  # in the person's language: French unless they chose otherwise
        "code": "forbidden",
        "message": "Seule l’équipe d’animation de la séance peut modérer les questions.",  # noqa: RUF001
    }

    await configure(facilitator, room, open=False)
    settings = await heard(resident, "questions.settings_changed")
    assert settings["open"] is False
    closed = await ask(resident, "questions.ask", "q2", text="Encore une")
    assert closed["payload"] == {
        "code": "invalid",
        "message": "Les questions sont fermées dans cette séance pour le moment.",
    }
    too_long = await ask(resident, "questions.ask", "q3", text="x" * 700)
    assert too_long["payload"] == {"code": "invalid", "message": "«\u00a0text\u00a0» est trop long (600 caractères au plus)."}
    await resident.disconnect()


async def test_a_resent_ask_is_asked_once(room, alice):
    resident, _ = await connect(room_path(room.pk), user=alice)

    first = await ask(resident, "questions.ask", "same", text="Une seule fois")
    again = await ask(resident, "questions.ask", "same", text="Une seule fois")

    assert first["payload"] == again["payload"]
    await resident.disconnect()


async def test_the_projector_follows_show_and_unshow(room, facilitator, alice, client):
    projector, snapshot = await connect(room_path(room.pk), user=facilitator)
    assert snapshot["payload"]["questions"]["shown"] is None
    author, _ = await connect(room_path(room.pk), user=alice)
    question_id = (await ask(author, "questions.ask", "q1", text="Le parc ouvrira-t-il le soir ?"))["payload"][
        "question_id"
    ]

    await ask(projector, "questions.show", "s1", question_id=question_id)
    shown = await heard(projector, "questions.shown_changed")
    assert shown["question"]["text"] == "Le parc ouvrira-t-il le soir ?"
    assert shown["question"]["author"]["name"] == "Alice Zébulon"
    assert (await heard(author, "questions.shown_changed"))["question"]["id"] == question_id

    await ask(projector, "questions.unshow", "s2")
    assert (await heard(author, "questions.shown_changed"))["question"] is None
    for socket in (projector, author):
        await socket.disconnect()


@pytest.mark.django_db
def test_the_projector_page_is_for_the_meeting_only(client, room, alice, user_with_role):
    url = reverse("questions-screen", args=[room.council.slug, room.pk])
    client.force_login(user_with_role("outsider", room.council))
    assert client.get(url).status_code == 404

    client.force_login(alice)
    page = client.get(url).content.decode()
    assert f'data-ws-path="/ws/rooms/room/{room.pk}/"' in page
    assert "voting/questions_screen.js" in page


async def test_every_command_is_answered_as_documented(room, facilitator, alice, bob):
    """Each ack goes through the socket, so tests/protocol.py checks it against docs/asyncapi.yaml."""
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    author, _ = await connect(room_path(room.pk), user=alice)
    voter, _ = await connect(room_path(room.pk), user=bob)
    first = (await ask(author, "questions.ask", "q1", text="Première"))["payload"]["question_id"]
    second = (await ask(voter, "questions.ask", "q2", text="Seconde"))["payload"]["question_id"]
    await ask(voter, "questions.upvote", "u1", question_id=first)
    await ask(author, "questions.upvote", "u2", question_id=second)

    answers = {
        "configure": await ask(boss, "questions.configure", "c1", moderated=True, anonymous_allowed=False),
        "shortlist": await ask(boss, "questions.shortlist", "s1", question_id=second, shortlisted=True),
        "answered": await ask(boss, "questions.mark_answered", "m1", question_id=second),
        "not answered": await ask(boss, "questions.mark_answered", "m2", question_id=second, answered=False),
        "merge": await ask(boss, "questions.merge", "g1", question_id=first, into_id=second),
        "unshow": await ask(boss, "questions.unshow", "n1"),
        "withdraw": await ask(voter, "questions.withdraw", "w1", question_id=second),
    }

    assert {name: answer["type"] for name, answer in answers.items()} == dict.fromkeys(answers, "ack")
    assert answers["configure"]["payload"] == {
        "room_id": room.pk, "open": True, "moderated": True, "anonymous_allowed": False,
    }
    assert answers["merge"]["payload"] == {"question_id": first, "into_id": second, "votes": 2}
    assert answers["not answered"]["payload"] == {"question_id": second, "status": "approved"}
    removed = await heard(author, "questions.question_removed")
    assert (removed["id"], removed["status"], removed["merged_into"]) == (first, "merged", second)
    for socket in (boss, author, voter):
        await socket.disconnect()
