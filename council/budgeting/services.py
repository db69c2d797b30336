"""Writes of participatory budgeting: cast a budget ballot, import a Pabulib file."""

from collections.abc import Mapping
from collections.abc import Sequence
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.accounts.models import User
from council.budgeting import live
from council.budgeting.models import BallotChoice
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import Project
from council.budgeting.pabulib import PbError
from council.budgeting.pabulib import read_pb
from council.budgeting.permissions import access_budget
from council.budgeting.selectors import contributions_of_council
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.permissions import require_perm
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.services import audit_record
from council.groups.permissions import is_eligible
from council.verifications.permissions import require_perm_verified
from council.verifications.requirements import held_kinds
from council.verifications.requirements import requirement_of
from council.verifications.services import verification_use_record
from council.youth.selectors import age_refusal

Kind = Budget.BallotKind


def normalised_choices(budget: Budget, choices: Any) -> list[tuple[int, int, int | None]]:
    """(project id, points, rank) per chosen project, from what the ballot kind takes:
    a list of project ids (approval, knapsack), ids best first (ranking), or {id: points}."""
    if budget.ballot_kind == Kind.CUMULATIVE:
        if not isinstance(choices, Mapping):
            raise InvalidInput(_("Give points per project."))
        items = []
        for key, points in choices.items():
            if not isinstance(points, int) or isinstance(points, bool) or points < 1:
                raise InvalidInput(_("Points must be whole numbers of at least 1."))
            items.append((key, points))
    else:
        if not isinstance(choices, Sequence) or isinstance(choices, str):
            raise InvalidInput(_("Give a list of projects."))
        items = [(key, 1) for key in choices]
    out = []
    seen = set()
    for position, (key, points) in enumerate(items, start=1):
        try:
            project_id = int(key)
        except (TypeError, ValueError):
            raise InvalidInput(_("Unknown project.")) from None
        if project_id in seen:
            raise InvalidInput(_("A project is chosen twice."))
        seen.add(project_id)
        out.append((project_id, points, position if budget.ballot_kind == Kind.ORDINAL else None))
    return out


def check_ballot(budget: Budget, chosen: list[tuple[int, int, int | None]], *, complete: bool = True) -> None:
    """Refuse, with the reason, a ballot that breaks the budget's rules: a project of another
    budget or not on the ballot, too few or too many projects, over the budget or under its least
    share, too many points. A draft (`complete=False`) is checked only for its projects."""
    projects = {
        p.pk: p
        for p in Project.objects.filter(pk__in=[pid for pid, _points, _rank in chosen])
    }
    for project_id, _points, _rank in chosen:
        project = projects.get(project_id)
        if project is None or project.budget_id != budget.pk:
            raise InvalidInput(_("This project is not part of this budget."))
        if project.feasibility == Project.Feasibility.REJECTED:
            raise InvalidInput(_("“%(title)s” was found not feasible: it is not on the ballot.") % {"title": project.title})
    if not complete:
        return
    count = len(chosen)
    if budget.min_projects is not None and count < budget.min_projects:
        raise InvalidInput(
            ngettext("Choose at least %(count)s project.", "Choose at least %(count)s projects.", budget.min_projects)
            % {"count": budget.min_projects}
        )
    if budget.max_projects is not None and count > budget.max_projects:
        raise InvalidInput(
            ngettext("Choose at most %(count)s project.", "Choose at most %(count)s projects.", budget.max_projects)
            % {"count": budget.max_projects}
        )
    if budget.ballot_kind == Kind.KNAPSACK:
        total = sum((projects[pid].cost for pid, _points, _rank in chosen), Decimal(0))
        if total > budget.amount:
            raise InvalidInput(
                _("Your projects cost %(total)s, more than the budget of %(amount)s.")
                % {"total": total, "amount": budget.amount}
            )
        if budget.min_spent_percent and total * 100 < budget.amount * budget.min_spent_percent:
            raise InvalidInput(
                _("Choose projects worth at least %(percent)s %% of the budget.") % {"percent": budget.min_spent_percent}
            )
    points_given = sum(points for _pid, points, _rank in chosen)
    if budget.ballot_kind == Kind.CUMULATIVE and budget.max_points is not None and points_given > budget.max_points:
        raise InvalidInput(
            ngettext("You have %(count)s point to give, no more.", "You have %(count)s points to give, no more.",
                     budget.max_points)
            % {"count": budget.max_points}
        )


def choices_replace(ballot: BudgetBallot, chosen: list[tuple[int, int, int | None]]) -> None:
    BallotChoice.with_drafts.filter(ballot=ballot).delete()
    BallotChoice.with_drafts.bulk_create(
        BallotChoice(ballot=ballot, project_id=pid, points=points, rank=rank) for pid, points, rank in chosen
    )


@transaction.atomic
def ballot_cast(*, actor: User, budget_id: int, choices: Any, draft: bool = False) -> BudgetBallot:
    """Save `actor`'s ballot in the budget, replacing the one they had (so a double submit counts
    once). Refused with the reason: outside the vote phase, not eligible, or what check_ballot
    refuses. With `draft`, the ballot is kept for later and not counted until submitted; a
    submitted ballot is not turned back into a draft (it would stop counting)."""
    budget = access_budget(actor, budget_id, for_update=True)
    if budget.phase() != Budget.Phase.VOTE:
        raise InvalidInput(_("Voting on this budget is not open."))
    if not is_eligible(actor, budget):
        raise AccessDenied(_("This budget is open only to the members of its groups; you are not one of them."))
    if refusal := age_refusal(actor, budget):
        raise AccessDenied(refusal)
    require_perm_verified(actor, "budgeting.cast_ballot", budget, next_url=budget_url(budget))
    chosen = normalised_choices(budget, choices)
    check_ballot(budget, chosen, complete=not draft)
    existing = BudgetBallot.with_drafts.filter(budget=budget, voter=actor).first()
    if draft and existing is not None and not existing.is_draft:
        raise InvalidInput(_("Your ballot is already submitted: change it and submit it again."))
    newly_counted = not draft and (existing is None or existing.is_draft)
    ballot, _created = BudgetBallot.with_drafts.update_or_create(
        budget=budget, voter=actor, defaults={"submitted_at": timezone.now(), "is_draft": draft}
    )
    choices_replace(ballot, chosen)
    if newly_counted and budget.verification_requirement:  # apart from the ballot, the day only
        requirement = requirement_of(budget)
        verification_use_record(user=actor, council=budget.council, requirement=requirement,
                                target=f"budgeting.budget:{budget.pk}",
                                used=held_kinds(actor, budget.council, requirement.kinds))
    if newly_counted:
        participation_changed_on_commit(budget.pk)
    return ballot


def budget_url(budget: Budget) -> str:
    return reverse("budgeting:budget-detail", kwargs={"council_slug": budget.council.slug, "budget_id": budget.pk})


def participation_changed_on_commit(budget_id: int) -> None:
    """Tell open budget pages the count of submitted ballots, coalesced (council/budgeting/live.py)."""
    transaction.on_commit(lambda: live.announce_soon(budget_id))


def _decimal(text: str, line_hint: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(_("%(what)s: not a number.") % {"what": line_hint}) from None
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(_("%(what)s: more than two decimals.") % {"what": line_hint})
    return value


_KINDS = {"approval": Kind.APPROVAL, "choose-1": Kind.APPROVAL, "cumulative": Kind.CUMULATIVE, "scoring": Kind.CUMULATIVE,
          "ordinal": Kind.ORDINAL}
_VOTE_FIELDS = {"voter_id", "vote", "points"}


@transaction.atomic
def budget_import_pb(*, actor: User | None, council: Council, text: str, title: str = "") -> Budget:
    """A budget with its projects and ballots from a Pabulib file's text; all or nothing. A
    malformed file is refused with its line and the reason (council/budgeting/pabulib.py). Its
    vote is over (the file holds its ballots): its results can be computed at once. Audited."""
    if actor is not None:
        require_perm(actor, "budgeting.import_budget", council)
    try:
        pb = read_pb(text)
    except PbError as error:
        raise InvalidInput(_("Line %(line)s of the file: %(reason)s") % {"line": error.line, "reason": error.reason}) from None
    meta = pb.meta
    held = timezone.now()  # the file's ballots are a vote already held: the budget is in its results phase
    maximum = meta.get("max_length", "")
    minimum = meta.get("min_length", "")
    budget = Budget.objects.create(
        council=council,
        title=title or meta.get("description") or " ".join(filter(None, [meta.get("unit"), meta.get("instance")])) or "Pabulib",
        amount=_decimal(meta["budget"], "budget"),
        currency=(meta.get("currency") or "EUR")[:3],
        ballot_kind=_KINDS[meta["vote_type"]],
        min_projects=int(minimum) if minimum.isdigit() else None,
        max_projects=int(maximum) if maximum.isdigit() else None,
        max_points=int(meta["max_sum_points"]) if meta.get("max_sum_points", "").isdigit() else None,
        vote_starts_at=held,
        vote_ends_at=held,
        pabulib_meta={"keys": list(meta), "values": list(meta.values()),
                      "project_columns": pb.project_columns, "vote_columns": pb.vote_columns},
    )
    projects = Project.objects.bulk_create(
        Project(
            budget=budget,
            title=(row.get("name") or _("Project %(id)s") % {"id": row["project_id"]})[:300],
            description=row.get("description", ""),
            cost=_decimal(row["cost"], _("project %(id)s") % {"id": row["project_id"]}),
            category=row.get("category", "")[:100],
            feasibility=Project.Feasibility.FEASIBLE,
            external_id=row["project_id"],
            pabulib_extra=dict(row),  # the file's row as it was, for the export
        )
        for row in pb.projects
    )
    by_external = {p.external_id: p for p in projects}
    ballots = BudgetBallot.objects.bulk_create(
        BudgetBallot(
            budget=budget,
            external_voter_id=row["voter_id"],
            pabulib_extra={key: value for key, value in row.items() if key not in _VOTE_FIELDS},
        )
        for row in pb.votes
    )
    choices = []
    for ballot, row in zip(ballots, pb.votes, strict=True):
        ids = [part.strip() for part in row["vote"].split(",")] if row["vote"].strip() else []
        points = [part.strip() for part in row.get("points", "").split(",")] if row.get("points", "").strip() else []
        for position, pid in enumerate(ids, start=1):
            value = 1
            if budget.ballot_kind == Kind.CUMULATIVE:
                if not points[position - 1].isdigit() or int(points[position - 1]) < 1:
                    raise InvalidInput(
                        _("Voter %(voter)s: only whole points of at least 1 can be imported.") % {"voter": row["voter_id"]}
                    )
                value = int(points[position - 1])
            choices.append(BallotChoice(
                ballot=ballot, project=by_external[pid], points=value,
                rank=position if budget.ballot_kind == Kind.ORDINAL else None,
            ))
    BallotChoice.objects.bulk_create(choices, batch_size=5000)
    audit_record(
        actor=actor, action=AuditEntry.Action.BUDGET_IMPORTED, target=budget,
        details={"projects": len(projects), "ballots": len(ballots)},
    )
    return budget


@transaction.atomic
def budget_export(*, actor: User, budget_id: int) -> tuple[Budget, str]:
    """The budget as a Pabulib file's text, for an official; audited (it holds every ballot)."""
    from council.budgeting.selectors import budget_export_pb

    budget = access_budget(actor, budget_id, perm="budgeting.export_budget")
    text = budget_export_pb(budget)
    audit_record(actor=actor, action=AuditEntry.Action.BUDGET_EXPORTED, target=budget)
    return budget, text


@transaction.atomic
def project_from_contribution(*, actor: User, budget_id: int, contribution_id: int) -> Project:
    """An official turns a consultation contribution of the same council into a project proposal:
    its title, text, category and point are copied, its author is the proposer, and the project
    keeps the link to it. Audited as a proposal, with the contribution in the details."""
    budget = access_budget(actor, budget_id, for_update=True)
    require_perm(actor, "budgeting.review_project", budget)
    if budget.phase() not in (Budget.Phase.SUBMISSION, Budget.Phase.REVIEW):
        raise InvalidInput(_("Contributions become projects only while projects are proposed or reviewed."))
    contribution = contributions_of_council(budget.council_id).filter(pk=contribution_id).first()
    if contribution is None:
        raise InvalidInput(_("This contribution is not one of this council's consultations."))
    if not contribution.is_visible:
        raise InvalidInput(_("A hidden, withdrawn or merged contribution cannot become a project."))
    if budget.projects.filter(source_contribution=contribution).exists():
        raise InvalidInput(_("This contribution is already a project of this budget."))
    project = Project.objects.create(
        budget=budget, title=contribution.title[:300], description=contribution.body,
        category=contribution.category.name if contribution.category else "", cost=Decimal(0),
        latitude=contribution.latitude, longitude=contribution.longitude,
        proposer=contribution.author, proposed_at=timezone.now(), feasibility=Project.Feasibility.PROPOSED,
        source_contribution=contribution,
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.PROJECT_PROPOSED, target=project,
        details={"budget": budget.pk, "contribution": contribution.pk, "consultation": contribution.consultation_id},
    )
    return project


def budget_paper_ballots_purge(*, ended_before: Any) -> int:
    """Remove who entered each paper ballot of the budgets whose vote ended before `ended_before`:
    the audit trail's retention is over (council/core/retention.py); the ballots still count.
    Ballots changed."""
    return BudgetBallot.with_drafts.filter(
        entered_by__isnull=False, budget__vote_ends_at__lt=ended_before
    ).update(entered_by=None)
