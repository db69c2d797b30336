"""A workshop's report back (a summary and a few key proposals) and the session's reports.

The plenary sees the reports side by side once the workshops are closed; facilitators
see them at any time. They stay after the meeting as the session's outputs (exports.py).
"""

from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.memo import recall
from council.core.realtime import send_event_on_commit
from council.rooms.events import facilitators_group
from council.rooms.events import meeting_group
from council.rooms.events import room_group
from council.workshops import events
from council.workshops.models import Report
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from council.workshops.permissions import access_session
from council.workshops.permissions import access_workshop
from council.workshops.selectors import session_shown

MAX_SUMMARY_CHARS = 2000
MAX_PROPOSAL_CHARS = 300


def _clean_proposals(value: list[str], *, max_proposals: int) -> list[str]:
    """The non-empty proposals, in order, as many as the session asks for at most.

    Each one's length (MAX_PROPOSAL_CHARS) is the command schema's (SaveReport).
    """
    proposals = [item.strip() for item in value if item.strip()]
    if len(proposals) > max_proposals:
        raise InvalidInput(
            _("A workshop reports at most %(max)d key proposals.") % {"max": max_proposals}
        )
    return proposals


def report_payload(workshop: Workshop, report: Report | None) -> dict[str, Any]:
    return {
        "workshop_id": workshop.pk,
        "name": workshop.name,
        "topic": workshop.topic,
        "summary": report.summary if report else "",
        "proposals": list(report.proposals) if report else [],
        "updated_at": report.updated_at.isoformat() if report else None,
    }


@transaction.atomic
def report_save(*, actor: User, workshop_id: int, summary: str, proposals: list[str]) -> dict[str, Any]:
    """Write a workshop's report back; those who may see it hear `workshops.report_updated` after commit."""
    workshop = access_workshop(actor, workshop_id, perm="workshops.edit_report")
    summary = summary.strip()
    proposals = _clean_proposals(proposals, max_proposals=workshop.session.max_proposals)
    report, _created = Report.objects.update_or_create(
        workshop=workshop, defaults={"summary": summary, "proposals": proposals, "updated_by": actor}
    )
    payload = report_payload(workshop, report)
    event = {
        "session_id": workshop.session_id,
        "workshop_id": workshop.pk,
        "report": payload,
        "by": {"id": actor.pk, "name": str(actor.public_name)},
    }
    for group in _report_audience(workshop):
        send_event_on_commit(group, events.REPORT_UPDATED, event)
    return {"report": payload}


def _report_audience(workshop: Workshop) -> list[str]:
    """The groups that may hear a report change, as may_see_reports says.

    Once the workshops are closed, the whole meeting; before, the meeting's facilitators
    and the workshop's own room (its members and co-facilitator are there while it runs).
    """
    session = workshop.session
    if session.round > 0 and session.effective_status() == WorkshopSession.Status.CLOSED:
        return [meeting_group(session.room_id)]
    return [facilitators_group(session.room_id), room_group(workshop.room_id)]


def report_of(workshop: Workshop) -> dict[str, Any]:
    return report_payload(workshop, Report.objects.filter(workshop=workshop).first())


def session_reports(*, session: WorkshopSession) -> list[dict[str, Any]]:
    """Every workshop of the session in order, with its report, notes and number of members."""
    workshops = (
        Workshop.objects.filter(session=session)
        .select_related("report", "notes")
        .annotate(members=Count("assignments"))
        .order_by("position", "pk")  # Meta.ordering does not apply to a query with GROUP BY
    )
    reports = []
    for workshop in workshops:
        report = getattr(workshop, "report", None)
        notes = getattr(workshop, "notes", None)
        reports.append(
            {
                **report_payload(workshop, report),
                "members": workshop.members,
                "notes_text": notes.text if notes else "",
            }
        )
    return reports


def may_see_reports(user: User, session: WorkshopSession) -> bool:
    """Facilitators at any time; whoever follows the meeting once the workshops are closed."""
    if user.has_perm("workshops.export_outputs", session):
        return True
    return (
        session.round > 0
        and session.effective_status() == WorkshopSession.Status.CLOSED
        and user.has_perm("workshops.view_session", session)
    )


def reports_visible_to(*, user: User, plenary_id: int) -> list[dict[str, Any]] | None:
    """The current session's reports for the meeting socket, or None if not (yet) for this person."""
    session = session_shown(plenary_id=plenary_id)
    if session is None or not may_see_reports(user, session):
        return None
    return recall(("session_reports", session.pk), lambda: session_reports(session=session))


def reports_read(*, actor: User, session_id: int) -> dict[str, Any]:
    """The reports of a session for a socket that asks (once the workshops close, say)."""
    session = access_session(actor, session_id, perm="workshops.view_session")
    if not may_see_reports(actor, session):
        raise AccessDenied("workshops.view_session")
    return {"session_id": session.pk, "reports": session_reports(session=session)}


def report_send(*, actor: User, session_id: int, workshop_id: int, destination: str, choice_id: int) -> str:
    """Send a workshop's report back to a registered destination (a consultation: council/workshops/
    destinations.py); the URL of what it made there. Those who take the outputs out of the
    meeting may send (workshops.export_outputs); the destination asks its own rule too."""
    from council.workshops import destinations

    session = access_session(actor, session_id, perm="workshops.export_outputs")
    workshop = Workshop.objects.filter(session=session, pk=workshop_id).first()
    target = destinations.destination(destination)
    if workshop is None or target is None:
        raise InvalidInput(_("Choose one of this session's workshops and one of the places offered."))
    report = Report.objects.filter(workshop=workshop).first()
    back = destinations.ReportBack(
        council_id=session.room.council_id,
        workshop_id=workshop.pk,
        name=workshop.name,
        topic=workshop.topic,
        summary=report.summary if report else "",
        proposals=tuple(report.proposals) if report else (),
    )
    url: str = target.deliver(actor=actor, report=back, choice_id=choice_id)
    return url
