"""Workshop services: what a facilitator sees happen, what is broadcast after commit, what is refused."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils import translation

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.models import ProfileValue
from council.groups.models import ResidentProfile
from council.rooms.models import Presence
from council.rooms.models import Room
from council.rooms.selectors import room_list_visible_to
from council.rooms.services import Entry
from council.workshops import services
from council.workshops.assignment import Slot
from council.workshops.assignment import assign_random
from council.workshops.models import Assignment
from council.workshops.models import HelpRequest
from council.workshops.models import LogEntry
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from council.workshops.selectors import session_log
from council.workshops.selectors import whereabouts

pytestmark = pytest.mark.django_db

Kind = LogEntry.Kind



def _join(person, room_id, channel_name, **options):
    """One socket entering a room of the meeting, as the meeting socket records it; None if refused."""
    entry = Entry(actor=person, channel_name=channel_name, room_id=room_id, **options)
    return services.breakouts_join(entries=[entry])[0]

def _workshops(session):
    return list(Workshop.objects.filter(session=session).select_related("room"))


def _placed(session):
    """{person id: workshop name} as stored."""
    return dict(Assignment.objects.filter(session=session).values_list("user_id", "workshop__name"))


def _announced(captured):
    """(group, status) of every session change broadcast, in order."""
    return [
        (group, message["payload"]["status"])
        for group, message in captured
        if message["type"] == "workshops.session_changed"
    ]


def _log(session):
    """(kind, person, workshop, actor) of the session's log, oldest first."""
    return [
        (e.kind, e.user_id, e.workshop.name if e.workshop else None, e.actor_id)
        for e in LogEntry.objects.filter(session=session).select_related("workshop")
    ]


def _reload(session):
    return WorkshopSession.objects.get(pk=session.pk)


@pytest.fixture
def running(make_session, facilitator, members):
    """An open session of two workshops: members 0-1 in Atelier 1, members 2-3 in Atelier 2."""
    session = make_session(2)
    first, second = _workshops(session)
    for member, workshop in zip(members[:4], [first, first, second, second], strict=True):
        services.assignment_set(
            actor=facilitator, session_id=session.pk, user_id=member.pk, workshop_id=workshop.pk
        )
    services.session_open(actor=facilitator, session_id=session.pk)
    return _reload(session)


# ---------------------------------------------------------------- preparing


def test_create_makes_breakout_rooms_hidden_from_the_council_room_list(
    room, facilitator, members, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_create(
            actor=facilitator,
            room_id=room.pk,
            title="  Ateliers du 12 mars ",
            workshops=[
                {"name": "Mobilité", "topic": "Le vélo rue Lepic", "capacity": 8},
                {"name": "Espaces verts", "topic": "Le square"},
                {"name": "Jeunesse"},
            ],
            duration_seconds=900,
        )

    workshops = _workshops(session)
    assert session.title == "Ateliers du 12 mars"
    assert session.status == "draft"
    assert len(session.seed) == 12
    assert [(w.position, w.name, w.topic, w.capacity) for w in workshops] == [
        (1, "Mobilité", "Le vélo rue Lepic", 8),
        (2, "Espaces verts", "Le square", None),
        (3, "Jeunesse", "", None),
    ]
    assert [(w.room.name, w.room.parent_id, w.room.council_id) for w in workshops] == [
        ("Mobilité", room.pk, room.council_id),
        ("Espaces verts", room.pk, room.council_id),
        ("Jeunesse", room.pk, room.council_id),
    ]
    assert list(room_list_visible_to(user=members[0], council=room.council)) == [room]
    assert _announced(captured_events) == [(f"meeting.{room.pk}", "draft")]
    payload = captured_events[0][1]["payload"]
    assert [w["name"] for w in payload["workshops"]] == ["Mobilité", "Espaces verts", "Jeunesse"]
    assert payload["duration_seconds"] == 900


def test_member_cannot_prepare_workshops(room, members, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(AccessDenied):
        services.session_create(
            actor=members[0], room_id=room.pk, title="Ateliers", workshops=[{"name": "A"}]
        )

    assert not WorkshopSession.objects.exists()
    assert not Room.objects.filter(parent=room).exists()
    assert callbacks == []


def test_workshops_are_prepared_from_the_plenary_not_a_breakout(room, facilitator, make_session):
    breakout = _workshops(make_session(1))[0].room

    with pytest.raises(InvalidInput) as error:
        services.session_create(
            actor=facilitator,
            room_id=breakout.pk,
            title="Dans l'atelier",
            workshops=[{"name": "A"}],
        )

    assert error.value.message == "Workshops are prepared from the plenary room."


# Types and bounds are the command schema's (tests/workshops/test_typed_bounds.py, through the
# socket); the service keeps the domain's checks.
@pytest.mark.parametrize(
    ("title", "workshops", "options", "message"),
    [
        ("", [{"name": "A"}], {}, "The title is required."),
        ("   ", [{"name": "A"}], {}, "The title is required."),
        ("Ateliers", [], {}, "A session has between 1 and 50 workshops."),
        ("Ateliers", [{"name": "A"}, {"name": ""}], {}, "The workshop's name is required."),
        ("Ateliers", [{"name": "A"}, {"name": "  "}], {}, "The workshop's name is required."),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(
    title, workshops, options, message, room, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(InvalidInput) as error:
        services.session_create(
            actor=facilitator, room_id=room.pk, title=title, workshops=workshops, **options
        )

    assert error.value.message == message
    assert not WorkshopSession.objects.exists()
    assert not Workshop.objects.exists()
    assert not Room.objects.filter(parent=room).exists()
    assert callbacks == []


def test_update_changes_the_settings_everyone_sees(
    make_session, facilitator, captured_events, django_capture_on_commit_callbacks
):
    session = make_session(2)

    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            actor=facilitator,
            session_id=session.pk,
            title="Ateliers de printemps",
            mode="lottery",
            strata=["zone"],
            duration_seconds=600,
            include_followers=True,
        )

    session = _reload(session)
    assert (
        session.title,
        session.mode,
        session.strata,
        session.duration_seconds,
        session.include_followers,
    ) == (
        "Ateliers de printemps",
        "lottery",
        ["zone"],
        600,
        True,
    )
    assert captured_events[-1][1]["payload"]["title"] == "Ateliers de printemps"


def test_update_with_one_bad_value_changes_nothing(make_session, facilitator):
    session = make_session(2)

    with pytest.raises(InvalidInput):
        services.session_update(actor=facilitator, session_id=session.pk, grace_seconds=30, title="  ")

    assert (_reload(session).title, _reload(session).grace_seconds) == ("Ateliers", session.grace_seconds)


def test_add_update_and_remove_a_workshop(
    room, make_session, facilitator, captured_events, django_capture_on_commit_callbacks
):
    session = make_session(2)

    with django_capture_on_commit_callbacks(execute=True):
        added = services.workshop_add(
            actor=facilitator,
            session_id=session.pk,
            name="Jeunesse",
            topic="Le city-stade",
            capacity=5,
        )
        services.workshop_update(
            actor=facilitator,
            workshop_id=added["workshop_id"],
            name="Jeunesse et sport",
            capacity=None,
        )
        first = _workshops(session)[0]
        services.workshop_remove(actor=facilitator, workshop_id=first.pk)

    workshops = _workshops(session)
    assert [(w.name, w.topic, w.capacity) for w in workshops] == [
        ("Atelier 2", "Sujet 2", None),
        ("Jeunesse et sport", "Le city-stade", None),
    ]
    assert (
        workshops[1].room.name == "Jeunesse et sport"
    )  # the breakout room follows its workshop's name
    assert not Room.objects.filter(pk=first.room_id).exists()
    assert len(_announced(captured_events)) == 3
    assert [w["name"] for w in captured_events[-1][1]["payload"]["workshops"]] == [
        "Atelier 2",
        "Jeunesse et sport",
    ]


def test_workshop_changes_refuse_a_blank_name(make_session, facilitator):
    session = make_session(1)
    workshop = _workshops(session)[0]

    with pytest.raises(InvalidInput) as renamed:
        services.workshop_update(actor=facilitator, workshop_id=workshop.pk, name="  ")
    with pytest.raises(InvalidInput) as added:
        services.workshop_add(actor=facilitator, session_id=session.pk, name=" ")

    assert renamed.value.message == added.value.message == "The workshop's name is required."
    assert [w.name for w in _workshops(session)] == ["Atelier 1"]


def test_a_running_workshop_cannot_be_removed(running, facilitator):
    first = _workshops(running)[0]

    with pytest.raises(InvalidInput) as error:
        services.workshop_remove(actor=facilitator, workshop_id=first.pk)

    assert error.value.message == "Close the workshops before removing one."
    assert Workshop.objects.filter(pk=first.pk).exists()


def test_a_workshop_that_met_keeps_its_log(running, facilitator, members):
    """Removing a workshop after it met would erase who was in it: refused."""
    first = _workshops(running)[0]
    _join(members[0], first.room_id, "test.m0")
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=0)

    with pytest.raises(InvalidInput) as error:
        services.workshop_remove(actor=facilitator, workshop_id=first.pk)

    assert (
        error.value.message
        == "This workshop has met: its log and outputs are kept. Duplicate the session to prepare another."
    )
    assert (Kind.ENTERED, members[0].pk, "Atelier 1", None) in _log(running)


def test_facilitator_of_another_council_cannot_change_a_workshop(
    make_session, room_factory, user_with_role
):
    workshop = _workshops(make_session(1))[0]
    elsewhere = user_with_role("facilitator", room_factory().council)

    with pytest.raises(AccessDenied):
        services.workshop_update(actor=elsewhere, workshop_id=workshop.pk, name="Piraté")
    with pytest.raises(AccessDenied):
        services.workshop_remove(actor=elsewhere, workshop_id=workshop.pk)

    assert Workshop.objects.get(pk=workshop.pk).name == "Atelier 1"


def test_cofacilitator_is_someone_of_the_meeting(make_session, facilitator, members, user_factory):
    session = make_session(2)
    first = _workshops(session)[0]

    services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=members[5].pk)
    assert Workshop.objects.get(pk=first.pk).cofacilitator == members[5]

    with pytest.raises(InvalidInput) as error:
        services.cofacilitator_set(
            actor=facilitator, workshop_id=first.pk, user_id=user_factory().pk
        )
    assert error.value.message == "Choose someone who takes part in the meeting."
    assert Workshop.objects.get(pk=first.pk).cofacilitator == members[5]

    services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=None)
    assert Workshop.objects.get(pk=first.pk).cofacilitator is None


def test_a_resident_follows_and_is_not_made_cofacilitator(
    make_session, facilitator, resident, members, django_capture_on_commit_callbacks
):
    session = make_session(2)
    first = _workshops(session)[0]
    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=first.pk
    )

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(InvalidInput) as error:
        services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=resident.pk)

    assert error.value.message == (
        "Residents follow the meeting: choose a member of the council to co-facilitate a workshop."
    )
    assert Workshop.objects.get(pk=first.pk).cofacilitator is None
    assert callbacks == []
    with translation.override("fr"), pytest.raises(InvalidInput) as error:
        services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=resident.pk)
    assert error.value.message == (
        "Les habitants et habitantes suivent la séance\u00a0: choisissez un membre du conseil pour co-animer un atelier."
    )
    # a member is still named, and leaves the workshop they were assigned to
    services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=members[0].pk)
    assert Workshop.objects.get(pk=first.pk).cofacilitator == members[0]
    assert not Assignment.objects.filter(session=session, user=members[0]).exists()


# ---------------------------------------------------------------- assigning by hand


def test_assign_by_hand_and_move(
    room, make_session, facilitator, members, captured_events, django_capture_on_commit_callbacks
):
    session = make_session(2)
    first, second = _workshops(session)

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_set(
            actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=first.pk
        )
        services.assignment_set(
            actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=second.pk
        )

    assert _placed(session) == {members[0].pk: "Atelier 2"}
    assert _log(session) == [
        (Kind.ASSIGNED, members[0].pk, "Atelier 1", facilitator.pk),
        (Kind.ASSIGNED, members[0].pk, "Atelier 2", facilitator.pk),
    ]
    assert _announced(captured_events) == [(f"meeting.{room.pk}", "draft")] * 2
    assert captured_events[-1][1]["payload"]["assignments"] == [[members[0].pk, second.pk]]


def test_back_to_the_plenary(make_session, facilitator, members):
    session = make_session(2)
    first = _workshops(session)[0]
    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=first.pk
    )

    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=None
    )

    assert _placed(session) == {}
    assert _log(session)[-1] == (Kind.UNASSIGNED, members[0].pk, "Atelier 1", facilitator.pk)


def test_assigning_to_the_same_workshop_again_changes_nothing(
    make_session, facilitator, members, captured_events, django_capture_on_commit_callbacks
):
    session = make_session(2)
    first = _workshops(session)[0]
    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=first.pk
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_set(
            actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=first.pk
        )

    assert captured_events == []
    assert len(_log(session)) == 1


def test_a_full_workshop_is_refused_with_its_name(
    make_session, facilitator, members, django_capture_on_commit_callbacks
):
    session = make_session(2)
    first, second = _workshops(session)
    services.workshop_update(actor=facilitator, workshop_id=first.pk, capacity=1)
    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=first.pk
    )
    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=members[1].pk, workshop_id=second.pk
    )

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(InvalidInput) as error:
        services.assignment_set(
            actor=facilitator, session_id=session.pk, user_id=members[1].pk, workshop_id=first.pk
        )

    assert error.value.message == "Atelier 1 is full."
    assert _placed(session) == {members[0].pk: "Atelier 1", members[1].pk: "Atelier 2"}
    assert callbacks == []


def test_a_workshop_of_another_session_is_unknown(make_session, facilitator, members):
    session, other = make_session(2), make_session(2)
    foreign = _workshops(other)[0]

    with pytest.raises(InvalidInput) as error:
        services.assignment_set(
            actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=foreign.pk
        )

    assert error.value.message == "There is no such workshop in this session."
    assert not Assignment.objects.exists()


def test_only_people_of_the_meeting_are_assigned(make_session, facilitator, user_factory):
    session = make_session(2)

    with pytest.raises(InvalidInput) as error:
        services.assignment_set(
            actor=facilitator,
            session_id=session.pk,
            user_id=user_factory().pk,
            workshop_id=_workshops(session)[0].pk,
        )

    assert error.value.message == "Choose someone who takes part in the meeting."


def test_member_cannot_assign_anyone(make_session, members):
    session = make_session(2)

    with pytest.raises(AccessDenied):
        services.assignment_set(
            actor=members[0],
            session_id=session.pk,
            user_id=members[1].pk,
            workshop_id=_workshops(session)[0].pk,
        )

    assert not Assignment.objects.exists()


# ---------------------------------------------------------------- participants choose


def test_member_chooses_within_capacity(
    make_session, facilitator, members, captured_events, django_capture_on_commit_callbacks
):
    session = make_session(2, mode="choice")
    first, second = _workshops(session)
    services.workshop_update(actor=facilitator, workshop_id=first.pk, capacity=2)

    with django_capture_on_commit_callbacks(execute=True):
        for member in members[:2]:
            services.workshop_choose(actor=member, session_id=session.pk, workshop_id=first.pk)
    with pytest.raises(InvalidInput) as error:
        services.workshop_choose(actor=members[2], session_id=session.pk, workshop_id=first.pk)
    services.workshop_choose(actor=members[2], session_id=session.pk, workshop_id=second.pk)
    services.workshop_choose(
        actor=members[0], session_id=session.pk, workshop_id=second.pk
    )  # changes their mind

    assert error.value.message == "Atelier 1 is full."
    assert _placed(session) == {
        members[0].pk: "Atelier 2",
        members[1].pk: "Atelier 1",
        members[2].pk: "Atelier 2",
    }
    assert _log(session)[0] == (Kind.ASSIGNED, members[0].pk, "Atelier 1", members[0].pk)
    assert len(_announced(captured_events)) == 2


def test_choosing_only_where_participants_choose(make_session, facilitator, members):
    drawn = make_session(2, mode="random")

    with pytest.raises(AccessDenied):
        services.workshop_choose(
            actor=members[0], session_id=drawn.pk, workshop_id=_workshops(drawn)[0].pk
        )

    assert not Assignment.objects.exists()


def test_facilitators_cofacilitators_and_followers_do_not_choose(
    make_session, facilitator, members, resident
):
    session = make_session(2, mode="choice")
    first = _workshops(session)[0]
    services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=members[5].pk)

    for person in (facilitator, members[5], resident):
        with pytest.raises(AccessDenied):
            services.workshop_choose(actor=person, session_id=session.pk, workshop_id=first.pk)

    services.session_update(actor=facilitator, session_id=session.pk, include_followers=True)
    services.workshop_choose(actor=resident, session_id=session.pk, workshop_id=first.pk)
    assert _placed(session) == {resident.pk: "Atelier 1"}


def test_no_choosing_once_closed(make_session, facilitator, members):
    session = make_session(2, mode="choice", grace_seconds=0)
    services.session_open(actor=facilitator, session_id=session.pk)
    services.workshop_choose(
        actor=members[0], session_id=session.pk, workshop_id=_workshops(session)[0].pk
    )
    services.session_close(actor=facilitator, session_id=session.pk)

    with pytest.raises(AccessDenied):
        services.workshop_choose(
            actor=members[1], session_id=session.pk, workshop_id=_workshops(session)[0].pk
        )

    assert _placed(session) == {members[0].pk: "Atelier 1"}


# ---------------------------------------------------------------- drawing


def test_random_draw_is_balanced_over_people_present(
    room,
    make_session,
    facilitator,
    members,
    resident,
    present,
    captured_events,
    django_capture_on_commit_callbacks,
):
    session = make_session(3)
    present(room, facilitator, resident, *members[:5])
    present(_workshops(session)[0].room, facilitator, hidden=True)  # a facilitator listening in

    with django_capture_on_commit_callbacks(execute=True):
        result = services.assignments_draw(
            actor=facilitator, session_id=session.pk, seed="graine-publique"
        )

    placed = _placed(session)
    assert result == {"assigned": 5, "unplaced": [], "seed": "graine-publique"}
    assert sorted(placed) == sorted(
        m.pk for m in members[:5]
    )  # not the absent one, the facilitator, the resident
    assert sorted(
        list(placed.values()).count(name) for name in ("Atelier 1", "Atelier 2", "Atelier 3")
    ) == [1, 2, 2]
    assert _reload(session).seed == "graine-publique"
    assert captured_events[-1][1]["payload"]["seed"] == "graine-publique"
    assert sorted((kind, uid) for kind, uid, _w, _a in _log(session)) == sorted(
        (Kind.ASSIGNED, m.pk) for m in members[:5]
    )


def test_anyone_can_replay_a_draw_from_the_published_seed(
    room, make_session, facilitator, members, present
):
    session = make_session(3)
    present(room, *members)

    services.assignments_draw(actor=facilitator, session_id=session.pk, seed="2024-conseil-nord")
    first_draw = _placed(session)
    services.assignments_draw(actor=facilitator, session_id=session.pk)  # another seed in between
    services.assignments_draw(actor=facilitator, session_id=session.pk, seed="2024-conseil-nord")

    assert _placed(session) == first_draw
    slots = [Slot(workshop_id=w.pk) for w in _workshops(session)]
    replay = assign_random([m.pk for m in members], slots, "2024-conseil-nord")
    names = {w.pk: w.name for w in _workshops(session)}
    assert {uid: names[wid] for uid, wid in replay.assigned.items()} == first_draw


def test_draw_while_running_counts_people_in_the_workshops_too(
    room, running, facilitator, members, present
):
    present(_workshops(running)[1].room, members[2])
    present(room, members[4])

    result = services.assignments_draw(actor=facilitator, session_id=running.pk)

    assert result["assigned"] == 2
    assert sorted(_placed(running)) == sorted([members[2].pk, members[4].pk])


def test_people_whose_sockets_went_stale_are_not_drawn(
    room, make_session, facilitator, members, present, settings
):
    session = make_session(2)
    present(room, *members[:3])
    Presence.objects.filter(user=members[2]).update(
        seen_at=timezone.now() - timedelta(seconds=settings.ROOM_PRESENCE_TTL_SECONDS + 1)
    )

    services.assignments_draw(actor=facilitator, session_id=session.pk)

    assert sorted(_placed(session)) == sorted([members[0].pk, members[1].pk])


def test_followers_are_drawn_only_when_the_session_includes_them(
    room, make_session, facilitator, members, resident, present
):
    session = make_session(2)
    present(room, members[0], resident)

    services.assignments_draw(actor=facilitator, session_id=session.pk)
    without = sorted(_placed(session))
    services.session_update(actor=facilitator, session_id=session.pk, include_followers=True)
    services.assignments_draw(actor=facilitator, session_id=session.pk)

    assert without == [members[0].pk]
    assert sorted(_placed(session)) == sorted([members[0].pk, resident.pk])


def test_cofacilitators_are_not_drawn_into_another_workshop(
    room, make_session, facilitator, members, present
):
    session = make_session(2)
    first = _workshops(session)[0]
    services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=members[5].pk)
    present(room, *members)

    result = services.assignments_draw(actor=facilitator, session_id=session.pk)

    assert result["assigned"] == 5
    assert members[5].pk not in _placed(session)


def test_draw_replaces_earlier_assignments(room, make_session, facilitator, members, present):
    session = make_session(2)
    first = _workshops(session)[0]
    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=members[5].pk, workshop_id=first.pk
    )
    present(room, *members[:4])

    services.assignments_draw(actor=facilitator, session_id=session.pk)

    assert sorted(_placed(session)) == sorted(m.pk for m in members[:4])


def test_draw_within_capacity_leaves_the_rest_in_the_plenary(
    room, make_session, facilitator, members, present
):
    session = make_session(2)
    for workshop in _workshops(session):
        services.workshop_update(actor=facilitator, workshop_id=workshop.pk, capacity=2)
    present(room, *members)

    result = services.assignments_draw(actor=facilitator, session_id=session.pk)

    assert result["assigned"] == 4
    assert len(result["unplaced"]) == 2
    assert set(result["unplaced"]).isdisjoint(_placed(session))


def test_draw_by_group(room, make_session, facilitator, members, present):
    session = make_session(2, mode="groups")
    first, second = _workshops(session)
    north = NeighbourhoodGroup.objects.create(council=room.council, name="Nord")
    south = NeighbourhoodGroup.objects.create(council=room.council, name="Sud")
    first.groups.add(north)
    second.groups.add(south)
    for member, group in zip(members[:5], [north, north, south, south, south], strict=True):
        Membership.objects.create(group=group, user=member, status=Membership.Status.ACTIVE)
    present(room, *members)  # members[5] is in no group

    result = services.assignments_draw(actor=facilitator, session_id=session.pk)

    assert _placed(session) == {
        members[0].pk: "Atelier 1",
        members[1].pk: "Atelier 1",
        members[2].pk: "Atelier 2",
        members[3].pk: "Atelier 2",
        members[4].pk: "Atelier 2",
    }
    assert result["unplaced"] == [members[5].pk]


def _answer(council, person, key, value):
    attribute, _ = ProfileAttribute.objects.get_or_create(
        council=council, key=key, defaults={"label": key, "purpose": "Ateliers équilibrés"}
    )
    profile, _ = ResidentProfile.objects.get_or_create(council=council, user=person)
    ProfileValue.objects.create(profile=profile, attribute=attribute, value=value)


def test_stratified_lottery_mirrors_the_room_and_is_reproducible(
    room, make_session, facilitator, members, present
):
    session = make_session(2, mode="lottery", strata=["age"])
    ages = ["18-30", "18-30", "18-30", "18-30", "60+", "60+"]
    for member, age in zip(members, ages, strict=True):
        _answer(room.council, member, "age", age)
    present(room, *members)

    services.assignments_draw(actor=facilitator, session_id=session.pk, seed="tirage-au-sort")
    first_draw = _placed(session)
    services.assignments_draw(actor=facilitator, session_id=session.pk, seed="tirage-au-sort")

    age_of = {m.pk: age for m, age in zip(members, ages, strict=True)}
    for name in ("Atelier 1", "Atelier 2"):
        mix = sorted(age_of[uid] for uid, placed in first_draw.items() if placed == name)
        assert mix == ["18-30", "18-30", "60+"]
    assert _placed(session) == first_draw


def test_only_drawing_modes_are_drawn(make_session, facilitator):
    session = make_session(2, mode="manual")

    with pytest.raises(InvalidInput) as error:
        services.assignments_draw(actor=facilitator, session_id=session.pk)
    services.assignments_draw(actor=facilitator, session_id=session.pk, mode="random")

    assert error.value.message == "Only random, by-group and lottery assignments are drawn."
    assert _reload(session).mode == "random"


def test_member_cannot_draw(room, make_session, members, present):
    session = make_session(2)
    present(room, *members)

    with pytest.raises(AccessDenied):
        services.assignments_draw(actor=members[0], session_id=session.pk)

    assert not Assignment.objects.exists()


# ---------------------------------------------------------------- a list


def test_import_from_a_list_reports_what_it_could_not_use(
    room,
    make_session,
    facilitator,
    members,
    user_factory,
    user_with_role,
    captured_events,
    django_capture_on_commit_callbacks,
):
    session = make_session(2)
    capitals = user_with_role("member", room.council, email="Claire.Dupont@example.org")
    stranger = user_factory(email="ailleurs@example.org")
    csv_text = "\n".join(
        [
            "email;atelier",
            f"{members[0].email};Atelier 1",
            f"{members[1].email.upper()};atelier 2",
            f"{members[2].email};2",
            "claire.dupont@example.org;Atelier 1",
            "inconnu@example.org;Atelier 1",
            f"{stranger.email};Atelier 2",
            f"{members[3].email};Atelier 9",
        ]
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = services.assignments_import(
            actor=facilitator, session_id=session.pk, csv_text=csv_text
        )

    assert _placed(session) == {
        members[0].pk: "Atelier 1",
        members[1].pk: "Atelier 2",
        members[2].pk: "Atelier 2",
        capitals.pk: "Atelier 1",
    }
    assert result == {
        "assigned": 4,
        "errors": [
            "Line 8: no workshop named 'Atelier 9'.",
            "inconnu@example.org has no access to this meeting.",
            "ailleurs@example.org has no access to this meeting.",
        ],
    }
    assert _reload(session).mode == "list"
    assert _announced(captured_events) == [(f"meeting.{room.pk}", "draft")]


def test_import_reports_full_workshops(make_session, facilitator, members):
    session = make_session(2)
    first = _workshops(session)[0]
    services.workshop_update(actor=facilitator, workshop_id=first.pk, capacity=1)

    result = services.assignments_import(
        actor=facilitator,
        session_id=session.pk,
        csv_text=f"{members[0].email},1\n{members[1].email},1\n",
    )

    assert result == {"assigned": 1, "errors": [f"{members[1].email}: Atelier 1 is full."]}


# ---------------------------------------------------------------- late arrivals


@pytest.mark.parametrize("mode", ["random", "lottery"])
def test_late_arrival_goes_to_the_least_filled_workshop(
    mode, running, facilitator, members, captured_events, django_capture_on_commit_callbacks
):
    services.session_update(actor=facilitator, session_id=running.pk, mode=mode)
    first = _workshops(running)[0]
    services.assignment_set(
        actor=facilitator, session_id=running.pk, user_id=members[1].pk, workshop_id=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        workshop = services.late_arrival_place(user=members[4], session=running)

    assert workshop == first
    assert _placed(running)[members[4].pk] == "Atelier 1"
    assert _log(running)[-1] == (Kind.ASSIGNED, members[4].pk, "Atelier 1", None)
    assert _announced(captured_events) == [(f"meeting.{running.room_id}", "open")]


def test_late_arrival_in_a_lottery_joins_the_workshop_with_fewest_of_their_kind(
    room, running, facilitator, members
):
    services.session_update(
        actor=facilitator, session_id=running.pk, mode="lottery", strata=["age"]
    )
    for member, age in zip(members[:5], ["60+", "18-30", "18-30", "18-30", "60+"], strict=True):
        _answer(room.council, member, "age", age)
    # Atelier 1: one 60+ and one 18-30; Atelier 2: two 18-30 -> a late 60+ goes to Atelier 2

    workshop = services.late_arrival_place(user=members[4], session=running)

    assert workshop.name == "Atelier 2"


def test_late_arrival_by_group(room, running, facilitator, members):
    services.session_update(actor=facilitator, session_id=running.pk, mode="groups")
    second = _workshops(running)[1]
    south = NeighbourhoodGroup.objects.create(council=room.council, name="Sud")
    second.groups.add(south)
    Membership.objects.create(group=south, user=members[4], status=Membership.Status.ACTIVE)

    assert services.late_arrival_place(user=members[4], session=running) == second
    assert services.late_arrival_place(user=members[5], session=running) is None  # in no group
    assert members[5].pk not in _placed(running)


@pytest.mark.parametrize("mode", ["manual", "choice", "list"])
def test_late_arrival_waits_in_the_plenary_when_people_are_placed_by_hand(
    mode, running, facilitator, members, django_capture_on_commit_callbacks
):
    services.session_update(actor=facilitator, session_id=running.pk, mode=mode)

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.late_arrival_place(user=members[4], session=running) is None

    assert members[4].pk not in _placed(running)
    assert callbacks == []


def test_late_arrival_keeps_an_assignment_and_is_not_placed_outside_a_run(
    make_session, running, facilitator, members
):
    draft = make_session(2)

    assert services.late_arrival_place(user=members[0], session=running) is None
    assert _placed(running)[members[0].pk] == "Atelier 1"
    assert services.late_arrival_place(user=members[4], session=draft) is None
    assert not Assignment.objects.filter(session=draft).exists()


def test_late_arrival_during_the_closing_countdown_stays_in_the_plenary(
    running, facilitator, members
):
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=60)

    assert services.late_arrival_place(user=members[4], session=running) is None
    assert members[4].pk not in _placed(running)


def test_late_arrivals_who_are_not_participants_are_not_placed(
    running, facilitator, members, resident, user_factory, room
):
    cofacilitator = members[5]
    services.cofacilitator_set(
        actor=facilitator, workshop_id=_workshops(running)[0].pk, user_id=cofacilitator.pk
    )
    outsider = user_factory()

    for person in (facilitator, resident, outsider, cofacilitator):
        assert services.late_arrival_place(user=person, session=running) is None

    assert _placed(running) == {
        m.pk: name
        for m, name in zip(
            members[:4], ["Atelier 1", "Atelier 1", "Atelier 2", "Atelier 2"], strict=True
        )
    }
    services.session_update(actor=facilitator, session_id=running.pk, include_followers=True)
    assert services.late_arrival_place(user=resident, session=running) is not None


# ---------------------------------------------------------------- opening and closing


def test_open_starts_the_clock_and_is_logged(
    room, make_session, facilitator, captured_events, django_capture_on_commit_callbacks
):
    session = make_session(2, duration_seconds=900)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        services.session_open(actor=facilitator, session_id=session.pk)

    session = _reload(session)
    assert (session.status, session.round) == ("open", 1)
    assert before <= session.opened_at <= timezone.now()
    assert session.ends_at == session.opened_at + timedelta(seconds=900)
    assert _log(session) == [(Kind.OPENED, None, None, facilitator.pk)]
    assert _announced(captured_events) == [(f"meeting.{room.pk}", "open")]
    assert captured_events[0][1]["payload"]["ends_at"] == session.ends_at.isoformat()


def test_open_twice_or_alongside_another_run_is_refused(running, make_session, facilitator):
    other = make_session(2)

    with pytest.raises(InvalidInput) as twice:
        services.session_open(actor=facilitator, session_id=running.pk)
    with pytest.raises(InvalidInput) as alongside:
        services.session_open(actor=facilitator, session_id=other.pk)

    assert twice.value.message == "These workshops are already open."
    assert alongside.value.message == "Another set of workshops is running in this room."
    assert _reload(other).status == "draft"


def test_member_cannot_open(make_session, members):
    session = make_session(2)

    with pytest.raises(AccessDenied):
        services.session_open(actor=members[0], session_id=session.pk)

    assert _reload(session).status == "draft"


def test_close_starts_the_countdown(
    running, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=45)

    session = _reload(running)
    assert session.status == "closing"
    assert session.is_running  # everyone stays in their workshop until the countdown ends
    assert timedelta(seconds=44) < session.closes_at - timezone.now() <= timedelta(seconds=45)
    assert _log(session)[-1] == (Kind.CLOSING, None, None, facilitator.pk)
    assert _announced(captured_events) == [(f"meeting.{running.room_id}", "closing")]


def test_close_without_countdown_closes_at_once(
    running, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=0)

    session = _reload(running)
    assert (session.status, session.closed_at) == ("closed", session.closes_at)
    assert [kind for kind, *_ in _log(session)][-2:] == [Kind.CLOSING, Kind.CLOSED]
    assert _announced(captured_events) == [(f"meeting.{running.room_id}", "closed")]


def test_close_refuses_what_is_not_open(make_session, running, facilitator, members):
    draft = make_session(2)

    with pytest.raises(InvalidInput) as error:
        services.session_close(actor=facilitator, session_id=draft.pk)
    with pytest.raises(AccessDenied):
        services.session_close(actor=members[0], session_id=running.pk)

    assert error.value.message == "These workshops are not open."
    assert _reload(running).status == "open"


def test_reopen_with_the_same_people(running, facilitator):
    before = _placed(running)
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=0)

    services.session_reopen(actor=facilitator, session_id=running.pk)

    session = _reload(running)
    assert (session.status, session.round) == ("open", 2)
    assert _placed(session) == before
    assert [
        kind for kind, *_ in _log(session) if kind in (Kind.OPENED, Kind.CLOSING, Kind.CLOSED)
    ] == [
        Kind.OPENED,
        Kind.CLOSING,
        Kind.CLOSED,
        Kind.OPENED,
    ]


def test_reopen_after_the_countdown_ran_out_unnoticed(running, facilitator):
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=60)
    WorkshopSession.objects.filter(pk=running.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )

    services.session_reopen(actor=facilitator, session_id=running.pk)

    assert [kind for kind, *_ in _log(running)][-3:] == [Kind.CLOSING, Kind.CLOSED, Kind.OPENED]


def test_opening_a_closed_session_again_records_its_end_first(running, facilitator):
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=60)
    WorkshopSession.objects.filter(pk=running.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )

    services.session_open(actor=facilitator, session_id=running.pk)

    assert [kind for kind, *_ in _log(running)][-3:] == [Kind.CLOSING, Kind.CLOSED, Kind.OPENED]


def test_reopen_shuffled_draws_again_over_people_present(
    room, running, facilitator, members, present
):
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=0)
    present(room, *members)
    seed = running.seed

    services.session_reopen(actor=facilitator, session_id=running.pk, shuffle=True)

    session = _reload(running)
    assert session.status == "open"
    assert session.seed != seed
    assert sorted(_placed(session)) == sorted(m.pk for m in members)


def test_reopen_refuses_what_is_not_closed_and_shuffling_by_hand(running, facilitator):
    with pytest.raises(InvalidInput) as still_open:
        services.session_reopen(actor=facilitator, session_id=running.pk)
    services.session_update(actor=facilitator, session_id=running.pk, mode="manual")
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=0)
    with pytest.raises(InvalidInput) as by_hand:
        services.session_reopen(actor=facilitator, session_id=running.pk, shuffle=True)

    assert still_open.value.message == "Only closed workshops can be reopened."
    assert by_hand.value.message == "Only random, by-group and lottery assignments are drawn."
    assert _reload(running).status == "closed"
    assert len(_placed(running)) == 4


def test_duplicate_prepares_the_same_workshops(
    room, running, facilitator, members, captured_events, django_capture_on_commit_callbacks
):
    first = _workshops(running)[0]
    services.workshop_update(actor=facilitator, workshop_id=first.pk, capacity=6)
    services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=members[5].pk)
    group = NeighbourhoodGroup.objects.create(council=room.council, name="Nord")
    first.groups.add(group)

    with django_capture_on_commit_callbacks(execute=True):
        copy_id = services.session_duplicate(actor=facilitator, session_id=running.pk)["session_id"]

    copy = WorkshopSession.objects.get(pk=copy_id)
    workshops = _workshops(copy)
    assert (copy.title, copy.status, copy.round, copy.mode, copy.room_id) == (
        "Ateliers",
        "draft",
        0,
        running.mode,
        room.pk,
    )
    assert [(w.name, w.topic, w.capacity, w.cofacilitator_id) for w in workshops] == [
        ("Atelier 1", "Sujet 1", 6, members[5].pk),
        ("Atelier 2", "Sujet 2", None, None),
    ]
    assert list(workshops[0].groups.all()) == [group]
    assert {w.room_id for w in workshops}.isdisjoint({w.room_id for w in _workshops(running)})
    assert _placed(copy) == {}
    assert _announced(captured_events) == [(f"meeting.{room.pk}", "draft")]


def test_duplicate_keeping_assignments(running, facilitator):
    copy_id = services.session_duplicate(
        actor=facilitator, session_id=running.pk, keep_assignments=True
    )["session_id"]
    copy = WorkshopSession.objects.get(pk=copy_id)

    assert _placed(copy) == _placed(running)
    assert sorted(uid for kind, uid, _w, _a in _log(copy) if kind == Kind.ASSIGNED) == sorted(
        _placed(running)
    )


def test_duplicate_refuses_members(running, members):
    with pytest.raises(AccessDenied):
        services.session_duplicate(actor=members[0], session_id=running.pk)

    assert WorkshopSession.objects.count() == 1


# ---------------------------------------------------------------- while workshops run


def test_timer_changes_the_end_for_every_workshop(
    running, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.timer_set(actor=facilitator, session_id=running.pk, seconds_left=300)

    session = _reload(running)
    assert timedelta(seconds=299) < session.ends_at - timezone.now() <= timedelta(seconds=300)
    assert _log(session)[-1] == (Kind.TIMER, None, None, facilitator.pk)
    assert LogEntry.objects.filter(session=session, kind=Kind.TIMER).get().text == "300"
    assert captured_events[-1][1]["payload"]["ends_at"] == session.ends_at.isoformat()


def test_timer_only_while_open_and_for_facilitators(make_session, running, facilitator, members):
    draft = make_session(2)

    with pytest.raises(InvalidInput) as error:
        services.timer_set(actor=facilitator, session_id=draft.pk, seconds_left=60)
    with pytest.raises(AccessDenied):
        services.timer_set(actor=members[0], session_id=running.pk, seconds_left=6000)

    assert error.value.message == "These workshops are not open."


def test_broadcast_reaches_the_whole_meeting(
    running, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(
            actor=facilitator, session_id=running.pk, text="  Plus que 5 minutes !  "
        )

    [(group, message)] = captured_events
    assert group == f"meeting.{running.room_id}"
    assert message["type"] == "workshops.broadcast_sent"
    assert message["payload"]["text"] == "Plus que 5 minutes !"
    assert message["payload"]["by"] == {"id": facilitator.pk, "name": "Fatou Facilitatrice"}
    entry = LogEntry.objects.get(session=running, kind=Kind.BROADCAST)
    assert (entry.actor, entry.text) == (facilitator, "Plus que 5 minutes !")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The message is required."),
        ("  ", "The message is required."),
        ("x" * 2001, "The message is too long (at most 2000 characters)."),
    ],
)
def test_broadcast_refuses_empty_or_too_long_text(
    text, message, running, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(InvalidInput) as error:
        services.broadcast_send(actor=facilitator, session_id=running.pk, text=text)

    assert error.value.message == message
    assert callbacks == []
    assert not LogEntry.objects.filter(kind=Kind.BROADCAST).exists()


def test_broadcast_only_while_running_and_by_facilitators(
    make_session, running, facilitator, members
):
    with pytest.raises(InvalidInput):
        services.broadcast_send(actor=facilitator, session_id=make_session(2).pk, text="Bonjour")
    with pytest.raises(AccessDenied):
        services.broadcast_send(actor=members[0], session_id=running.pk, text="Bonjour")

    assert not LogEntry.objects.filter(kind=Kind.BROADCAST).exists()


def test_help_is_asked_from_a_workshop_and_answered(
    running, facilitator, members, captured_events, django_capture_on_commit_callbacks
):
    first = _workshops(running)[0]

    with django_capture_on_commit_callbacks(execute=True):
        asked = services.help_ask(actor=members[0], workshop_id=first.pk)
        again = services.help_ask(actor=members[1], workshop_id=first.pk)  # the same open request
        services.help_answer(actor=facilitator, help_id=asked["help_id"])
        services.help_answer(
            actor=facilitator, help_id=asked["help_id"]
        )  # already answered: nothing new

    request = HelpRequest.objects.get()
    assert again == asked == {"help_id": request.pk}
    assert (request.user, request.answered_by) == (members[0], facilitator)
    assert [(g, m["type"]) for g, m in captured_events] == [
        (f"meeting.{running.room_id}.facilitators", "workshops.help_requested"),
        (f"meeting.{running.room_id}.facilitators", "workshops.help_requested"),
        (f"meeting.{running.room_id}.facilitators", "workshops.help_answered"),
    ]
    assert captured_events[0][1]["payload"]["workshop"] == {
        "id": first.pk,
        "name": "Atelier 1",
        "room_id": first.room_id,
    }
    assert captured_events[0][1]["payload"]["by"] == {"id": members[0].pk, "name": "Membre 00"}
    assert [e for e in _log(running) if e[0] == Kind.HELP] == [
        (Kind.HELP, members[0].pk, "Atelier 1", members[0].pk),
        (Kind.HELP, members[1].pk, "Atelier 1", members[1].pk),
    ]


def test_help_only_from_ones_own_running_workshop(make_session, running, facilitator, members):
    first = _workshops(running)[0]
    draft = make_session(2)
    services.assignment_set(
        actor=facilitator,
        session_id=draft.pk,
        user_id=members[0].pk,
        workshop_id=_workshops(draft)[0].pk,
    )

    for person, workshop_id in (
        (members[2], first.pk),
        (members[4], first.pk),
        (members[0], _workshops(draft)[0].pk),
    ):
        with pytest.raises(AccessDenied):
            services.help_ask(actor=person, workshop_id=workshop_id)
        with pytest.raises(AccessDenied):
            services.more_time_ask(actor=person, workshop_id=workshop_id)

    assert not HelpRequest.objects.exists()


def test_members_cannot_answer_help(running, members):
    help_id = services.help_ask(actor=members[0], workshop_id=_workshops(running)[0].pk)["help_id"]

    with pytest.raises(AccessDenied):
        services.help_answer(actor=members[1], help_id=help_id)
    with pytest.raises(AccessDenied):
        services.help_answer(actor=members[1], help_id=help_id + 1000)

    assert HelpRequest.objects.get().answered_at is None


def test_more_time_is_asked_from_a_workshop(
    running, members, captured_events, django_capture_on_commit_callbacks
):
    second = _workshops(running)[1]

    with django_capture_on_commit_callbacks(execute=True):
        services.more_time_ask(actor=members[2], workshop_id=second.pk)

    [(group, message)] = captured_events
    assert (group, message["type"]) == (
        f"meeting.{running.room_id}.facilitators",
        "workshops.more_time_requested",
    )
    assert message["payload"]["workshop"]["name"] == "Atelier 2"
    assert _log(running)[-1] == (Kind.MORE_TIME, members[2].pk, "Atelier 2", members[2].pk)


# ---------------------------------------------------------------- moving sockets, the log


def test_visits_and_listening_in(room, running, facilitator, members):
    first, second = _workshops(running)
    services.cofacilitator_set(actor=facilitator, workshop_id=first.pk, user_id=members[5].pk)

    assert services.visit_check(actor=facilitator, workshop_id=second.pk) == second.room_id
    assert services.visit_check(actor=members[5], workshop_id=first.pk) == first.room_id
    for person, workshop, hidden in (
        (facilitator, second, True),  # the council does not allow listening in
        (members[5], second, False),  # a co-facilitator visits only their own workshop
        (members[5], first, True),
        (members[0], second, False),
        (members[0], first, False),  # a member is in their workshop, not visiting
    ):
        with pytest.raises(AccessDenied):
            services.visit_check(actor=person, workshop_id=workshop.pk, hidden=hidden)

    room.council.workshops_allow_listening_in = True
    room.council.save(update_fields=["workshops_allow_listening_in"])
    assert (
        services.visit_check(actor=facilitator, workshop_id=second.pk, hidden=True)
        == second.room_id
    )


def test_who_was_where_when(room, running, facilitator, members):
    first, second = _workshops(running)
    room.council.workshops_allow_listening_in = True
    room.council.save(update_fields=["workshops_allow_listening_in"])

    _join(members[0], room.pk, "m0")
    _join(members[0], first.room_id, "m0", previous_room_id=room.pk)
    _join(facilitator, second.room_id, "f", hidden=True)
    _join(facilitator, first.room_id, "f", previous_room_id=second.room_id)
    services.breakout_left(actor=members[0], room_id=first.room_id)

    moves = [
        e for e in _log(running) if e[0] in (Kind.ENTERED, Kind.LEFT, Kind.VISITED, Kind.OBSERVED)
    ]
    assert moves == [
        (Kind.ENTERED, members[0].pk, "Atelier 1", None),
        (Kind.OBSERVED, facilitator.pk, "Atelier 2", None),
        (Kind.LEFT, facilitator.pk, "Atelier 2", None),
        (Kind.VISITED, facilitator.pk, "Atelier 1", None),
        (Kind.LEFT, members[0].pk, "Atelier 1", None),
    ]
    assert Presence.objects.get(channel_name="f").room_id == first.room_id
    entries = session_log(session=running)
    assert [(e["label"], e["workshop"]) for e in entries[-2:]] == [
        ("visited a workshop", "Atelier 1"),
        ("left a workshop", "Atelier 1"),
    ]
    assert (entries[0]["kind"], entries[0]["actor"]) == (
        "assigned",
        {"id": facilitator.pk, "name": "Fatou Facilitatrice"},
    )
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)


def test_whereabouts_shows_who_is_in_which_workshop_but_not_listeners(
    room, running, facilitator, members, present
):
    first, second = _workshops(running)
    room.council.workshops_allow_listening_in = True
    room.council.save(update_fields=["workshops_allow_listening_in"])
    present(first.room, members[0], members[1])
    present(second.room, members[2])
    present(second.room, facilitator, hidden=True)

    assert whereabouts(session=running) == {
        first.pk: [
            {"id": members[0].pk, "name": "Membre 00"},
            {"id": members[1].pk, "name": "Membre 01"},
        ],
        second.pk: [{"id": members[2].pk, "name": "Membre 02"}],
    }


def test_a_member_cannot_slip_into_another_workshop(running, members):
    second = _workshops(running)[1]

    assert _join(members[0], second.room_id, "m0") is None

    assert not Presence.objects.filter(room_id=second.room_id).exists()
    assert not LogEntry.objects.filter(kind=Kind.ENTERED).exists()


def test_a_new_cofacilitator_runs_their_workshop_instead_of_taking_part(
    running, facilitator, members
):
    second = _workshops(running)[1]

    services.cofacilitator_set(actor=facilitator, workshop_id=second.pk, user_id=members[0].pk)

    assert members[0].pk not in _placed(running)
    assert _log(running)[-1] == (Kind.UNASSIGNED, members[0].pk, "Atelier 1", facilitator.pk)


# ---------------------------------------------------------------- at the same time (real PostgreSQL, threads)

ROUNDS = 10


def _together(*calls):
    """Run the calls at the same moment, each in its own thread and connection; return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # a thread does not inherit the test's language
                outcomes[index] = call()
        except Exception as error:  # the outcome the test looks at
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_moving_the_same_person_end_in_one_assignment(
    room, make_session, facilitator, members, user_with_role, captured_events
):
    colleague = user_with_role("facilitator", room.council, display_name="Paul Co-animateur")
    session = make_session(3)
    first, second, third = _workshops(session)
    person = members[0]

    for _ in range(ROUNDS):
        services.assignment_set(
            actor=facilitator, session_id=session.pk, user_id=person.pk, workshop_id=third.pk
        )
        moves_before = LogEntry.objects.filter(session=session, user=person).count()

        outcomes = _together(
            lambda: services.assignment_set(
                actor=facilitator, session_id=session.pk, user_id=person.pk, workshop_id=first.pk
            ),
            lambda: services.assignment_set(
                actor=colleague, session_id=session.pk, user_id=person.pk, workshop_id=second.pk
            ),
        )

        assert outcomes == [{}, {}]
        [assignment] = Assignment.objects.filter(session=session, user=person)
        assert assignment.workshop_id in (first.pk, second.pk)
        moves = list(LogEntry.objects.filter(session=session, user=person).order_by("at", "pk"))[
            moves_before:
        ]
        assert sorted(m.workshop_id for m in moves) == sorted(
            [first.pk, second.pk]
        )  # both moves happened, in turn
        assert (moves[-1].kind, moves[-1].workshop_id) == (Kind.ASSIGNED, assignment.workshop_id)
        assert moves[-1].actor_id == assignment.assigned_by_id
    assert captured_events[-1][1]["payload"]["assignments"] == [[person.pk, assignment.workshop_id]]


@pytest.mark.django_db(transaction=True)
def test_two_people_choosing_the_last_place(room, make_session, facilitator, members):
    session = make_session(2, mode="choice")
    first = _workshops(session)[0]
    services.workshop_update(actor=facilitator, workshop_id=first.pk, capacity=1)

    for _ in range(ROUNDS):
        Assignment.objects.filter(session=session).delete()

        outcomes = _together(
            lambda: services.workshop_choose(
                actor=members[0], session_id=session.pk, workshop_id=first.pk
            ),
            lambda: services.workshop_choose(
                actor=members[1], session_id=session.pk, workshop_id=first.pk
            ),
        )

        winners = [i for i, outcome in enumerate(outcomes) if outcome == {}]
        refused = [outcome for outcome in outcomes if isinstance(outcome, InvalidInput)]
        assert len(winners) == 1
        assert [error.message for error in refused] == ["Atelier 1 is full."]
        assert list(
            Assignment.objects.filter(session=session).values_list("user_id", "workshop_id")
        ) == [(members[winners[0]].pk, first.pk)]


def test_draw_leaves_out_those_who_run_the_meeting(
    room, make_session, facilitator, members, resident, user_with_role, present
):
    """Council facilitators, a room's own facilitator and co-facilitators are not drawn."""
    from guardian.shortcuts import assign_perm

    session = make_session(2, include_followers=True)
    colleague = user_with_role("facilitator", room.council, display_name="Paul Animateur")
    assign_perm("rooms.facilitate_room", resident, room)
    services.cofacilitator_set(actor=facilitator, workshop_id=_workshops(session)[0].pk, user_id=members[1].pk)
    present(room, facilitator, colleague, resident, *members[:4])

    services.assignments_draw(actor=facilitator, session_id=session.pk)

    assert sorted(_placed(session)) == sorted(m.pk for m in (members[0], members[2], members[3]))


def test_the_draw_pool_is_read_in_the_same_queries_however_many_are_present(
    room, make_session, members, present, django_assert_num_queries
):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from council.workshops.selectors import assignment_pool

    session = make_session(2)
    present(room, *members[:2])
    assignment_pool(session=session)  # once first: Django caches the content types it looks up
    with CaptureQueriesContext(db) as few:
        assert len(assignment_pool(session=session)) == 2
    present(room, *members[2:])
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(assignment_pool(session=session)) == 6
