"""The "Live polls" tables of docs/permissions.md, checked cell by cell against the rules."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm
from rules.permissions import permissions as registered_permissions

from council.rooms.models import RoomRemoval
from council.voting.polls.models import Poll
from tests.factories import UserFactory
from tests.rooms.test_permissions import DOC
from tests.rooms.test_permissions import parse_matrix

pytestmark = pytest.mark.django_db

MARKER = re.compile(r"<!-- polls matrix: (?P<state>[a-z ]+) -->")
MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), MARKER)
STATES = {
    "in preparation": ("draft", "live"),
    "open live": ("open", "live"),
    "open hidden": ("open", "hidden"),
    "closed hidden": ("closed", "hidden"),
}


def _person(role, room, user_with_role):
    if role == "visitor":
        return AnonymousUser()
    if role == "outsider":
        return UserFactory()
    if role == "room facilitator grant":
        person = user_with_role("member", room.council)
        assign_perm("rooms.facilitate_room", person, room)
        return person
    if role == "removed member":
        person = user_with_role("member", room.council)
        RoomRemoval.objects.create(room=room, user=person)
        return person
    return user_with_role(role, room.council)


@pytest.mark.parametrize(
    ("state", "role", "perm", "on", "allowed"), MATRIX, ids=[f"{s}-{r}-{p}" for s, r, p, _o, _a in MATRIX]
)
def test_matrix_cell(state, role, perm, on, allowed, room, user_with_role):
    status, visibility = STATES[state]
    poll = Poll.objects.create(room=room, question="Q ?", kind="yes_no", status=status, visibility=visibility)
    person = _person(role, room, user_with_role)

    assert on == "poll"
    assert person.has_perm(perm, Poll.objects.get(pk=poll.pk)) is allowed


def test_every_polls_permission_is_documented_and_every_state_checked():
    registered = {name for name in registered_permissions if name.startswith("polls.")}
    first_table = {perm for state, _r, perm, _o, _a in MATRIX if state == "in preparation"}
    assert registered == first_table == {"polls.manage_poll", "polls.answer_poll", "polls.see_results"}
    assert {state for state, *_ in MATRIX} == set(STATES)
    assert len(MATRIX) == 8 * (3 + 1 + 1 + 1)
