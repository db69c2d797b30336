"""A consultation's statistics page, under /c/<council_slug>/consultations/<id>/statistics/."""

from typing import Any

from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import render

from council.consultation import permissions as perms
from council.consultation.statistics.selectors import contribution_statistics
from council.core.errors import AccessDenied


def consultation_statistics(request: Any, council_slug: str, consultation_id: int) -> HttpResponse:
    """Counts and charts (each with its table) for those who may read them (consultation.view_statistics)."""
    try:
        consultation = perms.access_consultation(
            request.user, consultation_id, council_id=request.council.pk, perm=perms.VIEW_STATISTICS
        )
    except AccessDenied as error:
        raise Http404 from error
    context = {"consultation": consultation, "statistics": contribution_statistics(consultation)}
    return render(request, "consultation/statistics.html", context)
