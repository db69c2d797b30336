"""A draft ballot ("save and finish later") is kept for its voter and counted nowhere: not in
the participation, not by the rules, not in the export, until it is submitted."""

import pytest

from council.budgeting.models import BudgetBallot
from council.budgeting.pabulib import read_pb
from council.budgeting.selectors import ballot_of
from council.budgeting.selectors import budget_election
from council.budgeting.selectors import budget_export_pb
from council.budgeting.selectors import participation_count
from council.budgeting.services import ballot_cast
from council.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def test_drafts_are_counted_by_no_selector_rule_nor_export(budget, projects, voter, user_with_role, council):
    other = user_with_role("resident", council)
    ballot_cast(actor=voter, budget_id=budget.pk, choices=[projects[0].pk])
    ballot_cast(actor=other, budget_id=budget.pk, choices=[projects[1].pk, projects[2].pk], draft=True)

    _instance, profile, _projects = budget_election(budget)
    exported = read_pb(budget_export_pb(budget))

    assert participation_count(budget.pk) == 1
    assert sum(profile.weights) == 1
    assert list(profile.ballots) == [frozenset({str(projects[0].pk)})]  # what every rule reads
    assert [vote["voter_id"] for vote in exported.votes] == [f"u{voter.pk}"]
    assert exported.meta["num_votes"] == "1"
    assert [c.project.title for c in ballot_of(other, budget).chosen] == ["Arbres", "Fontaine"]


def test_a_draft_may_break_the_limits_until_it_is_submitted(budget, projects, voter):
    draft = ballot_cast(actor=voter, budget_id=budget.pk, choices=[p.pk for p in projects], draft=True)

    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=voter, budget_id=budget.pk, choices=[p.pk for p in projects])

    assert draft.is_draft
    assert "more than the budget" in refused.value.message
    assert participation_count(budget.pk) == 0
    assert BudgetBallot.with_drafts.get(pk=draft.pk).is_draft


def test_a_submitted_ballot_is_not_turned_back_into_a_draft(budget, projects, voter):
    ballot_cast(actor=voter, budget_id=budget.pk, choices=[projects[0].pk])

    with pytest.raises(InvalidInput) as refused:
        ballot_cast(actor=voter, budget_id=budget.pk, choices=[projects[1].pk], draft=True)

    assert refused.value.message == "Your ballot is already submitted: change it and submit it again."
    assert participation_count(budget.pk) == 1
    assert [c.project.title for c in ballot_of(voter, budget).chosen] == ["Bancs"]
