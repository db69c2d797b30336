"""Budget ballots cast through the service, with every refusal a voter can meet, and the import
of a Pabulib file into budgets, projects and ballots (PostgreSQL)."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from council.accounts.services import verification_record
from council.budgeting.models import BallotChoice
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import Project
from council.budgeting.pabulib import read_pb
from council.budgeting.pabulib import read_pb_file
from council.budgeting.rules import mes_add_one
from council.budgeting.selectors import budget_election
from council.budgeting.selectors import budget_export_pb
from council.budgeting.selectors import budget_results
from council.budgeting.services import ballot_cast
from council.budgeting.services import budget_import_pb
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import Role
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.verifications.models import VerificationUse

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data" / "pabulib"


def _budget(council, **fields) -> Budget:
    now = timezone.now()
    values = {
        "title": "Budget du quartier", "amount": Decimal(100_000), "ballot_kind": Budget.BallotKind.KNAPSACK,
        "vote_starts_at": now - timedelta(days=1), "vote_ends_at": now + timedelta(days=6),
    } | fields
    return Budget.objects.create(council=council, **values)


def _project(budget, title, cost, **fields) -> Project:
    return Project.objects.create(budget=budget, title=title, cost=Decimal(cost), feasibility="feasible", **fields)


@pytest.fixture
def budget(council):
    return _budget(council)


@pytest.fixture
def projects(budget):
    return [_project(budget, "Bancs", 30_000), _project(budget, "Arbres", 50_000), _project(budget, "Fontaine", 40_000)]


@pytest.fixture
def resident(user_with_role, council):
    return user_with_role(Role.RESIDENT, council)


def _refusal(error) -> str:
    return error.value.message


def test_a_resident_casts_a_knapsack_ballot_and_a_double_submit_counts_once(resident, budget, projects):
    ballot_cast(actor=resident, budget_id=budget.pk, choices=[projects[0].pk, projects[1].pk])
    ballot_cast(actor=resident, budget_id=budget.pk, choices=[projects[0].pk, projects[1].pk])

    assert BudgetBallot.objects.filter(budget=budget).count() == 1
    assert sorted(BallotChoice.objects.values_list("project__title", flat=True)) == ["Arbres", "Bancs"]


def test_a_ballot_under_a_requirement_logs_the_verification_used_apart_and_once(resident, budget, projects):
    budget.verification_requirement = {"kinds": ["code", "census"], "mode": "any"}
    budget.save(update_fields=["verification_requirement"])
    verification_record(user=resident, kind="code", council_id=budget.council_id, claims={})

    ballot_cast(actor=resident, budget_id=budget.pk, choices=[projects[0].pk, projects[1].pk])
    ballot_cast(actor=resident, budget_id=budget.pk, choices=[projects[0].pk])  # a change: no second entry

    use = VerificationUse.objects.get()
    assert (use.user, use.target, use.kinds, use.day) == (
        resident, f"budgeting.budget:{budget.pk}", ["code"], timezone.localdate()
    )


def test_casting_again_replaces_the_ballot(resident, budget, projects):
    ballot_cast(actor=resident, budget_id=budget.pk, choices=[projects[0].pk])
    ballot_cast(actor=resident, budget_id=budget.pk, choices=[projects[2].pk])

    assert list(BallotChoice.objects.values_list("project__title", flat=True)) == ["Fontaine"]


def test_a_ballot_over_the_budget_is_refused(resident, budget, projects):
    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=resident, budget_id=budget.pk, choices=[p.pk for p in projects])
    assert _refusal(refused) == "Your projects cost 120000.00, more than the budget of 100000.00."
    assert not BudgetBallot.objects.exists()


def test_too_few_or_too_many_projects_are_refused(resident, council):
    budget = _budget(council, ballot_kind=Budget.BallotKind.APPROVAL, min_projects=2, max_projects=2)
    a, b, c = (_project(budget, name, 10) for name in "abc")
    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=resident, budget_id=budget.pk, choices=[a.pk])
    assert _refusal(refused) == "Choose at least 2 projects."
    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=resident, budget_id=budget.pk, choices=[a.pk, b.pk, c.pk])
    assert _refusal(refused) == "Choose at most 2 projects."


def test_a_knapsack_ballot_must_spend_the_least_share(resident, council):
    budget = _budget(council, min_spent_percent=50)
    small = _project(budget, "Petit", 20_000)
    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=resident, budget_id=budget.pk, choices=[small.pk])
    assert _refusal(refused) == "Choose projects worth at least 50 % of the budget."


def test_a_project_of_another_budget_is_refused(resident, council, budget, projects):
    other = _project(_budget(council, title="Autre"), "Ailleurs", 10)
    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=resident, budget_id=budget.pk, choices=[projects[0].pk, other.pk])
    assert _refusal(refused) == "This project is not part of this budget."


def test_a_project_found_not_feasible_is_not_on_the_ballot(resident, budget, projects):
    projects[0].feasibility = Project.Feasibility.REJECTED
    projects[0].save()
    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=resident, budget_id=budget.pk, choices=[projects[0].pk])
    assert "not feasible" in _refusal(refused)


@pytest.mark.parametrize("days", [-10, 10])
def test_a_ballot_outside_the_vote_phase_is_refused(resident, council, days):
    now = timezone.now()
    budget = _budget(
        council, submission_starts_at=now - timedelta(days=20),
        vote_starts_at=now + timedelta(days=days), vote_ends_at=now + timedelta(days=days + 5) if days > 0 else now - timedelta(days=5),
    )
    project = _project(budget, "Bancs", 10)
    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=resident, budget_id=budget.pk, choices=[project.pk])
    assert _refusal(refused) == "Voting on this budget is not open."


def test_a_resident_outside_the_budgets_groups_is_refused_and_a_member_votes(user_with_role, council, budget, projects):
    zone_group = NeighbourhoodGroup.objects.create(council=council, name="Quartier nord")
    budget.eligible_groups.set([zone_group])
    outsider = user_with_role(Role.RESIDENT, council)
    insider = user_with_role(Role.RESIDENT, council)
    Membership.objects.create(group=zone_group, user=insider, status=Membership.Status.ACTIVE)

    with pytest.raises(AccessDenied) as refused:
        ballot_cast(actor=outsider, budget_id=budget.pk, choices=[projects[0].pk])
    assert "open only to the members of its groups" in _refusal(refused)
    ballot_cast(actor=insider, budget_id=budget.pk, choices=[projects[0].pk])
    assert BudgetBallot.objects.get().voter == insider


def test_someone_of_another_council_sees_no_budget(user_with_role, council_factory, budget, projects):
    stranger = user_with_role(Role.RESIDENT, council_factory())
    with pytest.raises(AccessDenied):
        ballot_cast(actor=stranger, budget_id=budget.pk, choices=[projects[0].pk])


def test_cumulative_points_are_bounded(resident, council):
    budget = _budget(council, ballot_kind=Budget.BallotKind.CUMULATIVE, max_points=5)
    a, b = _project(budget, "a", 10), _project(budget, "b", 10)
    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=resident, budget_id=budget.pk, choices={a.pk: 4, b.pk: 2})
    assert _refusal(refused) == "You have 5 points to give, no more."
    ballot_cast(actor=resident, budget_id=budget.pk, choices={a.pk: 3, b.pk: 2})
    assert sorted(BallotChoice.objects.values_list("points", flat=True)) == [2, 3]


def test_a_pabulib_file_imports_and_computes_the_citys_selection(council):
    text = (DATA / "Netherlands_Assen_2024.pb").read_text(encoding="utf-8")
    budget = budget_import_pb(actor=None, council=council, text=text)

    assert budget.projects.count() == 14
    assert budget.ballots.count() == 84
    results = budget_results(budget)
    selected = sorted(int(p.external_id) for p in results[Budget.Rule.MES_ADD_ONE])
    assert selected == [2, 3, 5, 6, 9, 11, 12, 13, 14]  # the selection Assen made
    # the same election as the file's, hence the same export
    assert read_pb(budget_export_pb(budget)) == read_pb(text)


@pytest.mark.parametrize("name", ["France_Toulouse_2019.pb", "Poland_Krakow_2018_Wzgorza_Krzeslawickie.pb"])
def test_cumulative_and_ordinal_files_import_as_the_same_election(council, name):
    pb = read_pb_file(DATA / name)
    budget = budget_import_pb(actor=None, council=council, text=(DATA / name).read_text(encoding="utf-8"))
    instance, profile, projects = budget_election(budget)
    by_file = mes_add_one(pb.instance(), pb.profile()).selected
    by_import = [projects[pid].external_id for pid in mes_add_one(instance, profile).selected]
    assert by_import == by_file
    assert read_pb(budget_export_pb(budget)) == pb


def test_a_malformed_file_imports_nothing_and_says_where(council):
    text = (DATA / "Netherlands_Assen_2024.pb").read_text(encoding="utf-8").replace("\n3;7200;", "\n3;sept mille;", 1)
    with pytest.raises(InvalidInput) as refused:
        budget_import_pb(actor=None, council=council, text=text)
    assert _refusal(refused) == "Line 20 of the file: project 3: cost 'sept mille' is not a non-negative number"
    assert not Budget.objects.exists()
    assert not Project.objects.exists()


def test_an_import_failing_half_way_leaves_nothing(council):
    # the file parses, but a cost has three decimals: the budget row was already written
    text = (DATA / "Netherlands_Assen_2024.pb").read_text(encoding="utf-8").replace("\n3;7200;", "\n3;7200.125;", 1)
    with pytest.raises(InvalidInput) as refused:
        budget_import_pb(actor=None, council=council, text=text)
    assert _refusal(refused) == "project 3: more than two decimals."
    assert not Budget.objects.exists()


def test_only_officials_import(user_with_role, council):
    member = user_with_role(Role.MEMBER, council)
    with pytest.raises(AccessDenied):
        budget_import_pb(actor=member, council=council, text="META\n")


@pytest.mark.parametrize(("latitude", "longitude"), [(-91, 0), (90.5, 0), (0, 180.5), (0, -181), (45, None), (None, 4)])
def test_the_database_refuses_a_project_placed_off_earth_or_by_half(projects, latitude, longitude):
    from django.db import IntegrityError
    from django.db import transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=projects[0].pk).update(latitude=latitude, longitude=longitude)
    Project.objects.filter(pk=projects[0].pk).update(latitude=-90, longitude=180)  # the edge is on Earth
