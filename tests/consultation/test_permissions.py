"""Who may read, take part in and moderate a consultation: the "Consultations" tables of docs/permissions.md."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from rules.permissions import permissions as registered_permissions

from council.consultation.models import Contribution
from council.consultation.permissions import access_consultation
from council.core.errors import AccessDenied
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from tests.factories import UserFactory
from tests.rooms.test_permissions import DOC
from tests.rooms.test_permissions import parse_matrix

MARKER = re.compile(r"<!-- consultation matrix: (?P<state>[a-z ]+) -->")
MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), MARKER)
STATES = ("draft", "information", "contributions", "questionnaire", "results", "hidden")


@pytest.fixture
def people_and_objects(council, moderator, user_with_role, make_consultation):
    """Return a maker of (person of each column, {"consultation", "contribution"}) in a state."""
    group = NeighbourhoodGroup.objects.create(council=council, name="Riverains")
    member_of_group, author = user_with_role("resident", council), user_with_role("resident", council)
    for person in (member_of_group, author):
        Membership.objects.create(group=group, user=person, status=Membership.Status.ACTIVE)
    people = {
        "administrator": user_with_role("administrator", council),
        "facilitator": moderator,
        "member": user_with_role("member", council),
        "resident": user_with_role("resident", council),
        "group member": member_of_group,
        "author": author,
        "outsider": UserFactory(),
        "visitor": AnonymousUser(),
    }

    def make(state: str):
        phase = "contributions" if state in ("draft", "hidden") else state
        consultation = make_consultation(phase=phase, groups=[group], published=state != "draft")
        contribution = Contribution.objects.create(
            consultation=consultation, author=author, title="Idée", body="Texte", hidden=state == "hidden",
            hidden_reason="Hors sujet" if state == "hidden" else "",
        )
        return people, {"consultation": consultation, "contribution": contribution}

    return make


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "role", "perm", "on", "allowed"), MATRIX, ids=[f"{s}-{r}-{p}" for s, r, p, _o, _a in MATRIX])
def test_matrix_cell(state, role, perm, on, allowed, people_and_objects):
    people, objects = people_and_objects(state)

    assert people[role].has_perm(perm, objects[on]) is allowed


def test_every_consultation_permission_and_state_is_in_the_tables():
    registered = {name for name in registered_permissions if name.startswith("consultation.")}

    assert {perm for _s, _r, perm, _o, _a in MATRIX} == registered
    assert {state for state, *_ in MATRIX} == set(STATES)
    assert len(MATRIX) == (5 * 13 + 3) * 8


@pytest.mark.django_db
def test_access_consultation_says_the_same_for_missing_and_forbidden(make_consultation, resident):
    draft = make_consultation(published=False)

    with pytest.raises(AccessDenied) as forbidden:
        access_consultation(resident, draft.pk)
    with pytest.raises(AccessDenied) as missing:
        access_consultation(resident, draft.pk + 1000)

    assert forbidden.value.message == missing.value.message
