"""Who may manage, see, vote in and read the results of a vote: the "Binding votes" tables of docs/permissions.md."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from rules.permissions import permissions as registered_permissions

from council.core.errors import AccessDenied
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.voting.ballots import services
from council.voting.ballots.permissions import access_vote
from tests.factories import UserFactory
from tests.rooms.test_permissions import DOC
from tests.rooms.test_permissions import parse_matrix

MARKER = re.compile(r"<!-- ballots matrix: (?P<state>[a-z ]+) -->")
MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), MARKER)
STATES = ("draft", "open", "closed", "published")


@pytest.fixture
def people_and_vote(council, official, user_with_role, make_vote):
    """Return a maker of (person of each column, vote in a state) for a vote restricted to one group."""
    group = NeighbourhoodGroup.objects.create(council=council, name="Conseil des jeunes")
    elector = user_with_role("member", council)
    Membership.objects.create(group=group, user=elector, status=Membership.Status.ACTIVE)
    people = {
        "administrator": user_with_role("administrator", council),
        "facilitator": official,
        "elector": elector,
        "member": user_with_role("member", council),
        "resident": user_with_role("resident", council),
        "outsider": UserFactory(),
        "visitor": AnonymousUser(),
    }

    def make(state: str):
        vote, _electors = make_vote(voters=0, stage="draft" if state == "draft" else "open", eligible_group_ids=[group.pk])
        if state in ("closed", "published"):
            vote = services.vote_close(actor=official, vote_id=vote.pk)
        if state == "published":
            vote = services.vote_publish(actor=official, vote_id=vote.pk)
        return people, vote

    return make


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "role", "perm", "on", "allowed"), MATRIX, ids=[f"{s}-{r}-{p}" for s, r, p, _o, _a in MATRIX])
def test_matrix_cell(state, role, perm, on, allowed, people_and_vote):
    people, vote = people_and_vote(state)

    assert people[role].has_perm(perm, vote) is allowed


def test_every_ballots_permission_and_state_is_in_the_tables():
    registered = {name for name in registered_permissions if name.startswith("ballots.")}

    assert {perm for _s, _r, perm, _o, _a in MATRIX} == registered
    assert {state for state, *_ in MATRIX} == set(STATES)
    assert len(MATRIX) == 4 * 5 * 7


@pytest.mark.django_db
def test_access_vote_says_the_same_for_missing_and_forbidden(make_vote):
    vote, (member, *_rest) = make_vote(stage="draft")

    with pytest.raises(AccessDenied) as forbidden:
        access_vote(member, vote.pk)
    with pytest.raises(AccessDenied) as missing:
        access_vote(member, vote.pk + 1000)

    assert forbidden.value.message == missing.value.message
