"""Who may answer a questionnaire and read its results: the "Questionnaires" tables of docs/permissions.md."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from rules.permissions import permissions as registered_permissions

from council.consultation.questionnaires.models import Questionnaire
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from tests.factories import UserFactory
from tests.rooms.test_permissions import DOC
from tests.rooms.test_permissions import parse_matrix

MARKER = re.compile(r"<!-- questionnaire matrix: (?P<state>[a-z ]+) -->")
MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), MARKER)
STATES = {"draft": "questionnaire", "information": "information", "questionnaire": "questionnaire", "results public": "results", "results private": "results"}


@pytest.fixture
def people_and_questionnaire(council, moderator, user_with_role, make_questionnaire):
    group = NeighbourhoodGroup.objects.create(council=council, name="Riverains")
    member_of_group = user_with_role("resident", council)
    Membership.objects.create(group=group, user=member_of_group, status=Membership.Status.ACTIVE)
    people = {
        "administrator": user_with_role("administrator", council),
        "facilitator": moderator,
        "member": user_with_role("member", council),
        "resident": user_with_role("resident", council),
        "group member": member_of_group,
        "outsider": UserFactory(),
        "visitor": AnonymousUser(),
    }

    def make(state: str) -> tuple[dict, Questionnaire]:
        questionnaire = make_questionnaire(
            phase=STATES[state], groups=[group], published=state != "draft", public=state != "results private"
        )
        return people, Questionnaire.objects.select_related("consultation").get(pk=questionnaire.pk)

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("state", sorted(STATES))
def test_matrix(state, people_and_questionnaire):
    """Every cell of one state's table (one set of people and objects per table, not per cell)."""
    people, questionnaire = people_and_questionnaire(state)
    cells = [(role, perm, allowed) for s, role, perm, _on, allowed in MATRIX if s == state]

    assert [(role, perm, people[role].has_perm(perm, questionnaire)) for role, perm, _a in cells] == cells


def test_every_questionnaires_permission_and_state_is_in_the_tables():
    registered = {name for name in registered_permissions if name.startswith("questionnaires.")}

    assert {perm for _s, _r, perm, _o, _a in MATRIX} == registered
    assert {state for state, *_ in MATRIX} == set(STATES)
    assert len(MATRIX) == 5 * 2 * 7
