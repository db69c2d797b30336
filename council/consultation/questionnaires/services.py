"""Writes of questionnaires: a person answers once, in the questionnaire phase."""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError
from django.db import transaction
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation.questionnaires import live
from council.consultation.questionnaires import permissions as perms
from council.consultation.questionnaires.answers import answers_clean
from council.consultation.questionnaires.models import Participation
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.models import Response
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput


class AlreadyAnswered(InvalidInput):
    """The person answered already: one answer set per person."""


@transaction.atomic
def questionnaire_answer(*, actor: User, questionnaire_id: int, raw: Mapping[int, Any]) -> None:
    """Store `actor`'s answers (checked by answers.py) and that they answered; once per person.

    Refused with the reason outside the questionnaire phase or when not eligible. In an
    anonymous questionnaire the stored answers name nobody and nothing links them to the
    participation (models.py); nothing is returned that would.
    """
    questionnaire = (
        Questionnaire.objects.select_related("consultation__council")
        .prefetch_related("consultation__phases", "consultation__eligible_groups")
        .filter(pk=questionnaire_id).first()
    )
    if questionnaire is None or not actor.has_perm("consultation.view_consultation", questionnaire.consultation):
        raise AccessDenied("consultation.view_consultation")
    reason = perms.why_not_answer(actor, questionnaire)
    if reason:
        raise AccessDenied(reason, perm=perms.ANSWER)
    answers = answers_clean(list(questionnaire.questions.select_related("show_if")), raw)
    try:
        with transaction.atomic():  # two submits at once: the second meets the unique constraint
            Participation.objects.create(questionnaire=questionnaire, user=actor)
    except IntegrityError as error:
        raise AlreadyAnswered(_("You have already answered this questionnaire: one answer per person.")) from error
    respondent = None if questionnaire.is_anonymous else actor
    Response.objects.create(questionnaire=questionnaire, respondent=respondent, answers=answers)
    transaction.on_commit(lambda: live.results_changed_soon(questionnaire_id))  # coalesced: never one send per answer
