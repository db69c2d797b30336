"""Answers committed as batches give every sender what answering alone would have given them."""

import pytest
from django.db import DatabaseError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pydantic import TypeAdapter

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.voting.polls import batch
from council.voting.polls import services
from council.voting.polls.models import Answer
from council.voting.polls.schemas import AnswerValue

pytestmark = pytest.mark.django_db

typed = TypeAdapter(AnswerValue).validate_python


def sent(person, room, poll_id, request_id="", language="en", **value):
    return batch.AnswerSent(
        actor=person, room_id=room.pk, poll_id=poll_id, answer=typed(value), request_id=request_id, language=language
    )


def test_each_answer_of_a_batch_is_accepted_or_refused_alone(room, make_poll, user_with_role, facilitator, council_factory):
    closed_id = make_poll("yes_no", open=True)
    services.poll_close(actor=facilitator, room_id=room.pk, poll_id=closed_id)
    poll_id = make_poll("multiple", open=True)
    ana, bob, chloe = (user_with_role("resident", room.council, preferred_language="en") for _ in range(3))
    stranger = user_with_role("resident", council_factory())
    outcomes = batch.poll_answers([
        sent(ana, room, poll_id, "r1", kind="multiple", choices=[0, 1]),
        sent(bob, room, poll_id, "r2", kind="multiple", choices=[0, 1, 2]),  # one too many
        sent(stranger, room, poll_id, "r3", kind="multiple", choices=[3]),  # not in the meeting
        sent(chloe, room, closed_id, "r4", kind="yes_no", vote="yes"),  # closed
        sent(chloe, room, poll_id, "r5", kind="multiple", choices=[2]),
        sent(chloe, room, poll_id, "r6", kind="multiple", choices=[3]),  # changed her mind in the same batch
        sent(bob, room, poll_id, "r7", language="fr", kind="multiple", choices=[9]),
    ])
    assert outcomes[0] == {"poll_id": poll_id, "answer": [0, 1], "duplicate": False}
    assert isinstance(outcomes[1], InvalidInput)
    assert outcomes[1].message == "Choose at most 2 options."
    assert isinstance(outcomes[2], AccessDenied)
    assert isinstance(outcomes[3], InvalidInput)
    assert "closed" in outcomes[3].message
    assert outcomes[4] == {"poll_id": poll_id, "answer": [2], "duplicate": False}
    assert outcomes[5] == {"poll_id": poll_id, "answer": [3], "duplicate": False}
    assert isinstance(outcomes[6], InvalidInput)
    assert outcomes[6].message == "Chaque option ne peut être choisie qu\u2019une fois, parmi celles proposées."
    stored = dict(Answer.objects.filter(poll_id=poll_id).values_list("user_id", "value"))
    assert stored == {ana.pk: [0, 1], chloe.pk: [3]}


def test_a_retried_answer_counts_once_and_says_what_stands(room, make_poll, resident):
    poll_id = make_poll("single", open=True)
    first = batch.poll_answers([sent(resident, room, poll_id, "same", kind="single", choice=1)])
    again = batch.poll_answers([sent(resident, room, poll_id, "same", kind="single", choice=1)])
    assert first == [{"poll_id": poll_id, "answer": [1], "duplicate": False}]
    assert again == [{"poll_id": poll_id, "answer": [1], "duplicate": True}]
    assert Answer.objects.filter(poll_id=poll_id).count() == 1


def test_a_batch_costs_the_same_queries_for_ten_answers_as_for_a_hundred(room, make_poll, user_with_role):
    poll_id = make_poll("yes_no", open=True)
    people = [user_with_role("resident", room.council) for _ in range(110)]

    def queries_of(crowd):
        with CaptureQueriesContext(connection) as captured:
            outcomes = batch.poll_answers([sent(person, room, poll_id, kind="yes_no", vote="no") for person in crowd])
        assert all(isinstance(outcome, dict) and not outcome["duplicate"] for outcome in outcomes)
        return len(captured.captured_queries)

    small, large = queries_of(people[:10]), queries_of(people[10:])
    assert small == large, "a query per answer crept into the batch"
    assert large <= 12
    assert Answer.objects.filter(poll_id=poll_id).count() == 110


def test_a_batch_failing_as_a_whole_is_answered_one_by_one(room, make_poll, user_with_role, monkeypatch):
    """A database error in the batch's statement loses nobody: each answer is then tried on its own."""
    poll_id = make_poll("yes_no", open=True)
    people = [user_with_role("resident", room.council) for _ in range(3)]

    def broken(rows, sent_items):
        raise DatabaseError("deadlock detected")

    monkeypatch.setattr(batch, "_upsert", broken)
    outcomes = batch.poll_answers([sent(person, room, poll_id, kind="yes_no", vote="yes") for person in people])
    assert outcomes == [{"poll_id": poll_id, "answer": [0], "duplicate": False}] * 3
    assert Answer.objects.filter(poll_id=poll_id).count() == 3
