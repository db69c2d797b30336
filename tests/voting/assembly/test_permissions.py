"""The "Meeting rules" tables of docs/permissions.md, checked cell by cell."""

import re

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm
from rules.permissions import permissions as registered_permissions

from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.voting.assembly.selectors import rules_get
from tests.factories import UserFactory
from tests.rooms.test_permissions import DOC
from tests.rooms.test_permissions import parse_matrix

MARKER = re.compile(r"<!-- assembly matrix: (?P<state>[a-z ]+) -->")
MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), MARKER)


def _person(role, room, user_with_role):
    if role == "visitor":
        return AnonymousUser()
    if role == "outsider":
        return UserFactory()
    if role == "room facilitator grant":
        person = user_with_role("member", room.council)
        assign_perm("rooms.facilitate_room", person, room)
        return person
    if role == "member not in office":
        return user_with_role("member", room.council)
    return user_with_role(role, room.council)


def _in_state(room, state, person, role):
    meeting_rules = rules_get(council=room.council)
    if state == "no proxies":
        meeting_rules.proxies_allowed = False
    elif state == "group in office":
        group = NeighbourhoodGroup.objects.create(council=room.council, name="En exercice")
        meeting_rules.members_group = group
        if role in ("member", "room facilitator grant"):
            Membership.objects.create(group=group, user=person, status=Membership.Status.ACTIVE)
    else:
        assert state == "default rules", f"unknown assembly state {state!r} in docs/permissions.md"
    meeting_rules.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "role", "perm", "on", "allowed"),
    MATRIX,
    ids=[f"{state}-{role}-{perm}-{on}" for state, role, perm, on, _allowed in MATRIX],
)
def test_matrix_cell(state, role, perm, on, allowed, room, user_with_role):
    person = _person(role, room, user_with_role)
    _in_state(room, state, person, role)

    assert person.has_perm(perm, {"room": room, "council": room.council}[on]) is allowed


def test_every_assembly_permission_is_documented():
    registered = {name for name in registered_permissions if name.startswith("assembly.")}
    documented = {perm for state, _r, perm, _o, _a in MATRIX if state == "default rules"}
    assert registered == documented == {
        "assembly.manage_rules",
        "assembly.run_sitting",
        "assembly.sign_in_people",
        "assembly.give_proxy",
        "assembly.request_vote_mode",
    }


@pytest.mark.parametrize("perm", sorted({perm for _s, _r, perm, _o, _a in MATRIX}))
def test_perm_exists(perm):
    assert rules.perm_exists(perm)
