"""Preparing, launching, answering and closing polls: each kind's rules, one answer per person."""

import pytest
from django.db import IntegrityError
from django.db import transaction
from pydantic import TypeAdapter

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.voting.polls import services
from council.voting.polls.models import Answer
from council.voting.polls.models import Poll
from council.voting.polls.schemas import AnswerValue
from council.voting.polls.selectors import tally

pytestmark = pytest.mark.django_db

typed = TypeAdapter(AnswerValue).validate_python


def answer(user, room, poll_id, **value):
    return services.poll_answer(actor=user, room_id=room.pk, poll_id=poll_id, answer=typed(value))


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("single", {"options": ["Seul"]}, "Give between 2 and 20 options, none of them empty."),
        ("single", {"options": ["A", " "]}, "Give between 2 and 20 options, none of them empty."),
        ("multiple", {"options": ["A", "B"], "min_choices": 2, "max_choices": 3}, "The fewest and most choices"),
        ("multiple", {"options": ["A", "B"], "min_choices": 2, "max_choices": 1}, "The fewest and most choices"),
        ("scale", {"scale_min": 5, "scale_max": 1}, "A scale goes up from its lowest value"),
        ("scale", {"scale_min": -10, "scale_max": 10}, "A scale goes up from its lowest value"),
    ],
)
def test_a_poll_that_cannot_be_answered_is_refused(kind, fields, message, room, facilitator):
    with pytest.raises(InvalidInput, match=message):
        services.poll_create(actor=facilitator, room_id=room.pk, question="Q ?", kind=kind, **fields)
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("single", {"kind": "single", "choice": 3}, "There is no such option."),
        ("single", {"kind": "yes_no", "vote": "yes"}, "This answer does not fit this poll"),
        ("multiple", {"kind": "multiple", "choices": []}, "Choose at least 1 option."),
        ("multiple", {"kind": "multiple", "choices": [0, 1, 2]}, "Choose at most 2 options."),
        ("multiple", {"kind": "multiple", "choices": [1, 1]}, "Each option can be chosen once"),
        ("scale", {"kind": "scale", "value": 6}, "Choose a value from 1 to 5."),
        ("scale", {"kind": "scale", "value": 0}, "Choose a value from 1 to 5."),
        ("ranking", {"kind": "ranking", "order": [0, 1]}, "Rank every option once."),
        ("ranking", {"kind": "ranking", "order": [0, 1, 1]}, "Rank every option once."),
        ("ranking", {"kind": "ranking", "order": [2, 1, 3]}, "Rank every option once."),
    ],
)
def test_each_kind_checks_its_answers(kind, value, message, room, make_poll, resident):
    poll_id = make_poll(kind, open=True)
    with pytest.raises(InvalidInput, match=message):
        answer(resident, room, poll_id, **value)
    assert not Answer.objects.exists()


def test_each_kind_counts_its_answers(room, make_poll, user_with_role, facilitator):
    people = [user_with_role("resident", room.council) for _ in range(4)]
    polls = {kind: make_poll(kind) for kind in ("single", "multiple", "yes_no", "scale", "ranking")}
    given = {
        "single": [{"choice": 0}, {"choice": 2}, {"choice": 2}, {"choice": 1}],
        "multiple": [{"choices": [0, 1]}, {"choices": [1]}, {"choices": [1, 3]}, {"choices": [2]}],
        "yes_no": [{"vote": "yes"}, {"vote": "yes"}, {"vote": "abstain"}, {"vote": "no"}],
        "scale": [{"value": 5}, {"value": 4}, {"value": 4}, {"value": 1}],
        "ranking": [{"order": [0, 1, 2]}, {"order": [1, 0, 2]}, {"order": [1, 2, 0]}, {"order": [2, 1, 0]}],
    }
    counted = {}
    for kind, poll_id in polls.items():
        services.poll_open(actor=facilitator, room_id=room.pk, poll_id=poll_id)
        for person, value in zip(people, given[kind], strict=True):
            answer(person, room, poll_id, kind=kind, **value)
        services.poll_close(actor=facilitator, room_id=room.pk, poll_id=poll_id)
        result = Poll.objects.get(pk=poll_id).result
        counted[kind] = [(row["label"], row["count"], row["percent"]) for row in result["rows"]]
        assert result["respondents"] == 4

    assert counted["single"] == [("Rouge", 1, 25), ("Vert", 1, 25), ("Bleu", 2, 50)]
    assert counted["multiple"] == [("Rouge", 1, 25), ("Vert", 3, 75), ("Bleu", 1, 25), ("Jaune", 1, 25)]
    assert counted["yes_no"] == [("yes", 2, 50), ("no", 1, 25), ("abstain", 1, 25)]
    assert counted["scale"] == [("1", 1, 25), ("2", 0, 0), ("3", 0, 0), ("4", 2, 50), ("5", 1, 25)]
    assert Poll.objects.get(pk=polls["scale"]).result["mean"] == 3.5
    # Borda: 2 points for a first place, 1 for a second, out of 4 x 2 at most
    assert counted["ranking"] == [("Parc", 3, 38), ("École", 6, 75), ("Piste", 3, 38)]


def test_one_answer_per_person_changed_until_closing_then_refused(room, make_poll, resident, facilitator):
    poll_id = make_poll(open=True)

    answer(resident, room, poll_id, kind="single", choice=0)
    answer(resident, room, poll_id, kind="single", choice=2)
    assert list(Answer.objects.values_list("value", flat=True)) == [[2]]
    services.poll_close(actor=facilitator, room_id=room.pk, poll_id=poll_id)
    with pytest.raises(InvalidInput, match="This poll is closed"):
        answer(resident, room, poll_id, kind="single", choice=1)

    assert list(Answer.objects.values_list("value", flat=True)) == [[2]]
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(poll_id=poll_id, user=resident, value=[1])


def test_a_retried_answer_is_applied_once(room, make_poll, resident):
    poll_id = make_poll(open=True)
    first = services.poll_answer(
        actor=resident, room_id=room.pk, poll_id=poll_id, answer=typed({"kind": "single", "choice": 1}), request_id="r1"
    )
    again = services.poll_answer(
        actor=resident, room_id=room.pk, poll_id=poll_id, answer=typed({"kind": "single", "choice": 1}), request_id="r1"
    )
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert tally(Poll.objects.get(pk=poll_id))["respondents"] == 1


def test_one_open_poll_per_room(room, make_poll, facilitator):
    first, second = make_poll(open=True), make_poll()

    with pytest.raises(InvalidInput, match="Another poll is open: close it first"):
        services.poll_open(actor=facilitator, room_id=room.pk, poll_id=second)
    Poll.objects.filter(pk=second).update(status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Poll.objects.filter(pk=second).update(status="open")

    services.poll_close(actor=facilitator, room_id=room.pk, poll_id=first)
    services.poll_open(actor=facilitator, room_id=room.pk, poll_id=second)
    assert list(Poll.objects.order_by("pk").values_list("status", flat=True)) == ["closed", "open"]


def test_only_drafts_change_or_go_and_closed_polls_stay(room, make_poll, facilitator):
    poll_id = make_poll(open=True)
    with pytest.raises(InvalidInput, match="Only a poll in preparation can be changed"):
        services.poll_update(actor=facilitator, room_id=room.pk, poll_id=poll_id, question="Autre ?")
    services.poll_close(actor=facilitator, room_id=room.pk, poll_id=poll_id)
    with pytest.raises(InvalidInput, match="a closed poll stays with the meeting"):
        services.poll_delete(actor=facilitator, room_id=room.pk, poll_id=poll_id)
    draft = make_poll(question="Avant ?")
    services.poll_update(actor=facilitator, room_id=room.pk, poll_id=draft, question="Après ?", label="Point 3")
    assert Poll.objects.get(pk=draft).label == "Point 3"
    services.poll_delete(actor=facilitator, room_id=room.pk, poll_id=draft)
    assert list(Poll.objects.values_list("status", flat=True)) == ["closed"]


def test_a_resident_cannot_prepare_open_or_close(room, make_poll, resident):
    poll_id = make_poll()
    for call in (
        lambda: services.poll_create(actor=resident, room_id=room.pk, question="Q ?", kind="yes_no"),
        lambda: services.poll_open(actor=resident, room_id=room.pk, poll_id=poll_id),
        lambda: services.poll_close(actor=resident, room_id=room.pk, poll_id=poll_id),
    ):
        with pytest.raises(AccessDenied, match="Only the meeting's facilitation team can prepare, launch and close polls"):
            call()
    assert Poll.objects.get(pk=poll_id).status == "draft"


def test_a_poll_of_another_room_is_out_of_reach(room, room_factory, make_poll, user_with_role):
    other_room = room_factory(council=room.council)
    other_facilitator = user_with_role("facilitator", room.council)
    poll_id = make_poll()
    with pytest.raises(AccessDenied):
        services.poll_open(actor=other_facilitator, room_id=other_room.pk, poll_id=poll_id)


def test_the_command_schemas_offer_the_model_s_kinds_and_visibilities():
    from typing import get_args

    from council.voting.polls.commands import Kind
    from council.voting.polls.commands import Visibility

    assert set(get_args(Kind)) == set(Poll.Kind.values)
    assert set(get_args(Visibility)) == set(Poll.Visibility.values)


def test_launching_or_closing_again_changes_nothing(room, make_poll, facilitator, captured_events, django_capture_on_commit_callbacks):
    """A command re-sent after its ack was lost is answered as done, and nothing is told twice."""
    poll_id = make_poll()
    with django_capture_on_commit_callbacks(execute=True):
        services.poll_open(actor=facilitator, room_id=room.pk, poll_id=poll_id)
        services.poll_open(actor=facilitator, room_id=room.pk, poll_id=poll_id)
        services.poll_close(actor=facilitator, room_id=room.pk, poll_id=poll_id)
        services.poll_close(actor=facilitator, room_id=room.pk, poll_id=poll_id)

    told = [message["type"] for _group, message in captured_events if message["type"] != "polls.polls_changed"]
    assert told == ["polls.poll_opened", "polls.poll_closed"]
    with pytest.raises(InvalidInput, match="This poll has already been launched"):
        services.poll_open(actor=facilitator, room_id=room.pk, poll_id=poll_id)
