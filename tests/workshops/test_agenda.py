"""The meeting's agenda and speaking turns: services, permissions and the meeting socket."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.rooms import services as room_services
from council.rooms.models import RaisedHand
from council.workshops import agenda
from council.workshops import services
from council.workshops.models import AgendaItem
from council.workshops.models import SpeakingTurn
from council.workshops.models import WorkshopSession
from tests.factories import RoomFactory
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path


def _add(actor, room, title, minutes=10, **extra):
    return agenda.agenda_item_add(actor=actor, room_id=room.pk, title=title, planned_minutes=minutes, **extra)[
        "item_id"
    ]


def _titles(room):
    return [item["title"] for item in agenda.agenda_payload(room=room)["items"]]


def _agenda_events(captured_events, room):
    return [
        message["payload"]
        for group, message in captured_events
        if group == f"meeting.{room.pk}" and message["type"] == "workshops.agenda_changed"
    ]


# -- the agenda


@pytest.mark.django_db
def test_items_keep_the_order_facilitators_give(room, facilitator):
    opening = _add(facilitator, room, "Ouverture", 5)
    budget = _add(facilitator, room, "Budget participatif", 30)
    works = _add(facilitator, room, "Travaux rue Voltaire", 15)

    agenda.agenda_reorder(actor=facilitator, room_id=room.pk, item_ids=[works, opening])

    assert _titles(room) == ["Travaux rue Voltaire", "Ouverture", "Budget participatif"]
    agenda.agenda_item_remove(actor=facilitator, room_id=room.pk, item_id=opening)
    agenda.agenda_item_update(actor=facilitator, room_id=room.pk, item_id=budget, planned_minutes=25)
    items = agenda.agenda_payload(room=room)["items"]
    assert [(i["id"], i["planned_minutes"]) for i in items] == [(works, 15), (budget, 25)]


@pytest.mark.django_db
def test_start_and_next_move_the_current_item_and_broadcast_it(
    room, facilitator, captured_events, django_capture_on_commit_callbacks
):
    first = _add(facilitator, room, "Ouverture", 5)
    second = _add(facilitator, room, "Budget", 30)
    third = _add(facilitator, room, "Questions", 10)

    with django_capture_on_commit_callbacks(execute=True):
        agenda.agenda_item_start(actor=facilitator, room_id=room.pk, item_id=first)
    started = _agenda_events(captured_events, room)[-1]
    assert started["current_id"] == first
    assert started["items"][0]["planned_minutes"] == 5
    assert started["items"][0]["started_at"] is not None
    assert started["items"][0]["ended_at"] is None
    assert "server_now" in started

    with django_capture_on_commit_callbacks(execute=True):
        result = agenda.agenda_next(actor=facilitator, room_id=room.pk)
    assert result == {"current_id": second}
    after_next = _agenda_events(captured_events, room)[-1]
    assert after_next["current_id"] == second
    assert after_next["items"][0]["ended_at"] is not None

    # Going back to the first item, then on: the next one not yet taken up is the third.
    agenda.agenda_item_start(actor=facilitator, room_id=room.pk, item_id=first)
    assert agenda.agenda_next(actor=facilitator, room_id=room.pk) == {"current_id": third}
    assert agenda.agenda_next(actor=facilitator, room_id=room.pk) == {"current_id": None}
    assert agenda.agenda_current(room=room) is None
    assert not AgendaItem.objects.filter(room=room, started_at__isnull=False, ended_at__isnull=True).exists()


@pytest.mark.django_db
def test_finish_ends_the_current_item(room, facilitator):
    item_id = _add(facilitator, room, "Ouverture")
    agenda.agenda_item_start(actor=facilitator, room_id=room.pk, item_id=item_id)

    agenda.agenda_item_finish(actor=facilitator, room_id=room.pk)

    assert agenda.agenda_payload(room=room)["current_id"] is None
    assert AgendaItem.objects.get(pk=item_id).ended_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "minutes"), [("", 10), ("   ", 10)]
)  # lengths and durations out of bounds: the command's schema (test_typed_bounds.py)
def test_refuses_items_without_title(room, facilitator, title, minutes):
    with pytest.raises(InvalidInput):
        _add(facilitator, room, title, minutes)

    assert not AgendaItem.objects.filter(room=room).exists()


@pytest.mark.django_db
def test_item_cannot_open_workshops_of_another_room(room, facilitator, make_session):
    elsewhere = RoomFactory(council=room.council)
    foreign = services.session_create(
        actor=facilitator, room_id=elsewhere.pk, title="Ailleurs", workshops=[{"name": "A"}]
    )

    with pytest.raises(InvalidInput):
        _add(facilitator, room, "Ateliers", session_id=foreign.pk)

    session = make_session(2)
    item_id = _add(facilitator, room, "Ateliers", session_id=session.pk)
    assert agenda.agenda_payload(room=room)["items"][0]["session_title"] == "Ateliers"
    agenda.agenda_item_update(actor=facilitator, room_id=room.pk, item_id=item_id, session_id=None)
    assert AgendaItem.objects.get(pk=item_id).session_id is None


@pytest.mark.django_db
def test_starting_an_item_opens_its_workshops(room, facilitator, make_session):
    session = make_session(2)
    item_id = _add(facilitator, room, "Ateliers", 20, session_id=session.pk)

    agenda.agenda_item_start(actor=facilitator, room_id=room.pk, item_id=item_id)

    session.refresh_from_db()
    assert session.status == WorkshopSession.Status.OPEN
    assert agenda.agenda_current(room=room).pk == item_id


@pytest.mark.django_db
def test_item_does_not_start_when_its_workshops_cannot_open(room, facilitator, make_session):
    running = make_session(2)
    services.session_open(actor=facilitator, session_id=running.pk)
    waiting = make_session(2)
    item_id = _add(facilitator, room, "Deuxièmes ateliers", session_id=waiting.pk)

    with pytest.raises(InvalidInput):
        agenda.agenda_item_start(actor=facilitator, room_id=room.pk, item_id=item_id)

    assert AgendaItem.objects.get(pk=item_id).started_at is None
    waiting.refresh_from_db()
    assert waiting.status == WorkshopSession.Status.DRAFT


@pytest.mark.django_db
def test_agenda_belongs_to_the_plenary(room, facilitator, make_session):
    breakout = make_session(1).workshops.get().room

    with pytest.raises(InvalidInput):
        _add(facilitator, breakout, "Dans l'atelier")


@pytest.mark.django_db
def test_members_cannot_manage_the_agenda(room, facilitator, members, django_capture_on_commit_callbacks):
    item_id = _add(facilitator, room, "Ouverture")
    member = members[0]

    with django_capture_on_commit_callbacks() as callbacks:
        for attempt in (
            lambda: _add(member, room, "Mon point"),
            lambda: agenda.agenda_item_update(actor=member, room_id=room.pk, item_id=item_id, title="Autre"),
            lambda: agenda.agenda_item_remove(actor=member, room_id=room.pk, item_id=item_id),
            lambda: agenda.agenda_reorder(actor=member, room_id=room.pk, item_ids=[item_id]),
            lambda: agenda.agenda_item_start(actor=member, room_id=room.pk, item_id=item_id),
            lambda: agenda.agenda_next(actor=member, room_id=room.pk),
            lambda: agenda.agenda_item_finish(actor=member, room_id=room.pk),
        ):
            with pytest.raises(AccessDenied):
                attempt()

    assert callbacks == []
    assert _titles(room) == ["Ouverture"]
    assert agenda.agenda_current(room=room) is None


@pytest.mark.django_db
def test_agenda_permissions(room, facilitator, members, resident, user_with_role):
    outsider = user_with_role("outsider", room.council)

    assert facilitator.has_perm("workshops.manage_agenda", room)
    assert facilitator.has_perm("workshops.manage_speakers", room)
    for person in (members[0], resident, outsider):
        assert not person.has_perm("workshops.manage_agenda", room)
        assert not person.has_perm("workshops.manage_speakers", room)
    assert members[0].has_perm("workshops.view_agenda", room)
    assert not outsider.has_perm("workshops.view_agenda", room)


# -- speaking turns


@pytest.mark.django_db
def test_giving_the_turn_ends_the_previous_one_and_lowers_the_hand(
    room, facilitator, members, captured_events, django_capture_on_commit_callbacks
):
    first, second = members[:2]
    room_services.hand_raise(actor=second, room_id=room.pk)
    agenda.speaker_give(actor=facilitator, room_id=room.pk, user_id=first.pk)

    with django_capture_on_commit_callbacks(execute=True):
        agenda.speaker_give(actor=facilitator, room_id=room.pk, user_id=second.pk)

    turns = list(SpeakingTurn.objects.filter(room=room).order_by("started_at", "pk"))
    assert [(t.user_id, t.ended_at is None) for t in turns] == [(first.pk, False), (second.pk, True)]
    assert not RaisedHand.objects.filter(room=room, user=second).exists()
    sent = {message["type"]: (group, message["payload"]) for group, message in captured_events}
    assert sent["rooms.hands_changed"] == (f"room.{room.pk}", {"room_id": room.pk, "queue": []})
    group, speakers = sent["workshops.speakers_changed"]
    assert group == f"meeting.{room.pk}"
    assert speakers["current"]["user_id"] == second.pk
    assert speakers["current"]["name"] == "Membre 01"
    assert {t["user_id"] for t in speakers["totals"]} == {first.pk, second.pk}


@pytest.mark.django_db
def test_speaking_time_adds_up_over_turns(room, facilitator, members):
    speaker, other = members[:2]
    now = timezone.now()
    SpeakingTurn.objects.create(
        room=room, user=speaker, started_at=now - timedelta(minutes=10), ended_at=now - timedelta(minutes=8, seconds=30)
    )
    SpeakingTurn.objects.create(
        room=room, user=other, started_at=now - timedelta(minutes=8), ended_at=now - timedelta(minutes=7)
    )
    SpeakingTurn.objects.create(room=room, user=speaker, started_at=now - timedelta(seconds=45))

    times = agenda.speaking_times(room=room, now=now)

    assert times == {speaker.pk: 90 + 45, other.pk: 60}
    payload = agenda.speakers_payload(room=room)
    assert payload["current"]["user_id"] == speaker.pk
    assert [t["user_id"] for t in payload["totals"]] == [speaker.pk, other.pk]


@pytest.mark.django_db
def test_ending_the_turn_leaves_nobody_speaking(room, facilitator, members):
    agenda.speaker_give(actor=facilitator, room_id=room.pk, user_id=members[0].pk)

    agenda.speaker_end(actor=facilitator, room_id=room.pk)

    assert agenda.speakers_payload(room=room)["current"] is None
    assert not SpeakingTurn.objects.filter(room=room, ended_at__isnull=True).exists()


@pytest.mark.django_db
def test_turn_goes_only_to_someone_who_may_be_in_the_room(room, facilitator, user_with_role):
    outsider = user_with_role("outsider", room.council)

    with pytest.raises(InvalidInput):
        agenda.speaker_give(actor=facilitator, room_id=room.pk, user_id=outsider.pk)

    assert not SpeakingTurn.objects.exists()


@pytest.mark.django_db
def test_members_cannot_give_or_end_turns(room, facilitator, members):
    agenda.speaker_give(actor=facilitator, room_id=room.pk, user_id=members[1].pk)

    with pytest.raises(AccessDenied):
        agenda.speaker_give(actor=members[0], room_id=room.pk, user_id=members[0].pk)
    with pytest.raises(AccessDenied):
        agenda.speaker_end(actor=members[0], room_id=room.pk)

    assert agenda.speakers_payload(room=room)["current"]["user_id"] == members[1].pk


# -- the meeting socket


@pytest.mark.django_db(transaction=True)
async def test_member_sees_the_current_item_but_cannot_manage(room, facilitator, members):
    item_id = await database_sync_to_async(_add)(facilitator, room, "Budget participatif", 30)
    await database_sync_to_async(agenda.agenda_item_start)(actor=facilitator, room_id=room.pk, item_id=item_id)

    member, snapshot = await connect(room_path(room.pk), user=members[0])

    shown = snapshot["payload"]["agenda"]
    assert shown["current_id"] == item_id
    assert shown["items"][0]["title"] == "Budget participatif"
    assert shown["items"][0]["planned_minutes"] == 30
    assert shown["can_manage"] is False
    assert "sessions" not in shown
    assert snapshot["payload"]["speakers"]["current"] is None
    await member.send_json_to(command("workshops.agenda_next", "n1"))
    assert (await answer_to(member, "n1"))["payload"]["code"] == "forbidden"
    await member.send_json_to(command("workshops.give_turn", "g1", user_id=members[0].pk))
    assert (await answer_to(member, "g1"))["payload"]["code"] == "forbidden"
    await member.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_facilitator_runs_the_agenda_and_turns_over_the_socket(room, facilitator, members):
    boss, snapshot = await connect(room_path(room.pk), user=facilitator)
    member, _ = await connect(room_path(room.pk), user=members[0])
    assert snapshot["payload"]["agenda"]["can_manage"] is True
    assert snapshot["payload"]["speakers"]["can_manage"] is True

    await boss.send_json_to(command("workshops.agenda_add", "a1", title="Ouverture", planned_minutes=5))
    added = await answer_to(boss, "a1")
    assert added["type"] == "ack"
    await boss.send_json_to(command("workshops.agenda_start", "s1", item_id=added["payload"]["item_id"]))
    assert (await answer_to(boss, "s1"))["payload"] == {"current_id": added["payload"]["item_id"]}
    changed = await next_frame_of(member, "workshops.agenda_changed")
    while changed["payload"]["current_id"] is None:
        changed = await next_frame_of(member, "workshops.agenda_changed")
    assert changed["payload"]["items"][0]["title"] == "Ouverture"

    await boss.send_json_to(command("workshops.give_turn", "t1", user_id=members[0].pk))
    assert (await answer_to(boss, "t1"))["type"] == "ack"
    speakers = await next_frame_of(member, "workshops.speakers_changed")
    assert speakers["payload"]["current"]["user_id"] == members[0].pk
    await boss.send_json_to(command("workshops.end_turn", "t2"))
    assert (await answer_to(boss, "t2"))["type"] == "ack"
    speakers = await next_frame_of(member, "workshops.speakers_changed")
    assert speakers["payload"]["current"] is None
    await boss.send_json_to(command("workshops.agenda_finish", "f1"))
    assert (await answer_to(boss, "f1"))["payload"] == {"current_id": None}
    finished = await next_frame_of(member, "workshops.agenda_changed")
    assert finished["payload"]["current_id"] is None
    assert finished["payload"]["items"][0]["ended_at"] is not None
    for communicator in (boss, member):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_starting_an_item_with_workshops_moves_the_sockets(room, facilitator, members, make_session):
    session = await database_sync_to_async(make_session)(2)
    workshops = await database_sync_to_async(lambda: list(session.workshops.all()))()
    for member, workshop in zip(members[:2], workshops, strict=True):
        await database_sync_to_async(services.assignment_set)(
            actor=facilitator, session_id=session.pk, user_id=member.pk, workshop_id=workshop.pk
        )
    item_id = await database_sync_to_async(_add)(facilitator, room, "Ateliers", 20, session_id=session.pk)
    sockets = [(await connect(room_path(room.pk), user=member))[0] for member in members[:2]]
    boss, _ = await connect(room_path(room.pk), user=facilitator)

    await boss.send_json_to(command("workshops.agenda_start", "s1", item_id=item_id))

    assert (await answer_to(boss, "s1"))["type"] == "ack"
    for communicator, workshop in zip(sockets, workshops, strict=True):
        moved = await next_frame_of(communicator, "rooms.moved")
        assert moved["payload"]["room_id"] == workshop.room_id
    # In their workshop they still follow the plenary's agenda.
    changed = await next_frame_of(sockets[0], "workshops.agenda_changed")
    assert changed["payload"]["current_id"] == item_id
    for communicator in [*sockets, boss]:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("frame_type", "payload"),
    [
        ("workshops.agenda_add", {}),
        ("workshops.agenda_add", {"title": 12}),
        ("workshops.agenda_add", {"title": "Budget", "planned_minutes": "ten"}),
        ("workshops.agenda_add", {"title": "Budget", "session_id": "3"}),
        ("workshops.agenda_add", {"title": "", "planned_minutes": 10}),
        ("workshops.agenda_update", {"title": "Sans identifiant"}),
        ("workshops.agenda_update", {"item_id": True}),
        ("workshops.agenda_remove", {"item_id": None}),
        ("workshops.agenda_remove", {"item_id": 999999}),
        ("workshops.agenda_reorder", {"item_ids": "1,2"}),
        ("workshops.agenda_reorder", {"item_ids": [1, "2"]}),
        ("workshops.agenda_start", {"item_id": [1]}),
        ("workshops.give_turn", {}),
        ("workshops.give_turn", {"user_id": {"id": 1}}),
    ],
)
async def test_malformed_commands_get_an_error_frame(room, facilitator, frame_type, payload):
    boss, _ = await connect(room_path(room.pk), user=facilitator)

    await boss.send_json_to({"type": frame_type, "request_id": "bad", "payload": payload})

    answer = await answer_to(boss, "bad")
    assert answer["type"] == "error"
    assert answer["payload"]["code"] == "invalid"
    await boss.send_json_to(command("workshops.agenda_add", "good", title="Toujours là", planned_minutes=5))
    assert (await answer_to(boss, "good"))["type"] == "ack"
    await boss.disconnect()
