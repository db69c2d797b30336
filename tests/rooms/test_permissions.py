"""The roles x actions matrix of docs/permissions.md, checked cell by cell against the rules.

The tables are parsed from the document, so the document and the code cannot drift:
a changed rule, a new permission or a cell edited by hand fails here.
"""

import re
from pathlib import Path

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm
from rules.permissions import permissions as registered_permissions

from council.core.errors import AccessDenied
from council.rooms.models import ChatMute
from council.rooms.models import RoomRemoval
from council.rooms.permissions import access_room
from tests.factories import UserFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
MARKER = re.compile(r"<!-- matrix: (?P<state>[a-z ]+) -->")
PERMISSION = re.compile(r"`(?P<perm>[a-z]+\.[a-z_]+)`")
CELL_VALUES = {"yes": True, "no": False}
DOCUMENTED_APPS = ("rooms.", "councils.")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_matrix(text: str) -> list[tuple[str, str, str, str, bool]]:
    """Return (state, role, permission, object kind, allowed) for every cell of every table."""
    cases = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        marker = MARKER.fullmatch(line.strip())
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
            person = user_with_role("resident", council)
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
    assert len(MATRIX) == 9 * (16 + 5 + 2 + 2)


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
    assert str(forbidden.value) == str(missing.value) == "rooms.view_room"
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
