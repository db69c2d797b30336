"""The roles x actions matrices of docs/permissions.md, checked cell by cell against the rules.

The tables are parsed from the document, so the document and the code cannot drift:
a changed rule, a new permission or a cell edited by hand fails here. Rooms and
councils have one set of tables (`<!-- matrix: … -->`), groups another
(`<!-- groups matrix: … -->`), workshops a third (`<!-- workshops matrix: … -->`),
each with its own columns.
"""

import re
from pathlib import Path

import pytest
import rules
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from guardian.shortcuts import assign_perm
from rules.permissions import permissions as registered_permissions

from council.core.errors import AccessDenied
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.rooms.models import ChatMute
from council.rooms.models import RoomRemoval
from council.rooms.permissions import access_room
from council.workshops import services
from council.workshops.models import WorkshopSession
from tests.factories import UserFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
MARKER = re.compile(r"<!-- matrix: (?P<state>[a-z ]+) -->")
GROUPS_MARKER = re.compile(r"<!-- groups matrix: (?P<state>[a-z ]+) -->")
PERMISSION = re.compile(r"`(?P<perm>[a-z]+\.[a-z_]+)`")
CELL_VALUES = {"yes": True, "no": False}
DOCUMENTED_APPS = ("rooms.", "councils.", "verifications.")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_matrix(
    text: str, marker_pattern: re.Pattern = MARKER
) -> list[tuple[str, str, str, str, bool]]:
    """Return (state, role, permission, object kind, allowed) for every cell of every table."""
    cases = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        marker = marker_pattern.fullmatch(line.strip())
        if not marker:
            continue
        header = _cells(lines[index + 1])
        assert header[:2] == ["action", "on"], f"table after {line!r} must start with action | on"
        roles = header[2:]
        for row in lines[index + 3 :]:
            if not row.startswith("|"):
                break
            action, on, *values = _cells(row)
            assert len(values) == len(roles), (
                f"row {row!r} has {len(values)} cells for {len(roles)} roles"
            )
            perm = PERMISSION.match(action).group("perm")
            for role, value in zip(roles, values, strict=True):
                cases.append((marker.group("state"), role, perm, on, CELL_VALUES[value]))
    return cases


MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"))
ROLES = sorted({role for _state, role, *_ in MATRIX})


def _documented(state: str) -> set[str]:
    return {perm for case_state, _role, perm, _on, _allowed in MATRIX if case_state == state}


@pytest.fixture
def subject(room, user_with_role):
    """Return a maker of the person a column of the matrix describes, in `room`."""
    council = room.council

    def make(role: str):
        if role == "visitor":
            return AnonymousUser()
        if role == "outsider":
            return UserFactory()
        if role == "room facilitator grant":
            person = user_with_role("member", council)
            assign_perm("rooms.facilitate_room", person, room)
            return person
        if role == "muted member":
            person = user_with_role("member", council)
            ChatMute.objects.create(room=room, user=person)
            return person
        if role == "removed member":
            person = user_with_role("member", council)
            RoomRemoval.objects.create(room=room, user=person)
            return person
        return user_with_role(role, council)

    return make


def _put_in_state(room, state: str) -> None:
    if state == "locked":
        room.is_locked = True
        room.save(update_fields=["is_locked"])
    elif state == "chat open":
        room.residents_can_chat = True
        room.save(update_fields=["residents_can_chat"])
    elif state == "registration closed":
        room.council.open_registration = False
        room.council.save(update_fields=["open_registration"])
    else:
        assert state == "default", f"unknown state {state!r} in docs/permissions.md"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "role", "perm", "on", "allowed"),
    MATRIX,
    ids=[f"{state}-{role}-{perm}" for state, role, perm, _on, _allowed in MATRIX],
)
def test_matrix_cell(state, role, perm, on, allowed, room, subject):
    _put_in_state(room, state)
    person = subject(role)
    target = {"room": room, "council": room.council}[on]

    assert person.has_perm(perm, target) is allowed


def test_matrix_has_every_column_and_state():
    expected = sorted(
        [
            "administrator",
            "facilitator",
            "member",
            "resident",
            "outsider",
            "room facilitator grant",
            "muted member",
            "removed member",
            "visitor",
        ]
    )
    assert expected == ROLES
    assert {state for state, *_ in MATRIX} == {
        "default",
        "locked",
        "chat open",
        "registration closed",
    }
    assert len(MATRIX) == 9 * (25 + 5 + 2 + 2)


@pytest.mark.parametrize("perm", sorted({perm for _s, _r, perm, _o, _a in MATRIX}))
def test_perm_exists(perm):
    assert rules.perm_exists(perm)


def test_every_rooms_and_councils_permission_is_documented():
    registered = {name for name in registered_permissions if name.startswith(DOCUMENTED_APPS)}

    assert registered == _documented("default")


@pytest.mark.django_db
def test_access_room_says_the_same_for_missing_and_forbidden(room, user_with_role):
    outsider = UserFactory()
    member = user_with_role("member", room.council)

    with pytest.raises(AccessDenied) as forbidden:
        access_room(outsider, room.pk)
    with pytest.raises(AccessDenied) as missing:
        access_room(member, room.pk + 1000)

    assert (forbidden.value.code, missing.value.code) == ("forbidden", "forbidden")
    assert forbidden.value.perm == missing.value.perm == "rooms.view_room"
    with translation.override("fr"):  # told in words, the same for both
        assert forbidden.value.message == missing.value.message == "Cette salle n’existe pas ou ne vous est pas ouverte."  # noqa: RUF001
    assert access_room(member, room.pk) == room


@pytest.mark.django_db
def test_room_facilitator_grant_is_for_that_room_only(room, room_factory, user_with_role):
    other_room = room_factory(council=room.council)
    person = user_with_role("member", room.council)
    assign_perm("rooms.facilitate_room", person, room)

    assert person.has_perm("rooms.moderate_room", room)
    assert not person.has_perm("rooms.moderate_room", other_room)
    assert not person.has_perm("rooms.create_room", room.council)


@pytest.mark.django_db
def test_a_role_in_one_council_gives_nothing_in_another(room, room_factory, user_with_role):
    elsewhere = room_factory()
    administrator = user_with_role("administrator", room.council)

    assert administrator.has_perm("rooms.moderate_room", room)
    assert not administrator.has_perm("rooms.view_room", elsewhere)
    assert not administrator.has_perm("rooms.moderate_room", elsewhere)
    assert not administrator.has_perm("councils.manage_roles", elsewhere.council)
    assert administrator.has_perm("councils.join_council", elsewhere.council)


# Groups and segments: a second set of tables, about a group in four states.

GROUPS_MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), GROUPS_MARKER)
GROUP_STATES = {
    "invitation only": (NeighbourhoodGroup.Kind.STATIC, NeighbourhoodGroup.JoinPolicy.INVITATION),
    "open": (NeighbourhoodGroup.Kind.STATIC, NeighbourhoodGroup.JoinPolicy.OPEN),
    "on request": (NeighbourhoodGroup.Kind.STATIC, NeighbourhoodGroup.JoinPolicy.REQUEST),
    "segment": (NeighbourhoodGroup.Kind.SEGMENT, NeighbourhoodGroup.JoinPolicy.INVITATION),
}
#: the segment of the tables: people with a verified e-mail address
SEGMENT_RULE = {"field": "verification", "op": "in", "value": ["email"]}


def _group_in_state(council, state: str) -> NeighbourhoodGroup:
    assert state in GROUP_STATES, f"unknown groups state {state!r} in docs/permissions.md"
    kind, join_policy = GROUP_STATES[state]
    return NeighbourhoodGroup.objects.create(
        council=council,
        name=f"Groupe ({state})",
        kind=kind,
        join_policy=join_policy,
        rule=SEGMENT_RULE if kind == NeighbourhoodGroup.Kind.SEGMENT else {},
    )


def _group_subject(role: str, group: NeighbourhoodGroup, user_with_role):
    """The person a column of the groups tables describes, for `group`."""
    council = group.council
    if role == "visitor":
        return AnonymousUser()
    if role == "outsider":
        return UserFactory()
    if role == "coordinator":
        person = user_with_role("member", council)
        Membership.objects.create(
            group=group, user=person, status=Membership.Status.ACTIVE, is_coordinator=True
        )
        assign_perm("groups.coordinate_group", person, group)
        return person
    if role == "group member":
        person = user_with_role("resident", council)
        if group.kind == NeighbourhoodGroup.Kind.SEGMENT:
            EmailAddress.objects.create(
                user=person, email=person.email, verified=True, primary=True
            )
        else:
            Membership.objects.create(group=group, user=person, status=Membership.Status.ACTIVE)
        return person
    if role == "invited resident":
        person = user_with_role("resident", council)
        Membership.objects.create(group=group, user=person, status=Membership.Status.INVITED)
        return person
    return user_with_role(role, council)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "role", "perm", "on", "allowed"),
    GROUPS_MATRIX,
    ids=[f"{state}-{role}-{perm}" for state, role, perm, _on, _allowed in GROUPS_MATRIX],
)
def test_groups_matrix_cell(state, role, perm, on, allowed, council, user_with_role):
    group = _group_in_state(council, state)
    person = _group_subject(role, group, user_with_role)
    target = {"group": group, "council": council}[on]

    assert person.has_perm(perm, target) is allowed


def test_groups_matrix_has_every_column_and_state():
    static_columns = [
        "administrator",
        "facilitator",
        "member",
        "resident",
        "outsider",
        "coordinator",
        "group member",
        "invited resident",
        "visitor",
    ]
    segment_columns = [
        "administrator",
        "facilitator",
        "member",
        "resident",
        "outsider",
        "group member",
        "visitor",
    ]
    columns: dict[str, list[str]] = {}
    for state, role, *_ in GROUPS_MATRIX:
        if role not in columns.setdefault(state, []):
            columns[state].append(role)

    assert columns == {
        "invitation only": static_columns,
        "open": static_columns,
        "on request": static_columns,
        "segment": segment_columns,
    }
    assert len(GROUPS_MATRIX) == 9 * 16 + 9 * 2 + 9 * 2 + 7 * 11


def test_every_groups_permission_is_documented():
    registered = {name for name in registered_permissions if name.startswith("groups.")}
    documented = {perm for state, _r, perm, _o, _a in GROUPS_MATRIX if state == "invitation only"}
    on_groups = {perm for _s, _r, perm, on, _a in GROUPS_MATRIX if on == "group"}
    in_segment_table = {perm for state, _r, perm, _o, _a in GROUPS_MATRIX if state == "segment"}

    assert registered == documented
    assert in_segment_table == on_groups  # every action on a group is stated for segments too


@pytest.mark.parametrize("perm", sorted({perm for _s, _r, perm, _o, _a in GROUPS_MATRIX}))
def test_groups_perm_exists(perm):
    assert rules.perm_exists(perm)


# Workshops: a third set of tables, about a session of two workshops in seven states.

WORKSHOPS_MARKER = re.compile(r"<!-- workshops matrix: (?P<state>[a-z ]+) -->")
WORKSHOPS_MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), WORKSHOPS_MARKER)
WORKSHOPS_COLUMNS = [
    "administrator",
    "facilitator",
    "member",
    "resident",
    "outsider",
    "co-facilitator of this workshop",
    "member of this workshop",
    "member of another workshop",
    "visitor",
]
#: state -> (the session's options when prepared, what happens once the subject is in place)
WORKSHOP_STATES = {
    "in preparation": ({}, []),
    "open": ({}, ["open"]),
    "closing": ({}, ["open", "close with countdown"]),
    "closed": ({}, ["open", "close"]),
    "participants choose": ({"mode": "choice"}, []),
    "followers included": ({"mode": "choice", "include_followers": True}, []),
    "listening in allowed": ({}, ["allow listening in", "open"]),
}


def _workshop_subject(role: str, session, user_with_role):
    """The person a column of the workshops tables describes; "this workshop" is the first."""
    council = session.room.council
    this, other = session.workshops.all()
    if role == "visitor":
        return AnonymousUser()
    if role == "outsider":
        return UserFactory()
    if role == "co-facilitator of this workshop":
        person = user_with_role("member", council)
        services.cofacilitator_set(actor=session.created_by, workshop_id=this.pk, user_id=person.pk)
        return person
    if role in ("member of this workshop", "member of another workshop"):
        person = user_with_role("member", council)
        workshop = this if role == "member of this workshop" else other
        services.assignment_set(
            actor=session.created_by,
            session_id=session.pk,
            user_id=person.pk,
            workshop_id=workshop.pk,
        )
        return person
    return user_with_role(role, council)


def _workshops_in_state(session, steps: list[str]):
    facilitator = session.created_by
    for step in steps:
        if step == "open":
            services.session_open(actor=facilitator, session_id=session.pk)
        elif step == "close":
            services.session_close(actor=facilitator, session_id=session.pk, grace_seconds=0)
        elif step == "close with countdown":
            services.session_close(actor=facilitator, session_id=session.pk, grace_seconds=60)
        else:
            assert step == "allow listening in"
            session.room.council.workshops_allow_listening_in = True
            session.room.council.save(update_fields=["workshops_allow_listening_in"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "role", "perm", "on", "allowed"),
    WORKSHOPS_MATRIX,
    ids=[f"{state}-{role}-{perm}" for state, role, perm, _on, _allowed in WORKSHOPS_MATRIX],
)
def test_workshops_matrix_cell(state, role, perm, on, allowed, room, user_with_role):
    assert state in WORKSHOP_STATES, f"unknown workshops state {state!r} in docs/permissions.md"
    options, steps = WORKSHOP_STATES[state]
    facilitator = user_with_role("facilitator", room.council)
    session = services.session_create(
        actor=facilitator,
        room_id=room.pk,
        title="Ateliers",
        workshops=[{"name": "Cet atelier"}, {"name": "Un autre atelier"}],
        **options,
    )
    person = _workshop_subject(role, session, user_with_role)
    _workshops_in_state(session, steps)
    session = WorkshopSession.objects.select_related("room__council").get(pk=session.pk)
    this_workshop = session.workshops.select_related("room").first()
    target = {
        "session": session,
        "workshop": this_workshop,
        "breakout": this_workshop.room,
        "plenary": session.room,
    }[on]

    assert person.has_perm(perm, target) is allowed


def test_workshops_matrix_has_every_column_and_state():
    columns: dict[str, list[str]] = {}
    for state, role, *_ in WORKSHOPS_MATRIX:
        if role not in columns.setdefault(state, []):
            columns[state].append(role)

    assert columns == dict.fromkeys(WORKSHOP_STATES, WORKSHOPS_COLUMNS)
    assert len(WORKSHOPS_MATRIX) == 9 * (28 + 11 + 4 + 7 + 1 + 1 + 2)


def test_every_workshops_permission_is_documented():
    registered = {name for name in registered_permissions if name.startswith("workshops.")}
    documented = {
        perm
        for state, _r, perm, _o, _a in WORKSHOPS_MATRIX
        if state == "in preparation" and perm.startswith("workshops.")
    }

    assert registered == documented


@pytest.mark.parametrize("perm", sorted({perm for _s, _r, perm, _o, _a in WORKSHOPS_MATRIX}))
def test_workshops_perm_exists(perm):
    assert rules.perm_exists(perm)
