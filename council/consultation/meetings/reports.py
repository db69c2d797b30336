"""A workshop's report back turned into a contribution of an open consultation (a report
destination of workshops: council/workshops/destinations.py)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation import events
from council.consultation import selectors
from council.consultation.meetings.permissions import RECEIVE_REPORT
from council.consultation.models import MAX_BODY_CHARS
from council.consultation.models import MAX_TITLE_CHARS
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Follow
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.realtime import send_event_on_commit
from council.workshops.destinations import Choice
from council.workshops.destinations import ReportBack


def open_consultations(actor: Any, council_id: int) -> list[Choice]:
    """The council's consultations `actor` may add a report back to (their moderators', contributions open)."""
    consultations = Consultation.objects.filter(council_id=council_id, is_published=True).prefetch_related("phases")
    return [Choice(id=c.pk, label=c.title) for c in consultations if actor.has_perm(RECEIVE_REPORT, c)]


def _text(report: ReportBack) -> str:
    """The summary, then the key proposals as a list (plain text: line breaks are kept)."""
    parts = [report.summary.strip()] if report.summary.strip() else []
    if report.proposals:
        parts.append("\n".join([_("Key proposals:"), *(f"- {proposal}" for proposal in report.proposals)]))
    return "\n\n".join(parts)


@transaction.atomic
def report_to_contribution(*, actor: User, report: ReportBack, choice_id: int) -> str:
    """Make the report a contribution of consultation `choice_id` by `actor`; its URL.

    Sent twice, the same report makes one contribution (the workshop is its idempotency key).
    Open pages of the consultation see it appear (consultation.contribution_published).
    """
    consultation = Consultation.objects.select_related("council").prefetch_related("phases").filter(
        pk=choice_id, council_id=report.council_id
    ).first()
    if consultation is None or not actor.has_perm(RECEIVE_REPORT, consultation):
        raise AccessDenied(RECEIVE_REPORT)
    request_id = f"workshop-report-{report.workshop_id}"
    again = Contribution.objects.filter(consultation=consultation, author=actor, client_request_id=request_id).first()
    if again is not None:
        return selectors.contribution_url(again)
    body = _text(report)
    if not body:
        raise InvalidInput(_("This workshop's report is empty: write its summary or proposals first."))
    if report.topic:
        title = _("Workshop “%(name)s”: %(topic)s") % {"name": report.name, "topic": report.topic}
    else:
        title = _("Workshop “%(name)s”") % {"name": report.name}
    contribution = Contribution.objects.create(
        consultation=consultation, author=actor, client_request_id=request_id,
        title=title[:MAX_TITLE_CHARS], body=body[:MAX_BODY_CHARS],
    )
    Follow.objects.create(contribution=contribution, user=actor)
    send_event_on_commit(
        events.consultation_group(consultation.pk), events.CONTRIBUTION_PUBLISHED, selectors.contribution_payload(contribution.pk)
    )
    return selectors.contribution_url(contribution)
