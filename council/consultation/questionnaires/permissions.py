"""Who may answer a questionnaire and read its results (docs/permissions.md, "Questionnaires").

Answering is asked of the consultation's own rules: published, in its questionnaire phase,
and a participant (the council's people in its eligible groups: `is_eligible`, the one
mechanism). Results: the council's facilitators at any time; everyone from the results phase
on when the questionnaire says so.
"""

import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation import permissions as consultation_perms
from council.consultation.models import PhaseKind
from council.consultation.questionnaires.models import Questionnaire
from council.core.errors import AccessDenied
from council.core.memo import remembered
from council.core.permissions import predicate

ANSWER = "questionnaires.answer_questionnaire"
VIEW_RESULTS = "questionnaires.view_results"


@predicate
def phase_allows_answering(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    phase = questionnaire.consultation.current_phase
    return phase is not None and phase.kind == PhaseKind.QUESTIONNAIRE


@predicate
def results_phase_reached(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    return bool(consultation_perms.results_phase_reached(user, questionnaire.consultation))


@predicate
def results_are_public(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    return questionnaire.results_public


@predicate
def consultation_is_published(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    return bool(consultation_perms.consultation_is_published(user, questionnaire.consultation))


@predicate
def is_participant(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    return bool(consultation_perms.is_participant(user, questionnaire.consultation))


@predicate
def is_moderator(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    return bool(consultation_perms.is_moderator(user, questionnaire.consultation))


rules.add_perm(ANSWER, consultation_is_published & phase_allows_answering & is_participant)
rules.add_perm(VIEW_RESULTS, is_moderator | (consultation_is_published & results_are_public & results_phase_reached))


def is_open(questionnaire: Questionnaire) -> bool:
    """Whether the questionnaire takes answers now (its consultation published, in its questionnaire phase)."""
    return questionnaire.consultation.is_published and bool(phase_allows_answering(AnonymousUser(), questionnaire))


def access_questionnaire(
    user: User | AnonymousUser, consultation_id: int, *, council_id: int | None = None, perm: str = consultation_perms.VIEW
) -> Questionnaire:
    """The questionnaire of a consultation `user` may read, checked for `perm`; missing and forbidden alike."""
    found = Questionnaire.objects.select_related("consultation__council").prefetch_related(
        "consultation__phases", "consultation__eligible_groups"
    )
    if council_id is not None:
        found = found.filter(consultation__council_id=council_id)
    questionnaire = found.filter(consultation_id=consultation_id).first()
    with remembered():
        if questionnaire is None or not user.has_perm(consultation_perms.VIEW, questionnaire.consultation):
            raise AccessDenied(consultation_perms.VIEW)
        if perm != consultation_perms.VIEW and not user.has_perm(perm, questionnaire):
            raise AccessDenied(perm)
    return questionnaire


def why_not_answer(user: User | AnonymousUser, questionnaire: Questionnaire) -> str:
    """The reason, in words, that `user` may not answer now (asked of the rule's predicates), or ""."""
    consultation = questionnaire.consultation
    with remembered():
        if user.has_perm(ANSWER, questionnaire):
            return ""
        if not consultation.is_published:
            return _("This consultation is not published yet.")
        if not phase_allows_answering(user, questionnaire):
            phase = next((p for p in consultation.phases.all() if p.kind == PhaseKind.QUESTIONNAIRE), None)
            if phase is not None and phase.starts_at > timezone.now():
                return _("The questionnaire opens on %(date)s.") % {"date": consultation_perms._when(phase.starts_at)}
            return _("The questionnaire is closed.")
        if not user.is_authenticated:
            return _("Log in to answer.")
        return consultation_perms.why_not_take_part(user, consultation, consultation_perms.COMMENT)
