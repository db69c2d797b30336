"""HTTP pages of workshops: a session's outputs for facilitators, and their exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.councils.models import AuditEntry
from council.councils.services import audit_record
from council.workshops import destinations
from council.workshops import exports
from council.workshops.models import WorkshopSession
from council.workshops.permissions import access_session
from council.workshops.reports import report_send
from council.workshops.reports import session_reports


def _session(request, session_id: int, perm: str) -> WorkshopSession:
    """The session if it belongs to this council and the person may `perm`; 404 otherwise."""
    try:
        session = access_session(request.user, session_id, perm=perm)
    except AccessDenied as error:
        raise Http404 from error
    if session.room.council_id != request.council.pk:
        raise Http404
    return session


def _download(request, session: WorkshopSession, text: str, *, content_type: str, filename: str) -> HttpResponse:
    """The file as an attachment; who took it out of the council, and which, goes to the audit log."""
    audit_record(actor=request.user, action=AuditEntry.Action.OUTPUTS_EXPORTED, target=session, details={"file": filename})
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def session_outputs(request, council_slug, session_id):
    session = _session(request, session_id, "workshops.export_outputs")
    context = {
        "session": session,
        "reports": session_reports(session=session),
        "markdown": exports.outputs_markdown(session=session),
        "can_view_log": request.user.has_perm("workshops.view_log", session),
        "destinations": destinations.offered(request.user, session.room.council_id),
    }
    return render(request, "workshops/session_outputs.html", context)


@login_required
def outputs_csv(request, council_slug, session_id):
    session = _session(request, session_id, "workshops.export_outputs")
    return _download(
        request,
        session,
        exports.outputs_csv(session=session),
        content_type="text/csv",
        filename=f"workshops-{session.pk}-outputs.csv",
    )


@login_required
def outputs_markdown(request, council_slug, session_id):
    session = _session(request, session_id, "workshops.export_outputs")
    return _download(
        request,
        session,
        exports.outputs_markdown(session=session),
        content_type="text/markdown",
        filename=f"workshops-{session.pk}-outputs.md",
    )


@login_required
def log_csv(request, council_slug, session_id):
    session = _session(request, session_id, "workshops.view_log")
    return _download(request, session, exports.log_csv(session=session), content_type="text/csv", filename=f"workshops-{session.pk}-log.csv")



@require_POST
@login_required
def report_send_view(request, council_slug, session_id, workshop_id):
    """Send one workshop's report back where the form says ("<destination>:<id>", as offered)."""
    session = _session(request, session_id, "workshops.export_outputs")
    name, _sep, choice = request.POST.get("destination", "").partition(":")
    try:
        url = report_send(
            actor=request.user, session_id=session.pk, workshop_id=workshop_id, destination=name,
            choice_id=int(choice) if choice.isdigit() else 0,
        )
    except CouncilError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report is sent: %(url)s") % {"url": request.build_absolute_uri(url)})
    return redirect("workshop-outputs", council_slug=council_slug, session_id=session.pk)
