"""Who may manage a participatory budget, see it, and cast a budget ballot."""

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.core.permissions import predicate
from council.councils.permissions import has_council_role
from council.councils.permissions import is_council_administrator
from council.councils.permissions import is_council_facilitator
from council.groups.permissions import is_eligible


@predicate
def budget_in_vote_phase(user: User | AnonymousUser, budget: Any) -> bool:
    return isinstance(budget, Budget) and budget.phase() == Budget.Phase.VOTE


@predicate
def budget_is_draft(user: User | AnonymousUser, budget: Any) -> bool:
    return isinstance(budget, Budget) and budget.phase() == Budget.Phase.DRAFT


rules.add_perm("budgeting.manage_budget", is_council_facilitator)
rules.add_perm("budgeting.view_budget", is_council_facilitator | (has_council_role & ~budget_is_draft))
rules.add_perm("budgeting.cast_ballot", has_council_role & budget_in_vote_phase & is_eligible)


@predicate
def budget_vote_is_over(user: User | AnonymousUser, budget: Any) -> bool:
    return isinstance(budget, Budget) and budget.phase() == Budget.Phase.RESULTS


@predicate
def budget_results_are_published(user: User | AnonymousUser, budget: Any) -> bool:
    if not isinstance(budget, Budget):
        return False
    result = BudgetResult.objects.filter(budget=budget).only("status", "published_at").first()
    return result is not None and result.is_published


@predicate
def runs_the_meeting(user: User | AnonymousUser, announcement: Any) -> bool:
    """The facilitators of the meeting where the results are announced (rooms' own rule)."""
    return user.is_authenticated and user.has_perm("rooms.moderate_room", announcement.room)


@predicate
def may_tell_the_announced_results(user: User | AnonymousUser, announcement: Any) -> bool:
    """Published results, or an official who may publish them (announcing is publishing them)."""
    budget = announcement.budget
    return budget_results_are_published(user, budget) or user.has_perm("budgeting.publish_results", budget)


# results: computed and published by officials once the vote is over; public once published
rules.add_perm("budgeting.compute_results", is_council_facilitator & budget_vote_is_over)
rules.add_perm("budgeting.publish_results", is_council_facilitator & budget_vote_is_over)
rules.add_perm("budgeting.view_results", is_council_facilitator | budget_results_are_published)
rules.add_perm("budgeting.edit_follow_up", is_council_facilitator & budget_results_are_published)
# importing a Pabulib file creates a budget with its ballots: the council's administrators
rules.add_perm("budgeting.import_budget", is_council_administrator)
rules.add_perm("budgeting.export_budget", is_council_facilitator)
rules.add_perm("budgeting.announce_results", runs_the_meeting & may_tell_the_announced_results)
