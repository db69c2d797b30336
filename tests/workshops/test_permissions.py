"""Who may do what with workshops: every workshops.* permission, positive and negative cases.

The cell-by-cell contract is the "Workshops" tables of docs/permissions.md (checked in
tests/rooms/test_permissions.py); here are the situations behind them, told as stories.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm
from rules.permissions import permissions as registered_permissions

from council.core.errors import AccessDenied
from council.councils.services import role_revoke
from council.rooms.models import Room
from council.rooms.models import RoomRemoval
from council.workshops import services
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from council.workshops.permissions import access_session
from council.workshops.permissions import access_workshop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SESSION_ACTIONS = (
    "prepare_workshops",
    "change_session",
    "assign_participants",
    "open_workshops",
    "close_workshops",
    "set_timer",
    "broadcast_message",
    "visit_workshop",
    "answer_help",
    "view_log",
    "export_outputs",
)


class Meeting:
    """A plenary with two workshops, A and B, and one person of every kind."""

    def __init__(self, room, facilitator, make_session, user_with_role):
        council = room.council
        self.room = room
        self.session = make_session(2)
        self.a, self.b = Workshop.objects.filter(session=self.session).select_related("room")
        self.people = {
            "administrator": user_with_role("administrator", council),
            "facilitator": facilitator,
            "member": user_with_role("member", council),
            "resident": user_with_role("resident", council),
            "outsider": UserFactory(),
            "co-facilitator of A": user_with_role("member", council),
            "member of A": user_with_role("member", council),
            "member of B": user_with_role("member", council),
            "visitor": AnonymousUser(),
        }
        services.cofacilitator_set(
            actor=facilitator, workshop_id=self.a.pk, user_id=self["co-facilitator of A"].pk
        )
        for who, workshop in (("member of A", self.a), ("member of B", self.b)):
            services.assignment_set(
                actor=facilitator,
                session_id=self.session.pk,
                user_id=self[who].pk,
                workshop_id=workshop.pk,
            )
        self.facilitator = facilitator

    def __getitem__(self, who):
        return self.people[who]

    def fresh(self):
        """Objects as a new request would load them (no state cached on the instances)."""
        session = WorkshopSession.objects.select_related("room__council").get(pk=self.session.pk)
        workshops = {
            w.name: w
            for w in Workshop.objects.filter(session=session).select_related(
                "room", "session__room__council"
            )
        }
        return session, workshops["Atelier 1"], workshops["Atelier 2"]

    def open(self):
        services.session_open(actor=self.facilitator, session_id=self.session.pk)

    def close(self, grace_seconds=0):
        services.session_close(
            actor=self.facilitator, session_id=self.session.pk, grace_seconds=grace_seconds
        )

    def allow_listening_in(self):
        self.room.council.workshops_allow_listening_in = True
        self.room.council.save(update_fields=["workshops_allow_listening_in"])

    def who_may(self, perm, target):
        return sorted(who for who, person in self.people.items() if person.has_perm(perm, target))


@pytest.fixture
def meeting(room, facilitator, make_session, user_with_role):
    return Meeting(room, facilitator, make_session, user_with_role)


RUNNERS = ["administrator", "facilitator"]


# ---------------------------------------------------------------- the permissions exist


def test_every_workshops_permission_is_tested_here():
    registered = {name for name in registered_permissions if name.startswith("workshops.")}
    tested = {f"workshops.{action}" for action in SESSION_ACTIONS} | {
        "workshops.listen_in",
        "workshops.view_session",
        "workshops.see_help_requests",
        "workshops.cofacilitate_workshop",
        "workshops.choose_workshop",
        "workshops.enter_breakout",
        "workshops.facilitate_breakout",
        "workshops.ask_help",
        "workshops.edit_notes",
        "workshops.edit_report",
        "workshops.view_workshop",
        "workshops.view_agenda",
        "workshops.manage_agenda",
        "workshops.manage_speakers",
    }

    assert registered == tested


# ---------------------------------------------------------------- running the session


@pytest.mark.parametrize("action", SESSION_ACTIONS)
@pytest.mark.parametrize("state", ["draft", "open", "closed"])
def test_only_the_plenarys_facilitators_run_the_session(action, state, meeting):
    if state != "draft":
        meeting.open()
    if state == "closed":
        meeting.close()
    session, _a, _b = meeting.fresh()

    assert meeting.who_may(f"workshops.{action}", session) == RUNNERS


def test_a_room_facilitator_grant_on_the_plenary_runs_its_workshops(meeting, user_with_role):
    resident = user_with_role("resident", meeting.room.council)
    assign_perm("rooms.facilitate_room", resident, meeting.room)
    session, a, _b = meeting.fresh()

    assert resident.has_perm("workshops.assign_participants", session)
    assert resident.has_perm("workshops.facilitate_breakout", a.room)
    assert resident.has_perm("rooms.moderate_room", a.room)


def test_a_facilitator_of_another_council_runs_nothing_here(meeting, room_factory, user_with_role):
    elsewhere = user_with_role("facilitator", room_factory().council)
    session, a, _b = meeting.fresh()

    assert not elsewhere.has_perm("workshops.open_workshops", session)
    assert not elsewhere.has_perm("workshops.view_session", session)
    assert not elsewhere.has_perm("workshops.facilitate_breakout", a.room)
    assert not elsewhere.has_perm("rooms.view_room", a.room)


def test_members_and_above_may_be_named_cofacilitators_not_residents(meeting):
    session, _a, _b = meeting.fresh()

    assert meeting.who_may("workshops.cofacilitate_workshop", session) == sorted(
        [*RUNNERS, "member", "co-facilitator of A", "member of A", "member of B"]
    )


def test_everyone_of_the_meeting_sees_the_session_and_cofacilitators_its_help_requests(meeting):
    session, _a, _b = meeting.fresh()

    assert meeting.who_may("workshops.view_session", session) == sorted(
        [
            "administrator",
            "facilitator",
            "member",
            "resident",
            "co-facilitator of A",
            "member of A",
            "member of B",
        ]
    )
    assert meeting.who_may("workshops.see_help_requests", session) == sorted(
        [*RUNNERS, "co-facilitator of A"]
    )
    assert meeting.who_may("workshops.answer_help", session) == RUNNERS


def test_listening_in_only_where_the_council_allows_it(meeting):
    meeting.open()
    session, _a, _b = meeting.fresh()
    assert meeting.who_may("workshops.listen_in", session) == []

    meeting.allow_listening_in()
    session, _a, _b = meeting.fresh()

    assert meeting.who_may("workshops.listen_in", session) == RUNNERS


# ---------------------------------------------------------------- entering a breakout


def test_a_member_enters_only_their_own_breakout_and_only_while_it_runs(meeting):
    member = meeting["member of A"]

    def may_enter():
        _session, a, b = meeting.fresh()
        return [
            (perm, member.has_perm(perm, a.room), member.has_perm(perm, b.room))
            for perm in ("workshops.enter_breakout", "rooms.view_room", "rooms.join_room")
        ]

    before = may_enter()
    meeting.open()
    running = may_enter()
    meeting.close(grace_seconds=60)
    counting_down = may_enter()
    WorkshopSession.objects.filter(pk=meeting.session.pk).update(
        closes_at=meeting.session.created_at
    )
    after = may_enter()

    nowhere = [
        (perm, False, False)
        for perm in ("workshops.enter_breakout", "rooms.view_room", "rooms.join_room")
    ]
    only_a = [
        (perm, True, False)
        for perm in ("workshops.enter_breakout", "rooms.view_room", "rooms.join_room")
    ]
    assert (before, running, counting_down, after) == (nowhere, only_a, only_a, nowhere)


def test_who_enters_a_running_breakout(meeting):
    meeting.open()
    _session, a, _b = meeting.fresh()

    expected = sorted([*RUNNERS, "co-facilitator of A", "member of A"])
    assert meeting.who_may("workshops.enter_breakout", a.room) == expected
    assert meeting.who_may("rooms.view_room", a.room) == expected
    assert meeting.who_may("rooms.join_room", a.room) == expected
    assert meeting.who_may("rooms.send_message", a.room) == expected
    assert meeting.who_may("rooms.receive_media", a.room) == expected


def test_a_member_removed_from_the_plenary_cannot_enter_their_breakout(meeting):
    meeting.open()
    RoomRemoval.objects.create(room=meeting.room, user=meeting["member of A"])
    _session, a, _b = meeting.fresh()

    assert not meeting["member of A"].has_perm("rooms.view_room", a.room)
    assert not meeting["member of A"].has_perm("workshops.view_workshop", a)


def test_a_member_removed_from_their_breakout_stays_out(meeting):
    meeting.open()
    RoomRemoval.objects.create(room=meeting.a.room, user=meeting["member of A"])
    _session, a, _b = meeting.fresh()

    assert not meeting["member of A"].has_perm("rooms.join_room", a.room)
    assert meeting["member of A"].has_perm("rooms.view_room", meeting.room)  # still in the meeting


def test_a_member_who_left_the_council_cannot_enter(meeting):
    meeting.open()
    role_revoke(actor=None, council=meeting.room.council, user=meeting["member of A"])
    _session, a, _b = meeting.fresh()

    assert not meeting["member of A"].has_perm("rooms.view_room", a.room)
    assert not meeting["member of A"].has_perm("workshops.ask_help", a)


def test_a_locked_breakout_keeps_newcomers_out_but_not_its_facilitators(meeting):
    meeting.open()
    Room.objects.filter(pk=meeting.a.room_id).update(is_locked=True)
    _session, a, _b = meeting.fresh()

    assert meeting.who_may("rooms.join_room", a.room) == sorted([*RUNNERS, "co-facilitator of A"])
    assert meeting["member of A"].has_perm("rooms.view_room", a.room)


# ---------------------------------------------------------------- running a breakout


def test_a_cofacilitator_moderates_only_their_own_breakout(meeting):
    cofacilitator = meeting["co-facilitator of A"]
    session, a, b = meeting.fresh()

    for perm in (
        "workshops.facilitate_breakout",
        "rooms.moderate_room",
        "rooms.mute_participant",
        "rooms.moderate_media",
    ):
        assert cofacilitator.has_perm(perm, a.room), perm
        assert not cofacilitator.has_perm(perm, b.room), perm
        assert not cofacilitator.has_perm(perm, meeting.room), perm
    assert cofacilitator.has_perm(
        "rooms.join_room", a.room
    )  # before the session opens, to prepare it
    assert not cofacilitator.has_perm("rooms.view_room", b.room)
    assert not cofacilitator.has_perm("workshops.assign_participants", session)
    assert not cofacilitator.has_perm("workshops.visit_workshop", session)


def test_a_cofacilitator_who_left_the_council_no_longer_runs_their_breakout(meeting):
    role_revoke(actor=None, council=meeting.room.council, user=meeting["co-facilitator of A"])
    _session, a, _b = meeting.fresh()

    assert not meeting["co-facilitator of A"].has_perm("workshops.facilitate_breakout", a.room)
    assert not meeting["co-facilitator of A"].has_perm("rooms.view_room", a.room)


def test_a_visitor_runs_no_breakout_even_one_without_cofacilitator(meeting):
    """An anonymous visitor's id (None) must not match a workshop's empty co-facilitator."""
    _session, _a, b = meeting.fresh()
    visitor = AnonymousUser()

    assert b.cofacilitator_id is None
    assert not visitor.has_perm("workshops.facilitate_breakout", b.room)
    assert not visitor.has_perm("rooms.moderate_room", b.room)
    assert not visitor.has_perm("rooms.view_room", b.room)
    assert not visitor.has_perm("workshops.view_workshop", b)


def test_breakout_permissions_say_no_about_an_ordinary_room(meeting, room_factory):
    ordinary = room_factory(council=meeting.room.council)

    assert not meeting.facilitator.has_perm("workshops.facilitate_breakout", meeting.room)
    assert not meeting.facilitator.has_perm("workshops.enter_breakout", ordinary)
    assert meeting["member"].has_perm("rooms.view_room", meeting.room)


# ---------------------------------------------------------------- inside a workshop


def test_asking_for_help_from_ones_own_running_workshop(meeting):
    _session, a, _b = meeting.fresh()
    assert meeting.who_may("workshops.ask_help", a) == []

    meeting.open()
    _session, a, b = meeting.fresh()

    assert meeting.who_may("workshops.ask_help", a) == ["member of A"]
    assert meeting.who_may("workshops.ask_help", b) == ["member of B"]


def test_notes_while_running_and_the_report_from_the_first_round_on(meeting):
    _session, a, _b = meeting.fresh()
    runners_of_a = sorted([*RUNNERS, "co-facilitator of A"])
    assert meeting.who_may("workshops.edit_notes", a) == runners_of_a
    assert meeting.who_may("workshops.edit_report", a) == runners_of_a

    meeting.open()
    _session, a, _b = meeting.fresh()
    assert meeting.who_may("workshops.edit_notes", a) == sorted([*runners_of_a, "member of A"])

    meeting.close()
    _session, a, _b = meeting.fresh()
    assert meeting.who_may("workshops.edit_notes", a) == runners_of_a
    assert meeting.who_may("workshops.edit_report", a) == sorted([*runners_of_a, "member of A"])


def test_a_workshop_is_seen_by_its_members_and_those_who_run_it(meeting):
    _session, a, b = meeting.fresh()

    assert meeting.who_may("workshops.view_workshop", a) == sorted(
        [*RUNNERS, "co-facilitator of A", "member of A"]
    )
    assert meeting.who_may("workshops.view_workshop", b) == sorted([*RUNNERS, "member of B"])


# ---------------------------------------------------------------- choosing


def test_who_chooses_a_workshop(meeting):
    session, _a, _b = meeting.fresh()
    assert meeting.who_may("workshops.choose_workshop", session) == []  # drawn at random

    WorkshopSession.objects.filter(pk=session.pk).update(mode="choice")
    session, _a, _b = meeting.fresh()
    participants = ["member", "member of A", "member of B"]
    assert meeting.who_may("workshops.choose_workshop", session) == participants

    WorkshopSession.objects.filter(pk=session.pk).update(include_followers=True)
    session, _a, _b = meeting.fresh()
    assert meeting.who_may("workshops.choose_workshop", session) == sorted(
        [*participants, "resident"]
    )


@pytest.mark.parametrize(
    ("state", "allowed"), [("draft", True), ("open", True), ("closing", False), ("closed", False)]
)
def test_choosing_until_the_countdown_starts(state, allowed, meeting):
    WorkshopSession.objects.filter(pk=meeting.session.pk).update(mode="choice")
    if state != "draft":
        meeting.open()
    if state == "closing":
        meeting.close(grace_seconds=60)
    if state == "closed":
        meeting.close()
    session, _a, _b = meeting.fresh()

    assert meeting["member"].has_perm("workshops.choose_workshop", session) is allowed


# ---------------------------------------------------------------- the agenda of the meeting


def test_agenda_is_seen_by_the_meeting_and_run_by_its_facilitators(meeting):
    everyone = sorted(
        [
            "administrator",
            "facilitator",
            "member",
            "resident",
            "co-facilitator of A",
            "member of A",
            "member of B",
        ]
    )

    assert meeting.who_may("workshops.view_agenda", meeting.room) == everyone
    assert meeting.who_may("workshops.manage_agenda", meeting.room) == RUNNERS
    assert meeting.who_may("workshops.manage_speakers", meeting.room) == RUNNERS


# ---------------------------------------------------------------- fetch and authorise


def test_access_session_says_the_same_for_missing_and_forbidden(meeting):
    with pytest.raises(AccessDenied) as forbidden:
        access_session(meeting["member"], meeting.session.pk, perm="workshops.open_workshops")
    with pytest.raises(AccessDenied) as missing:
        access_session(
            meeting.facilitator, meeting.session.pk + 1000, perm="workshops.open_workshops"
        )

    assert forbidden.value.perm == missing.value.perm == "workshops.open_workshops"
    assert forbidden.value.message == missing.value.message
    assert (
        access_session(meeting.facilitator, meeting.session.pk, perm="workshops.open_workshops")
        == meeting.session
    )


def test_access_workshop_says_the_same_for_missing_and_forbidden(meeting):
    with pytest.raises(AccessDenied) as forbidden:
        access_workshop(meeting["member of B"], meeting.a.pk, perm="workshops.view_workshop")
    with pytest.raises(AccessDenied) as missing:
        access_workshop(meeting.facilitator, meeting.b.pk + 1000, perm="workshops.view_workshop")

    assert forbidden.value.perm == missing.value.perm == "workshops.view_workshop"
    assert forbidden.value.message == missing.value.message
    assert (
        access_workshop(meeting["member of A"], meeting.a.pk, perm="workshops.view_workshop")
        == meeting.a
    )
