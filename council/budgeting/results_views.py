"""The results page of a budget, with the officials' controls: compute, follow, publish."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.budgeting import permissions as perms
from council.budgeting import results
from council.budgeting.explain import money
from council.budgeting.explain import results_page
from council.budgeting.models import Budget
from council.budgeting.views import budget_for_page
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.geo import tile_config


def results_detail(request: HttpRequest, council_slug: str, budget_id: int) -> HttpResponse:
    budget = budget_for_page(request, budget_id, perms.VIEW_RESULTS)
    result = results.result_get(budget)
    official = request.user.has_perm(perms.MANAGE, budget)
    page = None
    if result is not None and result.status == result.Status.DONE:  # view_results: published, or an official
        page = results_page(budget, result, user=request.user)
    context: dict[str, Any] = {
        "budget": budget,
        "result": result,
        "page": page,
        "official": official,
        "progress": results.result_progress(result),
        "amount": money(budget.amount, budget.currency),
        "can_compute": request.user.has_perm("budgeting.compute_results", budget),
        "can_publish": request.user.has_perm("budgeting.publish_results", budget),
        "can_export": request.user.has_perm("budgeting.export_budget", budget),
        "vote_over": budget.phase() == Budget.Phase.RESULTS,
        "map_config": tile_config(),
    }
    return render(request, "budgeting/results.html", context)


def _officials_action(request: HttpRequest, council_slug: str, budget_id: int, service: Any, done: str) -> HttpResponse:
    """Run an officials' service on the results (compute, publish) and come back to the page with its outcome."""
    budget = budget_for_page(request, budget_id, perms.MANAGE)
    try:
        service(actor=request.user, budget_id=budget.pk)
    except InvalidInput as error:
        messages.error(request, error.message)
    except AccessDenied as error:
        raise Http404 from error
    else:
        messages.success(request, done)
    return redirect("budgeting:results", council_slug=council_slug, budget_id=budget.pk)


@login_required
@require_POST
def results_compute(request: HttpRequest, council_slug: str, budget_id: int) -> HttpResponse:
    return _officials_action(request, council_slug, budget_id, results.result_compute_request, _("The results are being computed."))


@login_required
def results_progress(request: HttpRequest, council_slug: str, budget_id: int) -> JsonResponse:
    budget = budget_for_page(request, budget_id, perms.MANAGE)
    return JsonResponse(results.result_progress(results.result_get(budget)))


@login_required
@require_POST
def results_publish(request: HttpRequest, council_slug: str, budget_id: int) -> HttpResponse:
    return _officials_action(request, council_slug, budget_id, results.result_publish, _("The results are published."))
