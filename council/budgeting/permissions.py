"""Who may manage a participatory budget, see it, and cast a budget ballot."""

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.budgeting.models import Budget
from council.core.permissions import predicate
from council.councils.permissions import has_council_role
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
