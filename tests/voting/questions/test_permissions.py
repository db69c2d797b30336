"""The Q&A table of docs/permissions.md, checked cell by cell against the rules."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm
from rules.permissions import permissions as registered_permissions

from council.rooms.models import ChatMute
from council.rooms.models import RoomRemoval
from tests.factories import UserFactory
from tests.rooms.test_permissions import DOC
from tests.rooms.test_permissions import parse_matrix

MARKER = re.compile(r"<!-- questions matrix: (?P<state>[a-z ]+) -->")
MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), MARKER)


def _person(role, room, user_with_role):
    council = room.council
    if role == "visitor":
        return AnonymousUser()
    if role == "outsider":
        return UserFactory()
    if role in ("room facilitator grant", "muted member", "removed member"):
        person = user_with_role("member", council)
        if role == "room facilitator grant":
            assign_perm("rooms.facilitate_room", person, room)
        elif role == "muted member":
            ChatMute.objects.create(room=room, user=person)
        else:
            RoomRemoval.objects.create(room=room, user=person)
        return person
    return user_with_role(role, council)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "role", "perm", "on", "allowed"),
    MATRIX,
    ids=[f"{state}-{role}-{perm}" for state, role, perm, _on, _allowed in MATRIX],
)
def test_questions_matrix_cell(state, role, perm, on, allowed, room, user_with_role):
    assert (state, on) == ("default", "room")
    person = _person(role, room, user_with_role)

    assert person.has_perm(perm, room) is allowed


def test_every_questions_permission_is_documented():
    registered = {name for name in registered_permissions if name.startswith("questions.")}

    assert registered == {perm for _s, _r, perm, _o, _a in MATRIX}
    assert len(MATRIX) == 9 * 4
