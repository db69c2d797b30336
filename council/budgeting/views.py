"""Pages of participatory budgets, under /c/<council_slug>/budgets/: thin, the services decide.

Visitors read a budget without an account; proposing and voting need one. The ballot is a
plain form that works without script (the script adds the running total) and comes back with
the refusal and everything the voter had chosen; officials' pages are in views_officials.py.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import formats
from django.utils import timezone
from django.utils.translation import gettext as _

from council.budgeting import permissions as perms
from council.budgeting import proposals
from council.budgeting import selectors
from council.budgeting import services
from council.budgeting.forms import ProposalForm
from council.budgeting.forms import ballot_from_post
from council.budgeting.forms import posted_values
from council.budgeting.forms import values_of
from council.budgeting.models import Budget
from council.budgeting.models import Project
from council.budgeting.strings import ballot_strings
from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.core.geo import tile_config
from council.core.memo import remembered
from council.councils.permissions import has_council_role
from council.verifications.requirements import is_met
from council.verifications.requirements import requirement_of
from council.verifications.requirements import verification_link
from council.youth.selectors import age_range_sentence
from council.youth.selectors import age_refusal
from council.youth.selectors import needs_birth_date

Kind = Budget.BallotKind


def budget_for_page(request: Any, budget_id: int, perm: str = perms.VIEW) -> Budget:
    """The budget of this council that the person may `perm`; 404 for missing and forbidden alike."""
    try:
        return perms.access_budget(request.user, budget_id, council_id=request.council.pk, perm=perm)
    except AccessDenied as error:
        raise Http404 from error


def socket_path(budget: Budget) -> str:
    return f"/ws/c/{budget.council.slug}/budgets/{budget.pk}/"


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def phase_dates(budget: Budget) -> list[tuple[str, str, Any]]:
    """(phase, its name, when it starts) for each dated phase, in order."""
    names = dict(Budget.Phase.choices)
    steps = [
        (Budget.Phase.SUBMISSION, budget.submission_starts_at), (Budget.Phase.REVIEW, budget.review_starts_at),
        (Budget.Phase.VOTE, budget.vote_starts_at), (Budget.Phase.RESULTS, budget.vote_ends_at),
    ]
    return [(phase, names[phase], starts) for phase, starts in steps if starts is not None]


def why_not(user: Any, budget: Budget, perm: str) -> str:
    """The reason, in words, that `user` may not propose (PROPOSE) or vote (CAST), or ""."""
    if user.has_perm(perm, budget):
        return ""
    wanted = Budget.Phase.SUBMISSION if perm == perms.PROPOSE else Budget.Phase.VOTE
    starts = budget.submission_starts_at if perm == perms.PROPOSE else budget.vote_starts_at
    if budget.phase() != wanted:
        if starts is not None and starts > timezone.now():
            return (_("Proposals open on %(date)s.") if perm == perms.PROPOSE else _("The vote opens on %(date)s.")) % {"date": _when(starts)}
        return _("Proposals are closed.") if perm == perms.PROPOSE else _("The vote is closed.")
    if not user.is_authenticated:
        return _("Log in to take part.")
    if not has_council_role(user, budget):
        return _("Only the council's residents take part: join the council first.")
    if refusal := age_refusal(user, budget):
        return refusal
    if not is_met(user, budget.council, requirement_of(budget)):
        return _("This requires a verification you do not hold yet: %(kinds)s.") % {
            "kinds": requirement_of(budget).describe()
        }
    names = ", ".join(group.name for group in budget.eligible_groups.all())
    return _("This budget is open only to these groups: %(groups)s.") % {"groups": names}


def budget_list(request: Any, council_slug: str) -> HttpResponse:
    budgets = selectors.budget_list_visible_to(user=request.user, council=request.council)
    can_import = request.user.has_perm(perms.IMPORT, request.council)
    return render(request, "budgeting/budget_list.html", {"budgets": budgets, "can_import": can_import})


def _map_points(projects: list[Project]) -> list[dict[str, Any]]:
    return [
        {"id": p.pk, "title": p.title, "latitude": p.latitude, "longitude": p.longitude}
        for p in projects if p.latitude is not None and p.longitude is not None
    ]


def budget_detail(request: Any, council_slug: str, budget_id: int) -> HttpResponse:
    budget = budget_for_page(request, budget_id)
    user = request.user
    projects = list(selectors.projects_on_page(budget))
    with remembered():
        context = {
            "budget": budget,
            "phase": budget.phase(),
            "phase_name": dict(Budget.Phase.choices)[budget.phase()],
            "phases": phase_dates(budget),
            "groups": list(budget.eligible_groups.all()),
            "projects": projects,
            "points": _map_points(projects),
            "map_config": tile_config() | {
                "label": _("Map of the projects; the list of projects above is the same information."),
            },
            "ballots": selectors.participation_count(budget.pk),
            "can_propose": user.has_perm(perms.PROPOSE, budget),
            "why_not_propose": why_not(user, budget, perms.PROPOSE) if budget.phase() == Budget.Phase.SUBMISSION else "",
            "needs_birth_date": needs_birth_date(user, budget),
            "ages": age_range_sentence(budget),
            "can_vote": user.has_perm(perms.CAST, budget),
            "why_not_vote": why_not(user, budget, perms.CAST) if budget.phase() == Budget.Phase.VOTE else "",
            "own_ballot": selectors.ballot_of(user, budget),
            "can_review": user.has_perm(perms.REVIEW, budget),
            "verification_link": verification_link(user, budget, request.get_full_path()),
            "can_enter_paper": user.has_perm(perms.ENTER_PAPER, budget),
            "can_view_results": budget.phase() == Budget.Phase.RESULTS and user.has_perm(perms.VIEW_RESULTS, budget),
            "results_published": perms.budget_results_are_published(user, budget),
            "can_import": user.has_perm(perms.IMPORT, budget.council),
            "socket_path": socket_path(budget),
            "strings": ballot_strings(budget),
        }
    return render(request, "budgeting/budget_detail.html", context)


def project_propose(request: Any, council_slug: str, budget_id: int) -> HttpResponse:
    budget = budget_for_page(request, budget_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposals.project_propose(actor=request.user, budget_id=budget.pk, **form.arguments())
        except CouncilError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your project is proposed: the council's officials will review it."))
            return redirect("budgeting:budget-detail", council_slug=council_slug, budget_id=budget.pk)
    context = {
        "budget": budget, "form": form,
        "can_propose": request.user.has_perm(perms.PROPOSE, budget),
        "why_not_propose": why_not(request.user, budget, perms.PROPOSE),
    }
    return render(request, "budgeting/propose.html", context, status=400 if form.errors else 200)


def ballot_rows(projects: list[Project], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Each project of the ballot with what the form shows for it."""
    return [
        {
            "project": p,
            "checked": p.pk in values["checked"],
            "points": values["values"].get(f"points-{p.pk}", ""),
            "rank": values["values"].get(f"rank-{p.pk}", ""),
        }
        for p in projects
    ]


def ballot(request: Any, council_slug: str, budget_id: int) -> HttpResponse:
    """The voter's ballot: fill, save for later (a draft, not counted) or submit."""
    budget = budget_for_page(request, budget_id)
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    projects = list(selectors.projects_on_ballot(budget))
    error = ""
    values = values_of(selectors.ballot_of(user, budget))
    if request.method == "POST":
        draft = request.POST.get("action") == "draft"
        values = posted_values(budget, request.POST)
        try:
            choices = ballot_from_post(budget, request.POST, projects)
            services.ballot_cast(actor=user, budget_id=budget.pk, choices=choices, draft=draft)
        except CouncilError as refusal:
            error = refusal.message
        else:
            if draft:
                messages.success(request, _("Your ballot is saved, not submitted: come back to finish it before the vote ends."))
            else:
                messages.success(request, _("Your ballot is submitted and counted. You may change it until the vote ends."))
            return redirect("budgeting:ballot", council_slug=council_slug, budget_id=budget.pk)
    own = selectors.ballot_of(user, budget)
    context = {
        "budget": budget,
        "rows": ballot_rows(projects, values),
        "kind": budget.ballot_kind,
        "kinds": Kind,
        "error": error,
        "own_ballot": own,
        "can_vote": user.has_perm(perms.CAST, budget),
        "why_not_vote": why_not(user, budget, perms.CAST),
        "strings": ballot_strings(budget),
    }
    return render(request, "budgeting/ballot.html", context, status=400 if error else 200)
