"""The "Participatory budgets" table of docs/permissions.md, checked against the rules."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from guardian.shortcuts import assign_perm

from council.budgeting.models import BudgetResult
from council.budgeting.models import ResultsAnnouncement
from council.councils.models import Role
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from tests.budgeting.conftest import PHASES
from tests.groups.conftest import INSIDE_NORD
from tests.groups.conftest import INSIDE_SUD
from tests.groups.conftest import administrator  # noqa: F401 - fixtures of the zones
from tests.groups.conftest import resident  # noqa: F401
from tests.groups.conftest import segment  # noqa: F401
from tests.groups.conftest import zones  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(user_with_role, council, council_factory):
    group = NeighbourhoodGroup.objects.create(council=council, name="Quartier sud")
    people = {}
    for role in (Role.ADMINISTRATOR, Role.FACILITATOR, Role.MEMBER, Role.RESIDENT):
        inside = user_with_role(role, council)
        Membership.objects.create(group=group, user=inside, status=Membership.Status.ACTIVE)
        people[f"{role.value} inside"] = inside
        people[f"{role.value} outside"] = user_with_role(role, council)
    people["outsider"] = user_with_role(Role.RESIDENT, council_factory())
    people["visitor"] = AnonymousUser()
    return group, people


@pytest.mark.parametrize("phase", PHASES)
def test_who_may_do_what_in_each_phase(council, people, make_budget, phase):
    group, everyone = people
    budget = make_budget(phase, groups=[group])
    officials = {"administrator inside", "administrator outside", "facilitator inside", "facilitator outside"}
    with_role_inside = {name for name in everyone if name.endswith("inside")}
    for name, person in everyone.items():
        assert person.has_perm("budgeting.manage_budget", budget) == (name in officials), name
        assert person.has_perm("budgeting.view_budget", budget) == (name in officials or phase != "draft"), name
        assert person.has_perm("budgeting.propose_project", budget) == (phase == "submission" and name in with_role_inside), name
        assert person.has_perm("budgeting.review_project", budget) == (
            name in officials and phase in ("draft", "submission", "review")
        ), name
        assert person.has_perm("budgeting.cast_ballot", budget) == (phase == "vote" and name in with_role_inside), name
        assert person.has_perm("budgeting.enter_paper_ballot", budget) == (name in officials and phase == "vote"), name


def test_eligibility_by_zone_decides_who_proposes_and_votes(council, make_budget, zones, segment, resident):  # noqa: F811
    north = segment({"field": "zone", "op": "in", "value": ["nord"]}, name="Habitants du nord")
    submission = make_budget("submission", groups=[north])
    vote = make_budget("vote", groups=[north])
    northerner, southerner = resident("resident", at=INSIDE_NORD), resident("resident", at=INSIDE_SUD)

    assert [northerner.has_perm(p, b) for p, b in (("budgeting.propose_project", submission), ("budgeting.cast_ballot", vote))] == [True, True]
    assert [southerner.has_perm(p, b) for p, b in (("budgeting.propose_project", submission), ("budgeting.cast_ballot", vote))] == [False, False]
    assert southerner.has_perm("budgeting.view_budget", vote)


@pytest.mark.parametrize("phase", ["vote", "results"])
@pytest.mark.parametrize("published", [False, True])
def test_who_may_compute_publish_see_and_follow_up_results(council, people, make_budget, phase, published):
    group, everyone = people
    budget = make_budget(phase, groups=[group])
    BudgetResult.objects.create(
        budget=budget, status=BudgetResult.Status.DONE, published_at=timezone.now() if published else None
    )
    officials = {"administrator inside", "administrator outside", "facilitator inside", "facilitator outside"}
    administrators = {"administrator inside", "administrator outside"}
    for name, person in everyone.items():
        official = name in officials
        assert person.has_perm("budgeting.compute_results", budget) == (official and phase == "results"), name
        assert person.has_perm("budgeting.publish_results", budget) == (official and phase == "results"), name
        assert person.has_perm("budgeting.view_results", budget) == (official or published), name
        assert person.has_perm("budgeting.edit_follow_up", budget) == (official and published), name
        assert person.has_perm("budgeting.export_budget", budget) == official, name
        assert person.has_perm("budgeting.import_budget", council) == (name in administrators), name


@pytest.mark.parametrize("published", [False, True])
def test_who_may_announce_results_in_a_meeting(council, people, make_budget, published, room_factory):
    group, everyone = people
    budget = make_budget("results", groups=[group])
    BudgetResult.objects.create(
        budget=budget, status=BudgetResult.Status.DONE, published_at=timezone.now() if published else None
    )
    room = room_factory(council=council)
    assign_perm("rooms.facilitate_room", everyone["member inside"], room)  # runs this meeting only
    announcement = ResultsAnnouncement(room=room, budget=budget)
    officials = {"administrator inside", "administrator outside", "facilitator inside", "facilitator outside"}
    for name, person in everyone.items():
        runs_it = name in officials or name == "member inside"
        assert person.has_perm("budgeting.announce_results", announcement) == (
            runs_it and (published or name in officials)
        ), name
