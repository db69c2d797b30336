"""Reads of participatory budgeting: a budget as an election for the rules, its results, its
export as a Pabulib file."""

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Case
from django.db.models import Count
from django.db.models import IntegerField
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Value
from django.db.models import When
from django.urls import reverse
from django.utils import timezone

from council.budgeting.models import BallotChoice
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import Project
from council.budgeting.pabulib import PbFile
from council.budgeting.pabulib import write_pb
from council.budgeting.rules import Instance
from council.budgeting.rules import Profile
from council.budgeting.rules import Project as RuleProject
from council.budgeting.rules import greedy
from council.budgeting.rules import mes_add_one
from council.budgeting.rules import mes_greedy_completion
from council.core.memo import remembered

Kind = Budget.BallotKind


def budget_list_visible_to(*, user: Any, council: Any) -> list[Budget]:
    """The council's budgets `user` may read (drafts: officials only), newest first, with their counts."""
    budgets = (
        Budget.objects.filter(council=council)
        .select_related("council")
        .annotate(projects_count=Count("projects", filter=~Q(projects__feasibility=Project.Feasibility.REJECTED)))
        .order_by("-created_at", "-pk")
    )
    with remembered():  # the person's role in the council is read once, not once per budget
        return [b for b in budgets if user.has_perm("budgeting.view_budget", b)]


def council_budgets_section(*, user: Any, council: Any) -> dict[str, Any] | None:
    """The council page's section: its budgets out of draft (None when there is none)."""
    budgets = [b for b in budget_list_visible_to(user=user, council=council) if b.phase() != Budget.Phase.DRAFT]
    if not budgets:
        return None
    return {"budgets": budgets[:5], "list_url": reverse("budgeting:budget-list", args=[council.slug])}


def projects_on_page(budget: Budget) -> QuerySet[Project]:
    """Every project of the budget, the ones not feasible last (their reason stays public)."""
    return budget.projects.select_related("proposer", "source_contribution__consultation").order_by(_rejected_last(), "pk")


def contributions_of_council(council_id: int) -> QuerySet[Any]:
    """The contributions of the council's consultations (the consultation module is a sibling:
    reached through the app registry, not imported)."""
    contribution = apps.get_model("consultation", "Contribution")
    return contribution.objects.select_related("category", "consultation").filter(consultation__council_id=council_id)


def contributions_to_add(budget: Budget) -> list[Any]:
    """Visible contributions of the budget's council not yet a project of this budget, newest first."""
    taken = budget.projects.exclude(source_contribution=None).values("source_contribution")
    return list(contributions_of_council(budget.council_id).visible().exclude(pk__in=taken).order_by("consultation__title", "-created_at", "-pk"))


def _rejected_last() -> Case:
    return Case(When(feasibility=Project.Feasibility.REJECTED, then=Value(1)), default=Value(0), output_field=IntegerField())


def projects_on_ballot(budget: Budget) -> QuerySet[Project]:
    """The projects a voter may choose: all but those found not feasible."""
    return budget.projects.exclude(feasibility=Project.Feasibility.REJECTED).order_by("pk")


def participation_count(budget_id: int) -> int:
    """Submitted ballots, online and paper (drafts are not counted)."""
    return BudgetBallot.objects.filter(budget_id=budget_id).count()


def participation_payload(budget_id: int) -> dict[str, Any] | None:
    if not Budget.objects.filter(pk=budget_id).exists():
        return None
    return {"budget_id": budget_id, "ballots": participation_count(budget_id)}


def budget_snapshot(budget: Budget) -> dict[str, Any]:
    """What a budget's socket sends on connect."""
    return {
        "budget_id": budget.pk,
        "phase": budget.phase(),
        "ballots": participation_count(budget.pk),
        "server_now": timezone.now().isoformat(),
    }


def ballot_of(user: Any, budget: Budget) -> BudgetBallot | None:
    """`user`'s own ballot in the budget, a draft included, with its choices."""
    if not user.is_authenticated:
        return None
    ballot = BudgetBallot.with_drafts.filter(budget=budget, voter=user).first()
    if ballot is not None:
        ballot.chosen = list(  # type: ignore[attr-defined]
            BallotChoice.with_drafts.filter(ballot=ballot).select_related("project").order_by("rank", "pk")
        )
    return ballot


def paper_ballot(budget: Budget, number: int | None) -> BudgetBallot | None:
    """The budget's paper ballot no. `number`, with its choices, or None."""
    if number is None:
        return None
    ballot = BudgetBallot.objects.filter(budget=budget, paper_number=number).first()
    if ballot is not None:
        ballot.chosen = list(ballot.choices.select_related("project").order_by("rank", "pk"))  # type: ignore[attr-defined]
    return ballot


def paper_ballots(budget: Budget) -> list[BudgetBallot]:
    """The budget's paper ballots by number, each with who entered it and its choices."""
    ballots = list(
        BudgetBallot.objects.filter(budget=budget, paper_number__isnull=False).select_related("entered_by").order_by("paper_number")
    )
    choices: dict[int, list[BallotChoice]] = {}
    for choice in BallotChoice.objects.filter(ballot__in=ballots).select_related("project").order_by("ballot_id", "rank", "pk"):
        choices.setdefault(choice.ballot_id, []).append(choice)
    for ballot in ballots:
        ballot.chosen = choices.get(ballot.pk, [])  # type: ignore[attr-defined]
    return ballots


def budget_election(budget: Budget) -> tuple[Instance, Profile, dict[str, Project]]:
    """The budget as the rules see it: projects on the ballot (not those found not feasible) by
    primary key as a string, every ballot (an empty one still counts as a voter)."""
    instance, profile, projects, _voters = budget_election_with_voters(budget)
    return instance, profile, projects


def budget_election_with_voters(budget: Budget) -> tuple[Instance, Profile, dict[str, Project], list[int | None]]:
    """`budget_election`, with the account (user pk, None for an imported or paper ballot) of
    each ballot of the profile, in its order."""
    projects = {
        str(p.pk): p for p in budget.projects.exclude(feasibility=Project.Feasibility.REJECTED).order_by("pk")
    }
    instance = Instance(budget.amount, [RuleProject(pid, p.cost) for pid, p in projects.items()])
    rows = list(BudgetBallot.objects.filter(budget=budget).order_by("pk").values_list("pk", "voter_id"))
    ballots: dict[int, list[BallotChoice]] = {pk: [] for pk, _voter in rows}
    for choice in BallotChoice.objects.filter(ballot__budget=budget, project_id__in=[int(k) for k in projects]).order_by(
        "ballot_id", "rank", "pk"
    ):
        if choice.ballot_id in ballots:  # a ballot cast since the list was read counts next time
            ballots[choice.ballot_id].append(choice)
    if budget.ballot_kind == Kind.CUMULATIVE:
        profile = Profile.cumulative({str(c.project_id): c.points for c in chosen} for chosen in ballots.values())
    elif budget.ballot_kind == Kind.ORDINAL:
        profile = Profile.ordinal([str(c.project_id) for c in chosen] for chosen in ballots.values())
    else:
        profile = Profile.approval([str(c.project_id) for c in chosen] for chosen in ballots.values())
    return instance, profile, projects, [voter for _pk, voter in rows]


def budget_results(budget: Budget, *, progress: Any = None) -> dict[str, list[Project]]:
    """The projects each rule selects, in the order it selected them: greedy by votes, the Method
    of Equal Shares with add-one completion and with greedy completion."""
    instance, profile, projects = budget_election(budget)
    return {
        Budget.Rule.GREEDY: [projects[pid] for pid in greedy(instance, profile)],
        Budget.Rule.MES_ADD_ONE: [projects[pid] for pid in mes_add_one(instance, profile, progress=progress).selected],
        Budget.Rule.MES_GREEDY: [projects[pid] for pid in mes_greedy_completion(instance, profile).selected],
    }


def budget_export_pb(budget: Budget) -> str:
    """The budget as a Pabulib file. An imported budget gives back its file's sections, keys and
    values (council/budgeting/pabulib.py says what the round trip keeps), with the ballots as
    they are now."""
    stored = budget.pabulib_meta or {}
    meta = dict(zip(stored.get("keys", []), stored.get("values", []), strict=True))
    kinds = {Kind.CUMULATIVE: "cumulative", Kind.ORDINAL: "ordinal"}
    meta.setdefault("description", budget.title)
    meta["budget"] = meta["budget"] if "budget" in meta and Decimal(meta["budget"].replace(",", ".")) == budget.amount \
        else _plain(budget.amount)
    meta["vote_type"] = meta["vote_type"] if meta.get("vote_type") in ("approval", "choose-1") and \
        budget.ballot_kind in (Kind.APPROVAL, Kind.KNAPSACK) else kinds.get(budget.ballot_kind, "approval")
    project_columns = stored.get("project_columns") or ["project_id", "cost", "name"]
    vote_columns = stored.get("vote_columns") or (
        ["voter_id", "vote", "points"] if budget.ballot_kind == Kind.CUMULATIVE else ["voter_id", "vote"]
    )
    projects = list(budget.projects.order_by("pk"))
    ids = {p.pk: p.external_id or str(p.pk) for p in projects}
    rows = []
    for p in projects:
        row = dict.fromkeys(project_columns, "") | dict(p.pabulib_extra or {})
        row["project_id"] = ids[p.pk]
        original = row.get("cost", "")
        try:
            same = original and Decimal(original.replace(",", ".")) == p.cost
        except ArithmeticError:
            same = False
        row["cost"] = original if same else _plain(p.cost)
        row.setdefault("name", p.title)
        rows.append(row)
    choices: dict[int, list[BallotChoice]] = {}
    for choice in BallotChoice.objects.filter(ballot__budget=budget).order_by("ballot_id", "rank", "pk"):
        choices.setdefault(choice.ballot_id, []).append(choice)
    votes = []
    for ballot in BudgetBallot.objects.filter(budget=budget).order_by("pk"):
        row = dict.fromkeys(vote_columns, "") | dict(ballot.pabulib_extra or {})
        row["voter_id"] = ballot.external_voter_id or f"u{ballot.voter_id}"
        chosen = choices.get(ballot.pk, [])
        row["vote"] = ",".join(ids[c.project_id] for c in chosen)
        if "points" in vote_columns:
            row["points"] = ",".join(str(c.points) for c in chosen)
        votes.append(row)
    meta["num_projects"] = str(len(rows))
    meta["num_votes"] = str(len(votes))
    return write_pb(PbFile(meta=meta, project_columns=project_columns, projects=rows, vote_columns=vote_columns,
                           votes=votes))


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
