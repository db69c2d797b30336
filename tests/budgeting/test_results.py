"""A budget's results: computed by the Celery task (eager here) with its progress, stored, computed
again after new ballots, published by officials only; each voter's share explained on a small
case checked by hand."""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils import translation

from council.budgeting import results
from council.budgeting.explain import results_page
from council.budgeting.models import BallotChoice
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.budgeting.rules import Instance
from council.budgeting.rules import Profile
from council.budgeting.rules import mes_add_one
from council.budgeting.rules import mes_shares
from council.budgeting.selectors import budget_results
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry
from council.councils.models import Role

pytestmark = pytest.mark.django_db

# Five voters, 200 € each (1,000 € / 5); a costs 400, b 500, c 300 (approval, cost satisfaction).
BALLOTS = [["a", "b"], ["a"], ["b", "c"], ["c"], ["a", "c"]]


def test_each_share_is_what_mes_charged_checked_by_hand():
    instance = Instance.of(1000, {"a": 400, "b": 500, "c": 300})
    profile = Profile.approval(BALLOTS)
    outcome = mes_add_one(instance, profile)

    shares = mes_shares(instance, profile, per_voter_budget=outcome.per_voter_budget, selected=outcome.selected)

    # a: its three supporters pay 400/3 each. c: the fifth voter has 200/3 left and pays it all;
    # the two others share the remaining 700/3, 350/3 each. b's supporters hold 150 < 500.
    assert outcome.selected == ["a", "c"]
    assert shares.per_voter_budget == 200
    assert shares.payments == [
        {"a": Fraction(400, 3)},
        {"a": Fraction(400, 3)},
        {"c": Fraction(350, 3)},
        {"c": Fraction(350, 3)},
        {"a": Fraction(400, 3), "c": Fraction(200, 3)},
    ]
    assert shares.payers == {"a": 3, "c": 3}
    assert (shares.funded, shares.completed) == (["a", "c"], [])


def test_a_greedy_completion_is_paid_by_no_share():
    instance = Instance.of(1000, {"a": 400, "b": 500, "c": 300, "d": 250})
    profile = Profile.approval([*BALLOTS, ["d"]])
    # b = 1000/6: a (3 x 400/3 = 400) and c fit; d's single supporter holds 166.67 < 250
    shares = mes_shares(instance, profile, per_voter_budget=Fraction(1000, 6), selected=["a", "c", "d"])

    assert shares.completed == ["d"]
    assert all("d" not in paid for paid in shares.payments)


# -- the service and the task -----------------------------------------------------------------


def _over(council, **fields) -> Budget:
    now = timezone.now()
    values = {
        "title": "Budget du quartier", "amount": Decimal(1000), "ballot_kind": Budget.BallotKind.APPROVAL,
        "vote_starts_at": now - timedelta(days=10), "vote_ends_at": now - timedelta(days=1),
        "rule": Budget.Rule.MES_ADD_ONE,
    } | fields
    return Budget.objects.create(council=council, **values)


@pytest.fixture
def official(user_with_role, council):
    return user_with_role(Role.FACILITATOR, council)


# Three voters choose Arbres and Bancs (500 € each), two choose Composteur (400 €); 1,000 €.
# Greedy: Arbres and Bancs (3 votes each). Equal shares, 200 € each: Arbres costs its three
# supporters 500/3 each, and their 100 € left cannot pay for Bancs; Composteur's two pay 200 each.
# That outcome leaves 100 €, too little for Bancs: add-one stops there.
ELECTION = [["a", "b"], ["a", "b"], ["a", "b"], ["c"], ["c"]]


@pytest.fixture
def voters(user_with_role, council):
    return [user_with_role(Role.RESIDENT, council) for _ in ELECTION]


@pytest.fixture
def budget(council, voters):
    budget = _over(council)
    projects = {
        name: Project.objects.create(budget=budget, title=title, cost=Decimal(cost), feasibility="feasible")
        for name, title, cost in (("a", "Arbres", 500), ("b", "Bancs", 500), ("c", "Composteur", 400))
    }
    for voter, chosen in zip(voters, ELECTION, strict=True):
        _ballot(budget, voter, [projects[name] for name in chosen])
    budget.named = projects
    return budget


def _ballot(budget, voter, projects, **fields):
    ballot = BudgetBallot.objects.create(budget=budget, voter=voter, **fields)
    BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, project=p) for p in projects)
    return ballot


def _compute(official, budget, django_capture_on_commit_callbacks) -> BudgetResult:
    with django_capture_on_commit_callbacks(execute=True):
        results.result_compute_request(actor=official, budget_id=budget.pk)
    return BudgetResult.objects.get(budget=budget)


def test_the_task_stores_every_rule_the_votes_and_the_shares(official, budget, voters, django_capture_on_commit_callbacks):
    result = _compute(official, budget, django_capture_on_commit_callbacks)

    a, b, c = (budget.named[name].pk for name in "abc")
    assert result.status == BudgetResult.Status.DONE
    assert result.selected == {"greedy": [a, b], "mes_add_one": [a, c], "mes_greedy": [a, c]}
    assert result.scores == {str(a): "3", str(b): "3", str(c): "2"}
    assert result.voters == 5
    assert result.mes["per_voter_budget"] == "200"
    assert result.shares[str(voters[0].pk)] == [[a, "500/3"]]
    assert result.shares[str(voters[4].pk)] == [[c, "200"]]
    assert result.mes["payers"] == {str(a): 3, str(c): 2}
    assert result.progress["step"] == result.progress["steps"] == 4
    assert results.result_progress(result)["percent"] == 100
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RESULTS_COMPUTED, target_id=budget.pk).count() == 1


def test_the_progress_counts_the_runs_of_mes(official, budget, django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    original = results._write
    monkeypatch.setattr(results, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(results, "_write", lambda *a, **f: seen.append(dict(f.get("progress", {}))) or original(*a, **f))

    _compute(official, budget, django_capture_on_commit_callbacks)

    steps = [p["step"] for p in seen if p]
    assert steps == sorted(steps)
    assert steps[-1] == 4
    assert any(p.get("runs") == 1 and p["step"] == 3 and p["spent"] == "900" for p in seen)


def test_computing_again_after_a_paper_ballot_replaces_the_result_and_withdraws_it(
    official, budget, django_capture_on_commit_callbacks
):
    first = _compute(official, budget, django_capture_on_commit_callbacks)
    results.result_publish(actor=official, budget_id=budget.pk)
    for number in range(3):
        ballot = BudgetBallot.objects.create(budget=budget, external_voter_id=f"papier-{number}")
        BallotChoice.objects.create(ballot=ballot, project=budget.named["b"])

    second = _compute(official, budget, django_capture_on_commit_callbacks)

    assert second.pk == first.pk
    assert second.run == 2
    assert second.voters == 8
    assert second.selected["mes_add_one"] == [p.pk for p in budget_results(budget)["mes_add_one"]]
    assert not second.is_published
    # the task of the first run, delivered late, stores nothing
    assert results.result_compute(result_id=first.pk, run=1) is None
    assert BudgetResult.objects.get(pk=first.pk).voters == 8


def test_nothing_to_count_is_refused_with_the_reason(official, council):
    empty = _over(council)
    Project.objects.create(budget=empty, title="Seul", cost=10, feasibility="feasible")

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        results.result_compute_request(actor=official, budget_id=empty.pk)

    assert refused.value.message == "No ballot has been cast in this budget: there is nothing to count."
    assert not BudgetResult.objects.filter(budget=empty).exists()


def test_drafts_count_nowhere_in_the_results(official, budget, voters, user_with_role, council, django_capture_on_commit_callbacks):
    """A ballot saved to finish later is neither a voter, a vote nor a share of the results."""
    late = [user_with_role(Role.RESIDENT, council) for _ in range(4)]
    for voter in late:  # four drafts for Bancs would make it win under equal shares
        _ballot(budget, voter, [budget.named["b"]], is_draft=True)

    result = _compute(official, budget, django_capture_on_commit_callbacks)

    a, b, c = (budget.named[name].pk for name in "abc")
    assert result.voters == 5
    assert result.scores == {str(a): "3", str(b): "3", str(c): "2"}
    assert result.selected["mes_add_one"] == [a, c]
    assert not any(str(voter.pk) in result.shares for voter in late)


def test_a_budget_with_drafts_only_has_nothing_to_count(official, council, voters):
    drafts_only = _over(council)
    project = Project.objects.create(budget=drafts_only, title="Seul", cost=10, feasibility="feasible")
    _ballot(drafts_only, voters[0], [project], is_draft=True)

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        results.result_compute_request(actor=official, budget_id=drafts_only.pk)

    assert refused.value.message == "No ballot has been cast in this budget: there is nothing to count."


def test_only_officials_compute_and_publish_and_only_once_the_vote_is_over(
    official, budget, voters, council, django_capture_on_commit_callbacks
):
    with pytest.raises(InvalidInput):
        results.result_publish(actor=official, budget_id=budget.pk)  # nothing computed yet
    _compute(official, budget, django_capture_on_commit_callbacks)
    with pytest.raises(AccessDenied):
        results.result_publish(actor=voters[0], budget_id=budget.pk)
    running = _over(council, vote_ends_at=timezone.now() + timedelta(days=1))
    with pytest.raises(InvalidInput):
        results.result_compute_request(actor=official, budget_id=running.pk)

    published = results.result_publish(actor=official, budget_id=budget.pk)

    assert published.is_published
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RESULTS_PUBLISHED, target_id=budget.pk).count() == 1


def test_a_voter_is_told_how_their_share_was_used_and_nobody_else_is(
    official, budget, voters, django_capture_on_commit_callbacks
):
    result = _compute(official, budget, django_capture_on_commit_callbacks)

    with translation.override("en"):
        mine = results_page(budget, result, user=voters[0]).share
        theirs = results_page(budget, result, user=official).share

    assert mine["summary"] == "Your share: 200\u00a0€. It was spent on Arbres (166.67\u00a0€)."
    assert mine["unspent"] == "33.33\u00a0€"
    assert [item["others"] for item in mine["items"]] == ["fewer than 5"]
    assert theirs is None


def test_the_page_compares_greedy_and_equal_shares(official, budget, django_capture_on_commit_callbacks):
    result = _compute(official, budget, django_capture_on_commit_callbacks)

    with translation.override("en"):
        page = results_page(budget, result, user=official)

    assert [(d["title"], d["kind"]) for d in page.differences] == [("Bancs", "greedy_only"), ("Composteur", "mes_only")]
    assert [row.project.title for row in page.rows] == ["Arbres", "Bancs", "Composteur"]
    assert [row.chosen for row in page.rows] == [True, False, True]


# -- pages --------------------------------------------------------------------------------------


def _url(name, budget, *rest):
    return reverse(f"budgeting:{name}", args=[budget.council.slug, budget.pk, *rest])


def test_the_results_page_is_public_once_published_only(client, official, budget, voters, django_capture_on_commit_callbacks):
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        computed = client.post(_url("results-compute", budget))
    progress = client.get(_url("results-progress", budget)).json()
    client.logout()
    before = client.get(_url("results", budget))
    client.force_login(official)
    client.post(_url("results-publish", budget))
    client.logout()
    after = client.get(_url("results", budget))
    client.force_login(voters[0])
    mine = client.get(_url("results", budget), HTTP_ACCEPT_LANGUAGE="fr").content.decode()  # amounts as in French

    assert computed.status_code == 302
    assert (progress["status"], progress["percent"]) == ("done", 100)
    assert before.status_code == 404
    assert after.status_code == 200
    assert "Composteur" in after.content.decode()
    assert 'id="results-table"' in after.content.decode()
    assert "166,67\u00a0€" in mine


def test_a_resident_cannot_compute_or_follow_progress(client, budget, voters):
    client.force_login(voters[0])

    assert client.post(_url("results-compute", budget)).status_code == 404
    assert client.get(_url("results-progress", budget)).status_code == 404
    assert not BudgetResult.objects.filter(budget=budget).exists()
