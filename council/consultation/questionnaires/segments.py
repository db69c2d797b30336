"""Segment condition offered by questionnaires: "answered questionnaire X" (not anonymous ones)."""

from typing import Any

from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.utils.translation import gettext as _

from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.models import Response
from council.core.errors import InvalidInput
from council.councils.models import Council


def answered_questionnaire(council: Council, questionnaire_ids: list[Any]) -> Q:
    """People who answered any of these questionnaires of `council`.

    An anonymous questionnaire names nobody: it matches no one, whatever the rule says.
    """
    try:
        ids = [int(q) for q in questionnaire_ids]
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Questionnaires are named by their number.")) from error
    answered = Response.objects.filter(
        respondent=OuterRef("pk"), questionnaire_id__in=ids, questionnaire__is_anonymous=False,
        questionnaire__consultation__council=council,
    )
    return Q(Exists(answered))


def council_questionnaires(council: Council) -> dict[str, int]:
    """The council's questionnaires that are not anonymous, by title, for the segment builder."""
    return dict(
        Questionnaire.objects.filter(consultation__council=council, is_anonymous=False).values_list("title", "pk")
    )
