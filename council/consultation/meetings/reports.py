"""A workshop's report back turned into a contribution of an open consultation (a report
destination of workshops: council/workshops/destinations.py).

It is made by the consultation's own write path (`services.contribution_create`, as a resident's
contribution is): the same checks of its text, the same idempotency, the author following it, the
same event to open pages. Two things differ, by the rule `consultation_meetings.receive_report`:
the author is the facilitator who sends it on behalf of the workshop's participants (so the
consultation's moderators, not its eligible residents, may send one); and the phase rule is the
residents' own: a report arrives while contributions are open, so it is read, supported and
answered with the others, never slipped into a consultation that already closed.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation import permissions as consultation_perms
from council.consultation import selectors
from council.consultation import services
from council.consultation.meetings.permissions import RECEIVE_REPORT
from council.consultation.models import MAX_TITLE_CHARS
from council.consultation.models import Consultation
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
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


def _title(report: ReportBack) -> str:
    if report.topic:
        title = _("Workshop “%(name)s”: %(topic)s") % {"name": report.name, "topic": report.topic}
    else:
        title = _("Workshop “%(name)s”") % {"name": report.name}
    return title[:MAX_TITLE_CHARS]  # made here from the workshop's name and topic: shortened, not refused


def _require_receiver(actor: User, consultation: Consultation | None) -> Consultation:
    """Refuse unless `actor` moderates the consultation and contributions are open there; the phase
    refusal says when they open, or that they closed."""
    if consultation is None or not actor.has_perm("consultation.moderate_consultation", consultation):
        raise AccessDenied(RECEIVE_REPORT)
    if not actor.has_perm(RECEIVE_REPORT, consultation):
        reason = consultation_perms.phase_refusal(consultation, submitting=True)
        raise AccessDenied(reason, perm=RECEIVE_REPORT)
    return consultation


@transaction.atomic
def report_to_contribution(*, actor: User, report: ReportBack, choice_id: int) -> str:
    """Make the report a contribution of consultation `choice_id` by `actor`; its URL.

    Sent twice, the same report makes one contribution (the workshop is its idempotency key).
    Open pages of the consultation see it appear (consultation.contribution_published).
    """
    consultation = _require_receiver(actor, Consultation.objects.select_related("council").prefetch_related("phases").filter(
        pk=choice_id, council_id=report.council_id
    ).first())

    def fields() -> dict[str, Any]:
        body = _text(report)
        if not body:
            raise InvalidInput(_("This workshop's report is empty: write its summary or proposals first."))
        return services.contribution_fields(
            consultation, title=_title(report), body=body, category_id=None, latitude=None, longitude=None
        )

    contribution = services.contribution_create(
        consultation=consultation, author=actor, request_id=f"workshop-report-{report.workshop_id}", fields=fields
    )
    return selectors.contribution_url(contribution)
