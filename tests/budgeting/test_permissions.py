"""The "Participatory budgets" table of docs/permissions.md, checked against the rules."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from council.budgeting.models import Budget
from council.councils.models import Role
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup

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


def _budget(council, group, phase: str) -> Budget:
    now = timezone.now()
    starts = {"draft": None, "vote": now - timedelta(days=1), "results": now - timedelta(days=9)}[phase]
    budget = Budget.objects.create(
        council=council, title="Budget", amount=1000, submission_starts_at=now - timedelta(days=30) if phase != "draft" else None,
        vote_starts_at=starts, vote_ends_at=now - timedelta(days=2) if phase == "results" else now + timedelta(days=5),
    )
    budget.eligible_groups.set([group])
    return budget


@pytest.mark.parametrize("phase", ["draft", "vote", "results"])
def test_who_may_do_what_in_each_phase(council, people, phase):
    group, everyone = people
    budget = _budget(council, group, phase)
    officials = {"administrator inside", "administrator outside", "facilitator inside", "facilitator outside"}
    with_role = {name for name in everyone if name not in ("outsider", "visitor")}
    for name, person in everyone.items():
        assert person.has_perm("budgeting.manage_budget", budget) == (name in officials), name
        assert person.has_perm("budgeting.view_budget", budget) == (
            name in officials or (phase != "draft" and name in with_role)
        ), name
        assert person.has_perm("budgeting.cast_ballot", budget) == (
            phase == "vote" and name.endswith("inside")
        ), name


@pytest.mark.parametrize("phase", ["vote", "results"])
@pytest.mark.parametrize("published", [False, True])
def test_who_may_compute_publish_see_and_follow_up_results(council, people, phase, published):
    from council.budgeting.models import BudgetResult

    group, everyone = people
    budget = _budget(council, group, phase)
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
def test_who_may_announce_results_in_a_meeting(council, people, published, room_factory):
    from guardian.shortcuts import assign_perm

    from council.budgeting.models import BudgetResult
    from council.budgeting.models import ResultsAnnouncement

    group, everyone = people
    budget = _budget(council, group, "results")
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
