"""Computing, storing and publishing a budget's results, and reading them back.

An official asks for the computation (`result_compute_request`) once the vote is over; a Celery
task (`tasks.result_compute`) runs the three rules (greedy by votes, MES with add-one and with
greedy completion), writing its progress as it goes (`result_progress` reads it, for the page
that polls), then stores what each rule selected and, under the budget's rule when it is MES,
what each voter's share paid for. A request made while a computation runs, or after new paper
ballots, starts a new run that replaces the stored result and withdraws its publication: an
official publishes it again (`result_publish`). Both are audited; no ballot is ever.
"""

import logging
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.accounts.models import User
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.budgeting.rules import Progress
from council.budgeting.rules import greedy
from council.budgeting.rules import mes_add_one
from council.budgeting.rules import mes_greedy_completion
from council.budgeting.rules import mes_shares
from council.budgeting.rules import project_scores
from council.budgeting.selectors import budget_election_with_voters
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.permissions import require_perm
from council.councils.models import AuditEntry
from council.councils.services import audit_record

logger = logging.getLogger(__name__)

Status = BudgetResult.Status
#: the steps a computation goes through, for its progress
STEPS = ("greedy", "mes_greedy", "mes_add_one", "shares")
#: progress is written at most this often while MES runs (seconds)
PROGRESS_EVERY = 0.5

#: why a computation failed, told in the reader's language
FAILURES = {
    "no_ballots": gettext_lazy("No ballot has been cast in this budget: there is nothing to count."),
    "no_projects": gettext_lazy("This budget has no project on the ballot."),
    "crashed": gettext_lazy("The computation stopped on an unexpected error; start it again or tell the site's team."),
}


def _access(actor: User, budget_id: int, perm: str) -> Budget:
    """The budget, for an official, once its vote is over (said plainly before that)."""
    budget = Budget.objects.select_for_update().filter(pk=budget_id).first()
    if budget is None or not actor.has_perm("budgeting.manage_budget", budget):
        raise AccessDenied(perm)
    if budget.phase() != Budget.Phase.RESULTS:
        raise InvalidInput(_("The vote on this budget is not over: its results come after it ends."))
    require_perm(actor, perm, budget)
    return budget


def _nothing_to_count(budget: Budget) -> str | None:
    if not budget.projects.exclude(feasibility=Project.Feasibility.REJECTED).exists():
        return "no_projects"
    if not BudgetBallot.objects.filter(budget=budget).exists():
        return "no_ballots"
    return None


@transaction.atomic
def result_compute_request(*, actor: User, budget_id: int) -> BudgetResult:
    """Start computing the budget's results (a new run replacing any stored or running one).

    The stored result is withdrawn from publication; the task is enqueued once this commits.
    Refused with the reason when there is nothing to count.
    """
    budget = _access(actor, budget_id, "budgeting.compute_results")
    failure = _nothing_to_count(budget)
    if failure is not None:
        raise InvalidInput(FAILURES[failure])
    result, _created = BudgetResult.objects.select_for_update().get_or_create(budget=budget)
    result.run += 1
    result.status = Status.QUEUED
    result.progress = {"step": 0, "steps": len(STEPS)}
    result.error = ""
    result.requested_by = actor
    result.requested_at = timezone.now()
    result.published_at = None
    result.published_by = None
    result.save()
    audit_record(actor=actor, action=AuditEntry.Action.RESULTS_COMPUTED, target=budget, details={"run": result.run})
    from council.budgeting.tasks import result_compute as result_compute_task

    result_id, run = result.pk, result.run
    transaction.on_commit(lambda: result_compute_task.delay(result_id, run))
    return result


@transaction.atomic
def result_publish(*, actor: User, budget_id: int) -> BudgetResult:
    """Publish the computed result: the results page and the follow-up become public."""
    budget = _access(actor, budget_id, "budgeting.publish_results")
    result = BudgetResult.objects.select_for_update().filter(budget=budget).first()
    if result is None or result.status != Status.DONE:
        raise InvalidInput(_("Compute the results before publishing them."))
    if result.published_at is None:
        result.published_at = timezone.now()
        result.published_by = actor
        result.save(update_fields=["published_at", "published_by"])
        audit_record(actor=actor, action=AuditEntry.Action.RESULTS_PUBLISHED, target=budget, details={"run": result.run})
    return result


# The computation (run by the Celery task) ------------------------------------------------


def _write(result_id: int, run: int, **fields: Any) -> bool:
    """Write fields of the result if it is still this run's (a newer request wins)."""
    return BudgetResult.objects.filter(pk=result_id, run=run).update(**fields) == 1


def _ratio(value: Any) -> str:
    fraction = Fraction(value)
    return str(fraction.numerator) if fraction.denominator == 1 else f"{fraction.numerator}/{fraction.denominator}"


def _reporter(result_id: int, run: int) -> Callable[[int, Progress | None], None]:
    last = [0.0]

    def report(step: int, mes: Progress | None = None) -> None:
        now = time.monotonic()
        if mes is not None and now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        progress: dict[str, Any] = {"step": step, "steps": len(STEPS)}
        if mes is not None:
            progress |= {"runs": mes.runs, "spent": _ratio(mes.spent), "budget": _ratio(mes.budget)}
        _write(result_id, run, progress=progress)

    return report


def result_compute(*, result_id: int, run: int) -> BudgetResult | None:
    """Compute and store run `run` of a result; a no-op if a newer run replaced it or it is done."""
    result = BudgetResult.objects.select_related("budget").filter(pk=result_id, run=run).first()
    if result is None or result.status in (Status.DONE, Status.FAILED):
        return result
    _write(result_id, run, status=Status.RUNNING)
    budget = result.budget
    failure = _nothing_to_count(budget)
    if failure is not None:
        _write(result_id, run, status=Status.FAILED, error=failure)
        return BudgetResult.objects.get(pk=result_id)
    try:
        fields = _computed(budget, _reporter(result_id, run))
    except Exception:
        logger.exception("Computing the results of budget %s failed", budget.pk)
        _write(result_id, run, status=Status.FAILED, error="crashed")
        raise
    _write(result_id, run, status=Status.DONE, computed_at=timezone.now(), error="", **fields)
    return BudgetResult.objects.get(pk=result_id)


def _computed(budget: Budget, report: Callable[..., None]) -> dict[str, Any]:
    """The stored fields of a result: every rule's selection, the votes, the voters' shares."""
    # A ballot cast while this reads (a paper one, say) may be left out: computing again counts it.
    instance, profile, projects, accounts = budget_election_with_voters(budget)
    pk = {pid: project.pk for pid, project in projects.items()}
    report(1)
    by_greedy = greedy(instance, profile)
    report(2)
    with_greedy_completion = mes_greedy_completion(instance, profile)
    report(3)
    with_add_one = mes_add_one(instance, profile, progress=lambda mes: report(3, mes))
    report(4)
    chosen = {Budget.Rule.MES_ADD_ONE: with_add_one, Budget.Rule.MES_GREEDY: with_greedy_completion}.get(budget.rule)
    mes: dict[str, Any] = {}
    shares: dict[str, Any] = {}
    if chosen is not None:
        replay = mes_shares(instance, profile, per_voter_budget=chosen.per_voter_budget, selected=chosen.selected)
        mes = {
            "per_voter_budget": _ratio(replay.per_voter_budget),
            "funded": [pk[pid] for pid in replay.funded],
            "completed": [pk[pid] for pid in replay.completed],
            "payers": {str(pk[pid]): count for pid, count in replay.payers.items()},
        }
        for account, paid in zip(accounts, replay.payments, strict=True):
            if account is not None:
                shares[str(account)] = [[pk[pid], _ratio(amount)] for pid, amount in paid.items()]
    scores = project_scores(instance, profile)
    return {
        "rule": budget.rule,
        "selected": {
            Budget.Rule.GREEDY: [pk[pid] for pid in by_greedy],
            Budget.Rule.MES_GREEDY: [pk[pid] for pid in with_greedy_completion.selected],
            Budget.Rule.MES_ADD_ONE: [pk[pid] for pid in with_add_one.selected],
        },
        "mes": mes,
        "shares": shares,
        "scores": {str(pk[pid]): _ratio(score) for pid, score in scores.items()},
        "voters": profile.voters,
        "progress": {"step": len(STEPS), "steps": len(STEPS)},
    }


# Reads -------------------------------------------------------------------------------------


def result_get(budget: Budget) -> BudgetResult | None:
    return BudgetResult.objects.filter(budget=budget).first()


def result_progress(result: BudgetResult | None) -> dict[str, Any]:
    """What the officials' page shows while the result is computed (and polls, as JSON)."""
    if result is None:
        return {"status": "none", "percent": 0, "error": ""}
    progress = result.progress or {}
    steps = progress.get("steps") or len(STEPS)
    step = progress.get("step", 0)
    percent = 100 * max(0, step - 1) / steps if step else 0
    if step == 3 and progress.get("budget"):
        # within MES with add-one, how much of the budget the latest run spent
        percent += 100 / steps * min(1, float(Fraction(progress["spent"]) / Fraction(progress["budget"])))
    if result.status == Status.DONE:
        percent = 100
    return {
        "status": result.status,
        "percent": round(percent),
        "step": step,
        "steps": steps,
        "runs": progress.get("runs", 0),
        "error": str(FAILURES.get(result.error, "")) if result.status == Status.FAILED else "",
        "published": result.is_published,
    }
