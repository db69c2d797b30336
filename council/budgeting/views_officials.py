"""Officials' pages of a budget: the feasibility review of projects and the entry of paper ballots.

Both are plain forms; every change is audited by its service (proposals.py, paper.py).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.budgeting import paper as paper_services
from council.budgeting import permissions as perms
from council.budgeting import proposals
from council.budgeting import selectors
from council.budgeting import services
from council.budgeting.forms import ReviewForm
from council.budgeting.forms import ballot_from_post
from council.budgeting.forms import posted_values
from council.budgeting.forms import values_of
from council.budgeting.models import Budget
from council.budgeting.strings import ballot_strings
from council.budgeting.views import ballot_rows
from council.budgeting.views import budget_for_page
from council.core.errors import CouncilError
from council.core.errors import InvalidInput


def review(
    request: Any, council_slug: str, budget_id: int, forms: dict[int, ReviewForm] | None = None, add_error: str = ""
) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    budget = budget_for_page(request, budget_id, perms.REVIEW)
    projects = list(selectors.projects_on_page(budget))
    forms = forms or {}
    rows = [(p, forms.get(p.pk) or ReviewForm(project=p)) for p in projects]
    context = {
        "budget": budget,
        "rows": rows,
        "may_add_contributions": budget.phase() in (Budget.Phase.SUBMISSION, Budget.Phase.REVIEW),
        "contributions": selectors.contributions_to_add(budget),
        "add_error": add_error,
    }
    return render(request, "budgeting/review.html", context, status=400 if forms or add_error else 200)


@require_POST
def contribution_add(request: Any, council_slug: str, budget_id: int) -> HttpResponse:
    """Turn a consultation contribution of the council into a project proposal (services.py)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    budget = budget_for_page(request, budget_id, perms.REVIEW)
    try:
        contribution_id = int(request.POST.get("contribution", ""))
    except ValueError:
        return review(request, council_slug, budget_id, add_error=_("Choose a contribution."))
    try:
        project = services.project_from_contribution(actor=request.user, budget_id=budget.pk, contribution_id=contribution_id)
    except CouncilError as refusal:
        return review(request, council_slug, budget_id, add_error=str(refusal.message))
    messages.success(request, _("“%(title)s” is now a project proposal of this budget.") % {"title": project.title})
    return redirect(f"{reverse('budgeting:review', args=[council_slug, budget.pk])}#project-{project.pk}")


@require_POST
def project_review(request: Any, council_slug: str, budget_id: int, project_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    budget = budget_for_page(request, budget_id, perms.REVIEW)
    project = budget.projects.filter(pk=project_id).first()
    if project is None:
        raise Http404
    form = ReviewForm(request.POST, project=project)
    if form.is_valid():
        try:
            proposals.project_review(actor=request.user, project_id=project.pk, **form.cleaned_data)
        except CouncilError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The review of “%(title)s” is saved.") % {"title": project.title})
            return redirect(f"{reverse('budgeting:review', args=[council_slug, budget.pk])}#project-{project.pk}")
    return review(request, council_slug, budget_id, forms={project.pk: form})


def _number(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def paper(request: Any, council_slug: str, budget_id: int) -> HttpResponse:
    """Enter a paper ballot by its number, or correct one entered before (?number=<n>)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    budget = budget_for_page(request, budget_id, perms.ENTER_PAPER)
    projects = list(selectors.projects_on_ballot(budget))
    error = ""
    number_text = request.GET.get("number", "")
    correcting = selectors.paper_ballot(budget, _number(number_text))
    values = values_of(correcting)
    if request.method == "POST":
        number_text = request.POST.get("number", "")
        correct = request.POST.get("action") == "correct"
        values = posted_values(budget, request.POST)
        service = paper_services.paper_ballot_correct if correct else paper_services.paper_ballot_enter
        try:
            number = _number(number_text)
            if number is None:
                raise InvalidInput(_("Give the paper ballot's number, a whole number of at least 1."))
            service(actor=request.user, budget_id=budget.pk, number=number, choices=ballot_from_post(budget, request.POST, projects))
        except CouncilError as refusal:
            error = refusal.message
        else:
            done = _("Paper ballot no. %(number)s is corrected.") if correct else _("Paper ballot no. %(number)s is entered.")
            messages.success(request, done % {"number": number})
            return redirect("budgeting:paper", council_slug=council_slug, budget_id=budget.pk)
        correcting = selectors.paper_ballot(budget, _number(number_text)) if correct else None
    context = {
        "budget": budget,
        "rows": ballot_rows(projects, values),
        "kind": budget.ballot_kind,
        "kinds": Budget.BallotKind,
        "error": error,
        "number": number_text,
        "correcting": correcting,
        "paper_ballots": selectors.paper_ballots(budget),
        "strings": ballot_strings(budget),
    }
    return render(request, "budgeting/paper.html", context, status=400 if error else 200)
