"""The staff's export pages: ask for an export, watch its progress, download the file (404 to anyone else)."""

from typing import Any

from django.contrib import messages
from django.http import Http404
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from council.consultation.exports import services
from council.consultation.models import Consultation
from council.consultation.models import ConsultationExport
from council.core.errors import AccessDenied
from council.core.errors import CouncilError

CONTENT_TYPES = {
    "ods": "application/vnd.oasis.opendocument.spreadsheet", "csv": "application/zip", "json": "application/json",
}
SUFFIXES = {"ods": "ods", "csv": "csv.zip", "json": "json"}


def _consultation(request: Any, consultation_id: int) -> Consultation:
    try:
        consultation = services.access_export(request.user, consultation_id)
    except AccessDenied as error:
        raise Http404 from error
    if consultation.council_id != request.council.pk:
        raise Http404
    return consultation


def _export(consultation: Consultation, export_id: int, *, with_content: bool = False) -> ConsultationExport:
    export = services.export_get(consultation, export_id, with_content=with_content)
    if export is None:
        raise Http404
    return export


def export_list(request: Any, council_slug: str, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, consultation_id)
    if request.method == "POST":
        try:
            export = services.export_request(
                actor=request.user, consultation_id=consultation.pk, format=request.POST.get("format", "")
            )
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            return redirect("consultation-export-detail", council_slug, consultation.pk, export.pk)
    context = {"consultation": consultation, "exports": services.export_list(consultation), "formats": ConsultationExport.Format.choices}
    return render(request, "consultation/export_list.html", context)


def export_detail(request: Any, council_slug: str, consultation_id: int, export_id: int) -> HttpResponse:
    consultation = _consultation(request, consultation_id)
    export = _export(consultation, export_id)
    context = {"consultation": consultation, "export": export, "progress": services.export_progress(export)}
    return render(request, "consultation/export_detail.html", context)


def export_progress(request: Any, council_slug: str, consultation_id: int, export_id: int) -> JsonResponse:
    consultation = _consultation(request, consultation_id)
    return JsonResponse(services.export_progress(_export(consultation, export_id)))


def export_download(request: Any, council_slug: str, consultation_id: int, export_id: int) -> HttpResponse:
    consultation = _consultation(request, consultation_id)
    export = _export(consultation, export_id, with_content=True)
    if export.status != ConsultationExport.Status.DONE:
        messages.error(request, _("This export is not ready yet."))
        return redirect("consultation-export-detail", council_slug, consultation.pk, export.pk)
    response = HttpResponse(bytes(export.content), content_type=CONTENT_TYPES[export.format])
    filename = f"consultation-{consultation.pk}-{export.pk}.{SUFFIXES[export.format]}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
