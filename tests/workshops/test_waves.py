"""Sockets moving together (council/rooms/moves.py): the facts read in bulk give the same
answers as the rules asking one by one, and a wave's cost does not grow with its size."""

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.db.backends import utils as db_utils
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from council.core.memo import remembered
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.rooms import moves
from council.rooms.models import ChatMute
from council.rooms.models import Room
from council.rooms.models import RoomFloor
from council.rooms.models import RoomRemoval
from council.workshops import services
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from tests.factories import UserFactory
from tests.helpers import connect
from tests.helpers import next_frame
from tests.helpers import room_path

ROOM_PERMS = (
    "rooms.view_room",
    "rooms.join_room",
    "rooms.send_message",
    "rooms.raise_hand",
    "rooms.moderate_room",
    "rooms.publish_media",
    "rooms.receive_media",
    "workshops.enter_breakout",
    "workshops.facilitate_breakout",
    "workshops.view_agenda",
    "workshops.manage_agenda",
)
SESSION_PERMS = ("workshops.view_session", "workshops.choose_workshop", "workshops.open_workshops", "workshops.listen_in")
WORKSHOP_PERMS = ("workshops.edit_notes", "workshops.edit_report", "workshops.view_workshop", "workshops.ask_help")


@pytest.fixture
def meeting(room, facilitator, members, resident, user_with_role, make_session):
    """An open session of two workshops and one person of every kind the rules tell apart."""
    council = room.council
    session = make_session(2, include_followers=True)
    first, second = Workshop.objects.filter(session=session)
    people = {
        "facilitator": facilitator,
        "administrator": user_with_role("administrator", council),
        "room facilitator": user_with_role("member", council),
        "co-facilitator": user_with_role("member", council),
        "member of 1": members[0],
        "member of 2": members[1],
        "unassigned member": members[2],
        "resident of 1": resident,
        "removed member of 1": members[3],
        "muted member of 1": members[4],
        "resident with the floor": user_with_role("resident", council),
        "outsider": UserFactory(),
        "superuser": UserFactory(is_superuser=True),
        "inactive member of 2": user_with_role("member", council, is_active=False),
    }
    assign_perm("facilitate_room", people["room facilitator"], room)
    services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=people["co-facilitator"].pk)
    for who, workshop in (
        ("member of 1", first),
        ("resident of 1", first),
        ("removed member of 1", first),
        ("muted member of 1", first),
        ("member of 2", second),
        ("inactive member of 2", second),
    ):
        services.assignment_set(actor=facilitator, session_id=session.pk, user_id=people[who].pk, workshop_id=workshop.pk)
    RoomRemoval.objects.create(room_id=first.room_id, user=people["removed member of 1"], decided_by=facilitator)
    ChatMute.objects.create(room_id=first.room_id, user=people["muted member of 1"], decided_by=facilitator)
    RoomFloor.objects.create(room=room, user=people["resident with the floor"], decided_by=facilitator)
    services.session_open(actor=facilitator, session_id=session.pk)
    return {"room": room, "session": session, "people": people}


def _answers(people: dict, room_ids: list[int], session_id: int) -> dict:
    """Every permission of interest for everyone, on objects loaded afresh."""
    rooms = list(Room.objects.select_related("council").filter(pk__in=room_ids))
    session = WorkshopSession.objects.select_related("room__council").get(pk=session_id)
    workshops = list(Workshop.objects.select_related("session__room__council", "room").filter(session=session))
    answers = {}
    for who, person in people.items():
        for room in rooms:
            for perm in ROOM_PERMS:
                answers[who, perm, room.pk] = person.has_perm(perm, room)
        for perm in SESSION_PERMS:
            answers[who, perm, "session"] = person.has_perm(perm, session)
        for workshop in workshops:
            for perm in WORKSHOP_PERMS:
                answers[who, perm, workshop.name] = person.has_perm(perm, workshop)
    return answers


@pytest.mark.django_db
@pytest.mark.parametrize("restricted", [False, True], ids=["open plenary", "plenary for one group"])
def test_facts_read_in_bulk_give_every_answer_the_rules_give_one_by_one(meeting, restricted):
    people, session = meeting["people"], meeting["session"]
    if restricted:  # the plenary is open to one neighbourhood's group only
        group = NeighbourhoodGroup.objects.create(council=meeting["room"].council, name="Quartier Nord")
        outside = {"unassigned member", "member of 2"}
        for who, person in people.items():
            if who not in outside:
                Membership.objects.create(group=group, user=person, status=Membership.Status.ACTIVE)
        meeting["room"].eligible_groups.add(group)
    room_ids = [meeting["room"].pk, *Workshop.objects.filter(session=session).values_list("room_id", flat=True)]

    one_by_one = _answers(people, room_ids, session.pk)
    with remembered():
        moves.remember_facts(list(people.values()), set(room_ids))
        with CaptureQueriesContext(connection) as asked:
            in_bulk = _answers(people, room_ids, session.pk)
            questions = len(asked)

    assert in_bulk == one_by_one
    # the answers themselves cost no query: only loading the rooms, session and workshops
    assert questions == 3
    # the scenario tells people apart (a bulk read answering "no" everywhere would pass otherwise)
    first_room = Workshop.objects.get(session=session, name="Atelier 1").room_id
    assert one_by_one["member of 1", "workshops.enter_breakout", first_room]
    assert not one_by_one["member of 2", "workshops.enter_breakout", first_room]
    assert not one_by_one["removed member of 1", "rooms.join_room", first_room]
    assert not one_by_one["muted member of 1", "rooms.send_message", first_room]
    assert one_by_one["co-facilitator", "rooms.moderate_room", first_room]
    assert one_by_one["room facilitator", "rooms.moderate_room", first_room]
    assert one_by_one["resident with the floor", "rooms.publish_media", meeting["room"].pk]
    assert one_by_one["superuser", "rooms.moderate_room", first_room]
    assert one_by_one["unassigned member", "rooms.view_room", meeting["room"].pk] is not restricted


@pytest.mark.django_db
def test_an_answer_is_remembered_within_a_unit_of_work_only(room, user_with_role):
    member = user_with_role("member", room.council)

    with remembered():
        assert member.has_perm("rooms.join_room", room)
        Room.objects.filter(pk=room.pk).update(is_locked=True)
        with CaptureQueriesContext(connection) as asked:
            assert member.has_perm("rooms.join_room", Room.objects.get(pk=room.pk))  # answered before
        assert len(asked) == 1  # loading the room; the answer itself is remembered

    assert not member.has_perm("rooms.join_room", Room.objects.get(pk=room.pk))


# ---------------------------------------------------------------- a wave's cost


class _Queries:
    """Count every query of every thread (the sockets' database work runs on a pool)."""

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    def __enter__(self):
        real = self._real = db_utils.CursorWrapper.execute

        def execute(cursor, sql, params=None):
            with self._lock:
                self.count += 1
            return real(cursor, sql, params)

        db_utils.CursorWrapper.execute = execute
        return self

    def __exit__(self, *exc):
        db_utils.CursorWrapper.execute = self._real


async def _queries_to_move(room, facilitator, people, make_session):
    session = await database_sync_to_async(make_session)(3)
    sockets = [(await connect(room_path(room.pk), user=person))[0] for person in people]
    await database_sync_to_async(services.assignments_draw)(actor=facilitator, session_id=session.pk, mode="random")
    await asyncio.sleep(0.3)  # presence summaries of the arrivals go out

    async def moved(socket):
        while (await next_frame(socket, wait=10, skip=frozenset()))["type"] != "rooms.moved":
            pass

    with _Queries() as queries:
        await database_sync_to_async(services.session_open)(actor=facilitator, session_id=session.pk)
        await asyncio.gather(*(moved(socket) for socket in sockets))
    for socket in sockets:
        await socket.disconnect()
    await database_sync_to_async(services.session_close)(actor=facilitator, session_id=session.pk, grace_seconds=0)
    return queries.count


@pytest.mark.django_db(transaction=True)
async def test_moving_a_crowd_costs_as_many_queries_as_moving_a_few(room, facilitator, user_with_role, make_session, monkeypatch):
    monkeypatch.setattr(moves, "QUIET_SECONDS", 0.3)  # one wave each, however slowly the announces arrive
    monkeypatch.setattr(moves, "MAX_WAIT_SECONDS", 3.0)
    people = await database_sync_to_async(
        lambda: [user_with_role("member", room.council) for _ in range(15)]
    )()

    few = await _queries_to_move(room, facilitator, people[:3], make_session)
    crowd = await _queries_to_move(room, facilitator, people, make_session)

    # one by one, each move cost ~45 queries (15 people: ~700); in a wave the count is the
    # same whatever the number of people, give or take the session's own payload
    assert crowd <= few + 5, (few, crowd)
