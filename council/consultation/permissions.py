"""Who may read, take part in and moderate a consultation (docs/permissions.md, "Consultations").

Participation is asked about the consultation (its phase and eligible groups decide); editing
and withdrawing about the contribution (its author and age decide). Reading is open to
everyone, visitors included, once the consultation is published.
"""

from datetime import timedelta
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import formats
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation import phases
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import PhaseKind
from council.core.errors import AccessDenied
from council.core.memo import remembered
from council.core.permissions import predicate
from council.councils.permissions import has_council_role
from council.councils.permissions import is_council_facilitator
from council.groups.permissions import is_eligible
from council.verifications.requirements import is_met
from council.verifications.requirements import requirement_of
from council.youth.permissions import age_allows
from council.youth.selectors import age_refusal

VIEW = "consultation.view_consultation"
VIEW_CONTRIBUTION = "consultation.view_contribution"
MANAGE = "consultation.manage_consultation"
MODERATE = "consultation.moderate_consultation"
EXPORT = "consultation.export_consultation"
ADD_CONTRIBUTION = "consultation.add_contribution"
CHANGE_CONTRIBUTION = "consultation.change_contribution"
WITHDRAW_CONTRIBUTION = "consultation.withdraw_contribution"
ENDORSE = "consultation.endorse_contribution"
COMMENT = "consultation.comment_contribution"
REPORT = "consultation.report_content"
FOLLOW = "consultation.follow_contribution"
VIEW_STATISTICS = "consultation.view_statistics"


def _consultation(obj: Any) -> Consultation:
    return obj.consultation if isinstance(obj, Contribution) else obj


@predicate
def consultation_is_published(user: User | AnonymousUser, obj: Any) -> bool:
    return _consultation(obj).is_published


@predicate
def phase_allows_submitting(user: User | AnonymousUser, obj: Any) -> bool:
    phase = _consultation(obj).current_phase
    return phase is not None and phase.kind in phases.SUBMITTING


@predicate
def phase_allows_discussing(user: User | AnonymousUser, obj: Any) -> bool:
    phase = _consultation(obj).current_phase
    return phase is not None and phase.kind in phases.DISCUSSING


@predicate
def results_phase_reached(user: User | AnonymousUser, obj: Any) -> bool:
    """The results phase has begun (as for a questionnaire's public results)."""
    now = timezone.now()
    return any(p.kind == PhaseKind.RESULTS and p.starts_at <= now for p in _consultation(obj).phases.all())


@predicate
def is_eligible_for_consultation(user: User | AnonymousUser, obj: Any) -> bool:
    return bool(user.is_authenticated and is_eligible(user, _consultation(obj)))


@predicate
def is_contribution_author(user: User | AnonymousUser, contribution: Contribution) -> bool:
    return user.is_authenticated and contribution.author_id == user.pk


@predicate
def contribution_is_visible(user: User | AnonymousUser, contribution: Contribution) -> bool:
    return contribution.is_visible


@predicate
def contribution_is_withdrawn(user: User | AnonymousUser, contribution: Contribution) -> bool:
    return contribution.withdrawn_at is not None


@predicate
def within_edit_window(user: User | AnonymousUser, contribution: Contribution) -> bool:
    minutes = contribution.consultation.edit_minutes
    return timezone.now() < contribution.created_at + timedelta(minutes=minutes)


@predicate
def is_moderator(user: User | AnonymousUser, obj: Any) -> bool:
    return bool(is_council_facilitator(user, _consultation(obj)))


@predicate
def is_participant(user: User | AnonymousUser, obj: Any) -> bool:
    """A person of the council in the consultation's eligible groups (all of it with none chosen),
    holding the verifications it requires (council/verifications)."""
    consultation = _consultation(obj)
    return bool(
        has_council_role(user, consultation)
        and is_eligible_for_consultation(user, consultation)
        and age_allows(user, consultation)
        and is_met(user, consultation.council, requirement_of(consultation))
    )


can_view = consultation_is_published | is_moderator
signed_in_reader = rules.is_authenticated & can_view

rules.add_perm(VIEW, can_view)
# A hidden (or merged) contribution stays readable by its author, with the reason, and by the moderators.
rules.add_perm(
    VIEW_CONTRIBUTION,
    can_view & (contribution_is_visible | (~contribution_is_withdrawn & (is_contribution_author | is_moderator))),
)
rules.add_perm(MANAGE, is_moderator)
rules.add_perm(MODERATE, is_moderator)
rules.add_perm(EXPORT, is_moderator)
# The counts of contributions, supports, comments and participants: the moderators', everyone's once
# the results phase has begun (the contributions are public already; the statistics add no name).
rules.add_perm(VIEW_STATISTICS, is_moderator | (consultation_is_published & results_phase_reached))
rules.add_perm(ADD_CONTRIBUTION, consultation_is_published & phase_allows_submitting & is_participant)
rules.add_perm(
    CHANGE_CONTRIBUTION,
    consultation_is_published & is_contribution_author & contribution_is_visible & phase_allows_submitting
    & within_edit_window & is_participant,
)
rules.add_perm(WITHDRAW_CONTRIBUTION, is_contribution_author & contribution_is_visible)
rules.add_perm(ENDORSE, consultation_is_published & phase_allows_discussing & is_participant)
rules.add_perm(COMMENT, consultation_is_published & phase_allows_discussing & is_participant)
rules.add_perm(REPORT, signed_in_reader)
rules.add_perm(FOLLOW, signed_in_reader)


def access_consultation(
    user: User | AnonymousUser, consultation_id: int, *, council_id: int | None = None, perm: str = VIEW
) -> Consultation:
    """Fetch a consultation (of `council_id` if given) and check `perm`; missing and forbidden raise the same."""
    found = Consultation.objects.select_related("council").prefetch_related("phases", "eligible_groups")
    if council_id is not None:
        found = found.filter(council_id=council_id)
    consultation = found.filter(pk=consultation_id).first()
    with remembered():
        if consultation is None or not user.has_perm(perm, consultation):
            raise AccessDenied(perm)
    return consultation


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def phase_refusal(consultation: Consultation, *, submitting: bool) -> str:
    """Why the current phase refuses contributions (`submitting`) or comments and support, in words; "" if it allows them."""
    if not consultation.is_published:
        return _("This consultation is not published yet.")
    phase = consultation.current_phase
    allowed = phases.SUBMITTING if submitting else phases.DISCUSSING
    if phase is not None and phase.kind in allowed:
        return ""
    opening = next((p for p in consultation.phases.all() if p.kind in allowed and p.starts_at > timezone.now()), None)
    if opening is not None and submitting:
        return _("Contributions open on %(date)s.") % {"date": _when(opening.starts_at)}
    if opening is not None:
        return _("Comments and support open on %(date)s.") % {"date": _when(opening.starts_at)}
    return _("Contributions are closed.") if submitting else _("Comments and support are closed.")


def why_not_take_part(user: User | AnonymousUser, consultation: Consultation, perm: str) -> str:
    """The reason, in words, that `user` may not `perm` (asked of the rule's own predicates), or ""."""
    if user.has_perm(perm, consultation):
        return ""
    if refusal := phase_refusal(consultation, submitting=perm == ADD_CONTRIBUTION):
        return refusal
    if not user.is_authenticated:
        return _("Log in to take part.")
    if not has_council_role(user, consultation):
        return _("Only the council's residents take part: join the council first.")
    if not is_eligible_for_consultation(user, consultation):
        names = ", ".join(group.name for group in consultation.eligible_groups.all())
        return _("This consultation is open only to these groups: %(groups)s.") % {"groups": names}
    if refusal := age_refusal(user, consultation):
        return refusal
    if not is_met(user, consultation.council, requirement_of(consultation)):
        return verification_reason(consultation)
    return str(AccessDenied(perm).message)


def verification_reason(consultation: Consultation) -> str:
    return _("This requires a verification you do not hold yet: %(kinds)s.") % {
        "kinds": requirement_of(consultation).describe()
    }
