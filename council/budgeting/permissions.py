"""Who may manage a participatory budget, read it, propose and review projects, vote, enter
paper ballots, compute, publish, import, export, follow up and announce its results
(docs/permissions.md, "Participatory budgets").

Reading is open to everyone, visitors included, once the budget has left its draft; taking part
needs a role in the council and, when the budget names groups, to be in one of them.
"""

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.core.errors import AccessDenied
from council.core.memo import remembered
from council.core.permissions import predicate
from council.councils.permissions import has_council_role
from council.councils.permissions import is_council_administrator
from council.councils.permissions import is_council_facilitator
from council.groups.permissions import is_eligible
from council.verifications.permissions import meets_requirement_of
from council.youth.permissions import age_allows

VIEW = "budgeting.view_budget"
MANAGE = "budgeting.manage_budget"
PROPOSE = "budgeting.propose_project"
REVIEW = "budgeting.review_project"
CAST = "budgeting.cast_ballot"
ENTER_PAPER = "budgeting.enter_paper_ballot"
VIEW_RESULTS = "budgeting.view_results"
IMPORT = "budgeting.import_budget"


def _budget(obj: Any) -> Budget | None:
    if isinstance(obj, Project):
        return obj.budget
    return obj if isinstance(obj, Budget) else None


def _in_phase(obj: Any, *phases: str) -> bool:
    budget = _budget(obj)
    return budget is not None and budget.phase() in phases


@predicate
def budget_in_vote_phase(user: User | AnonymousUser, budget: Any) -> bool:
    return _in_phase(budget, Budget.Phase.VOTE)


@predicate
def budget_is_draft(user: User | AnonymousUser, budget: Any) -> bool:
    return _in_phase(budget, Budget.Phase.DRAFT)


@predicate
def budget_in_submission_phase(user: User | AnonymousUser, budget: Any) -> bool:
    return _in_phase(budget, Budget.Phase.SUBMISSION)


@predicate
def budget_before_vote(user: User | AnonymousUser, budget: Any) -> bool:
    """Projects are reviewed until the vote opens: the ballot's projects then stay as they are."""
    return _in_phase(budget, Budget.Phase.DRAFT, Budget.Phase.SUBMISSION, Budget.Phase.REVIEW)


@predicate
def is_budget_official(user: User | AnonymousUser, obj: Any) -> bool:
    budget = _budget(obj)
    return budget is not None and bool(is_council_facilitator(user, budget))


@predicate
def is_budget_participant(user: User | AnonymousUser, obj: Any) -> bool:
    """A person of the council in the budget's groups (anyone of the council when it names none),
    of an age it is open to (any age when it names no range)."""
    budget = _budget(obj)
    return budget is not None and bool(
        has_council_role(user, budget) and is_eligible(user, budget) and age_allows(user, budget)
    )


rules.add_perm(MANAGE, is_council_facilitator)
rules.add_perm(VIEW, is_budget_official | ~budget_is_draft)
budget_verified = meets_requirement_of(_budget)  # council/verifications: what the budget requires

rules.add_perm(PROPOSE, budget_in_submission_phase & is_budget_participant & budget_verified)
rules.add_perm(REVIEW, is_budget_official & budget_before_vote)
rules.add_perm(CAST, budget_in_vote_phase & is_budget_participant & budget_verified)
rules.add_perm(ENTER_PAPER, is_budget_official & budget_in_vote_phase)


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
rules.add_perm(VIEW_RESULTS, is_council_facilitator | budget_results_are_published)
rules.add_perm("budgeting.edit_follow_up", is_council_facilitator & budget_results_are_published)
# importing a Pabulib file creates a budget with its ballots: the council's administrators
rules.add_perm(IMPORT, is_council_administrator)
rules.add_perm("budgeting.export_budget", is_council_facilitator)
rules.add_perm("budgeting.announce_results", runs_the_meeting & may_tell_the_announced_results)


def access_budget(
    user: User | AnonymousUser, budget_id: int, *, council_id: int | None = None, perm: str = VIEW, for_update: bool = False
) -> Budget:
    """Fetch a budget (of `council_id` if given; locked with `for_update`, as services write) and
    check `perm`; missing and forbidden raise the same."""
    found = Budget.objects.select_related("council").prefetch_related("eligible_groups")
    if for_update:
        found = found.select_for_update(of=("self",))
    if council_id is not None:
        found = found.filter(council_id=council_id)
    budget = found.filter(pk=budget_id).first()
    with remembered():
        if budget is None or not user.has_perm(perm, budget):
            raise AccessDenied(perm)
    return budget
