"""Who may do what with workshops: one named permission per action (docs/permissions.md).

Session-wide actions take the WorkshopSession; entering and running a breakout take its
Room (asked by council/rooms/permissions.py); a workshop's own actions take the Workshop.
"""

import rules

from council.core.errors import AccessDenied
from council.core.facts import register_fact
from council.core.facts import remember_facts
from council.core.memo import recall
from council.core.memo import remember
from council.core.memo import remembered
from council.councils.permissions import is_council_member
from council.workshops.models import Assignment
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession


def workshop_of_room(room_id: int) -> Workshop | None:
    """The workshop whose breakout room this is (None for a plenary), read once per unit of work."""
    return recall(("workshop_of_room", room_id), lambda: _workshops(room_ids=[room_id]).get(room_id))


def workshops_of_rooms_remember(
    room_ids, *, with_related: tuple[str, ...] = (), plenaries: frozenset[int] = frozenset()
) -> dict[int, Workshop]:
    """workshop_of_room for many rooms in one query (a wave of moves), with `with_related` too.

    `plenaries` are rooms known to hang under no other: a workshop's room is a breakout of the
    session's plenary (services._workshop_create), so they are no workshop's and are not read.
    """
    to_read = [room_id for room_id in room_ids if room_id not in plenaries]
    workshops = _workshops(room_ids=to_read, with_related=with_related) if to_read else {}
    for room_id in room_ids:
        remember(("workshop_of_room", room_id), workshops.get(room_id))
    return workshops


def _workshops(*, room_ids, with_related: tuple[str, ...] = ()) -> dict[int, Workshop]:
    workshops = Workshop.objects.select_related("session__room__council", "room", *with_related)
    return {workshop.room_id: workshop for workshop in workshops.filter(room_id__in=room_ids)}


def _assignments(users, session_ids) -> dict[tuple[int, int], int]:
    rows = Assignment.objects.filter(session_id__in=session_ids, user_id__in=[user.pk for user in users])
    return {(user_id, session_id): workshop_id for user_id, session_id, workshop_id in rows.values_list("user_id", "session_id", "workshop_id")}


def _cofacilitations(users, session_ids) -> dict[tuple[int, int], bool]:
    rows = Workshop.objects.filter(session_id__in=session_ids, cofacilitator_id__in=[user.pk for user in users])
    return dict.fromkeys(rows.values_list("cofacilitator_id", "session_id"), True)


#: the workshop a person is assigned to in a session (None: none)
assigned = register_fact("workshops.assigned", model="workshops.WorkshopSession", many=_assignments, default=None)
#: whether a person co-facilitates a workshop of a session
cofacilitates = register_fact("workshops.cofacilitates", model="workshops.WorkshopSession", many=_cofacilitations)


def assigned_workshop_id(user, session_id: int) -> int | None:
    return assigned(user, session_id)


@rules.predicate
def runs_the_plenary(user, session) -> bool:
    """Facilitators of the plenary room (council facilitators and room facilitators)."""
    return user.has_perm("rooms.moderate_room", session.room)


@rules.predicate
def may_follow_the_plenary(user, session) -> bool:
    return user.has_perm("rooms.view_room", session.room)


@rules.predicate
def session_is_running(user, session) -> bool:
    return session.is_running


@rules.predicate
def session_is_draft(user, session) -> bool:
    return session.status == WorkshopSession.Status.DRAFT


@rules.predicate
def session_is_open(user, session) -> bool:
    """Open and not counting down to the return: the time when people go where they chose."""
    return session.effective_status() == WorkshopSession.Status.OPEN


@rules.predicate
def followers_included(user, session) -> bool:
    return session.include_followers


@rules.predicate
def participants_choose(user, session) -> bool:
    return session.mode == WorkshopSession.Mode.CHOICE


@rules.predicate
def council_allows_listening_in(user, session) -> bool:
    return session.room.council.workshops_allow_listening_in


@rules.predicate
def is_council_member_of_the_meeting(user, session) -> bool:
    return is_council_member(user, session.room)


@rules.predicate
def cofacilitates_a_workshop(user, session) -> bool:
    return user.is_authenticated and cofacilitates(user, session)


# -- a breakout room (rooms.* rules ask these by name)


@rules.predicate
def facilitates_this_breakout(user, room) -> bool:
    """The plenary's facilitators, and the workshop's co-facilitator while they may follow the plenary."""
    workshop = workshop_of_room(room.pk)
    if workshop is None or not user.is_authenticated:
        return False
    plenary = workshop.session.room
    if workshop.cofacilitator_id is not None and workshop.cofacilitator_id == user.pk:
        return user.has_perm("rooms.view_room", plenary)
    return user.has_perm("rooms.moderate_room", plenary)


@rules.predicate
def assigned_to_this_running_breakout(user, room) -> bool:
    workshop = workshop_of_room(room.pk)
    if workshop is None or not workshop.session.is_running:
        return False
    session = workshop.session
    return assigned_workshop_id(user, session.pk) == workshop.pk and user.has_perm(
        "rooms.view_room", session.room
    )


rules.add_perm("workshops.facilitate_breakout", facilitates_this_breakout)
rules.add_perm("workshops.enter_breakout", facilitates_this_breakout | assigned_to_this_running_breakout)

# -- a workshop


@rules.predicate
def member_of_workshop(user, workshop) -> bool:
    return assigned_workshop_id(user, workshop.session_id) == workshop.pk and user.has_perm(
        "rooms.view_room", workshop.session.room
    )


@rules.predicate
def facilitates_workshop(user, workshop) -> bool:
    return facilitates_this_breakout(user, workshop.room)


@rules.predicate
def workshop_session_running(user, workshop) -> bool:
    return workshop.session.is_running


@rules.predicate
def workshop_session_started(user, workshop) -> bool:
    return workshop.session.round > 0


rules.add_perm("workshops.ask_help", member_of_workshop & workshop_session_running)
rules.add_perm("workshops.edit_notes", facilitates_workshop | (member_of_workshop & workshop_session_running))
rules.add_perm("workshops.edit_report", facilitates_workshop | (member_of_workshop & workshop_session_started))
rules.add_perm("workshops.view_workshop", facilitates_workshop | member_of_workshop)

# -- a session

rules.add_perm("workshops.prepare_workshops", rules.is_authenticated & runs_the_plenary)
for action in (
    "change_session",  # names, topics, capacities, co-facilitators, settings
    "assign_participants",  # by hand, drawn, from a list; moving people while running
    "open_workshops",
    "close_workshops",
    "set_timer",
    "broadcast_message",
    "visit_workshop",
    "answer_help",
    "view_log",
    "export_outputs",
):
    rules.add_perm(f"workshops.{action}", runs_the_plenary)
rules.add_perm("workshops.listen_in", runs_the_plenary & council_allows_listening_in)
rules.add_perm("workshops.view_session", runs_the_plenary | cofacilitates_a_workshop | may_follow_the_plenary)
rules.add_perm("workshops.see_help_requests", runs_the_plenary | cofacilitates_a_workshop)
# Asked about the person to be named: a co-facilitator runs a workshop's chat and video for
# the council, which a resident (who follows the meeting) does not do anywhere else.
rules.add_perm("workshops.cofacilitate_workshop", may_follow_the_plenary & is_council_member_of_the_meeting)
# Those who run workshops (facilitators, co-facilitators) do not pick one to take part in;
# residents who follow choose only when the session includes them, as in a draw.
rules.add_perm(
    "workshops.choose_workshop",
    may_follow_the_plenary
    & participants_choose
    & (session_is_draft | session_is_open)
    & (is_council_member | followers_included)
    & ~runs_the_plenary
    & ~cofacilitates_a_workshop,
)

# Who a draw places (selectors.assignment_pool) and who arriving late is placed
# (services.late_arrival_place): one rule for both, asked as `takes_part_in_draws.test(user, session)`. Those who run the workshops take part in
# none; residents who follow are placed only when the session includes them.
takes_part_in_draws = (
    may_follow_the_plenary & ~runs_the_plenary & ~cofacilitates_a_workshop & (is_council_member | followers_included)
)

# -- the meeting's agenda and speakers (a room)



@rules.predicate
def may_view_room(user, room) -> bool:
    return user.has_perm("rooms.view_room", room)


@rules.predicate
def moderates_room(user, room) -> bool:
    return user.has_perm("rooms.moderate_room", room)


rules.add_perm("workshops.view_agenda", may_view_room)
rules.add_perm("workshops.manage_agenda", moderates_room)
rules.add_perm("workshops.manage_speakers", moderates_room)


def session_facts_remember(*, users, rooms) -> None:
    """Read what the workshop rules ask about each person, for many people and rooms at once.

    `rooms` are breakout rooms and plenaries: the sessions concerned are those of the
    breakouts and each plenary's current one (council/core/memo.py).
    """
    from council.workshops.selectors import session_shown

    room_ids = [room.pk for room in rooms]
    plenaries = frozenset(room.pk for room in rooms if room.parent_id is None)
    workshops = workshops_of_rooms_remember(room_ids, plenaries=plenaries)
    # session_shown: remembered, so the snapshot (and where a workshop sends a socket) reads it no more
    session_ids = {workshop.session_id for workshop in workshops.values()} | {
        session.pk for plenary_id in plenaries if (session := session_shown(plenary_id=plenary_id))
    }
    remember_facts(users, "workshops.WorkshopSession", session_ids)


def access_session(user, session_id: int, *, perm: str, for_update: bool = False) -> WorkshopSession:
    """Fetch a session and check `perm`; missing and forbidden raise the same AccessDenied."""
    sessions = WorkshopSession.objects.select_related("room__council")
    if for_update:
        sessions = sessions.select_for_update(of=("self",))
    session = sessions.filter(pk=session_id).first()
    with remembered():
        if session is None or not user.has_perm(perm, session):
            raise AccessDenied(perm)
    return session


def access_workshop(user, workshop_id: int, *, perm: str) -> Workshop:
    """Fetch a workshop and check `perm`; missing and forbidden raise the same AccessDenied."""
    workshop = (
        Workshop.objects.select_related("session__room__council", "room")
        .filter(pk=workshop_id)
        .first()
    )
    with remembered():
        if workshop is None or not user.has_perm(perm, workshop):
            raise AccessDenied(perm)
    return workshop
