"""Paper ballots of a budget, entered by officials: each with its number, audited, counted like the others.

A paper ballot carries no account: its number stands for the voter (external_voter_id
"paper-<number>", as in a Pabulib export). The audit names who entered or corrected which
number, when, and the projects before and after: a paper ballot names nobody, and the official
reads its content on the paper anyway.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.budgeting import permissions as perms
from council.budgeting.models import BallotChoice
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.services import check_ballot
from council.budgeting.services import choices_replace
from council.budgeting.services import normalised_choices
from council.budgeting.services import participation_changed_on_commit
from council.core.errors import InvalidInput
from council.core.permissions import require_perm
from council.councils.models import AuditEntry
from council.councils.services import audit_record


def paper_voter_id(number: int) -> str:
    return f"paper-{number}"


def _budget(actor: User, budget_id: int) -> Budget:
    budget = perms.access_budget(actor, budget_id, for_update=True)
    require_perm(actor, perms.ENTER_PAPER, budget)
    return budget


def _number(number: Any) -> int:
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InvalidInput(_("A paper ballot's number is a whole number of at least 1."))
    return number


def _project_ids(ballot: BudgetBallot) -> list[int]:
    return list(BallotChoice.objects.filter(ballot=ballot).order_by("rank", "pk").values_list("project_id", flat=True))


@transaction.atomic
def paper_ballot_enter(*, actor: User, budget_id: int, number: int, choices: Any) -> BudgetBallot:
    """Enter paper ballot `number` as read on the paper; checked like an online ballot."""
    budget = _budget(actor, budget_id)
    number = _number(number)
    chosen = normalised_choices(budget, choices)
    check_ballot(budget, chosen)
    if BudgetBallot.with_drafts.filter(budget=budget, external_voter_id=paper_voter_id(number)).exists():
        raise InvalidInput(
            _("Paper ballot no. %(number)s is already entered: correct it instead.") % {"number": number}
        )
    ballot = BudgetBallot.objects.create(
        budget=budget, external_voter_id=paper_voter_id(number), paper_number=number, entered_by=actor,
        submitted_at=timezone.now(),
    )
    choices_replace(ballot, chosen)
    audit_record(
        actor=actor, action=AuditEntry.Action.BUDGET_PAPER_ENTERED, target=budget,
        details={"number": number, "projects": [pid for pid, _points, _rank in chosen]},
    )
    participation_changed_on_commit(budget.pk)
    return ballot


@transaction.atomic
def paper_ballot_correct(*, actor: User, budget_id: int, number: int, choices: Any) -> BudgetBallot:
    """Correct paper ballot `number` already entered; the audit keeps what it said before."""
    budget = _budget(actor, budget_id)
    number = _number(number)
    ballot = BudgetBallot.objects.select_for_update().filter(budget=budget, paper_number=number).first()
    if ballot is None:
        raise InvalidInput(_("No paper ballot no. %(number)s is entered yet.") % {"number": number})
    chosen = normalised_choices(budget, choices)
    check_ballot(budget, chosen)
    before = _project_ids(ballot)
    choices_replace(ballot, chosen)
    ballot.entered_by = actor
    ballot.submitted_at = timezone.now()
    ballot.save(update_fields=["entered_by", "submitted_at"])
    audit_record(
        actor=actor, action=AuditEntry.Action.BUDGET_PAPER_CORRECTED, target=budget,
        details={"number": number, "before": before, "after": [pid for pid, _points, _rank in chosen]},
    )
    return ballot
