"""Strings of the stage's contribution card and questionnaire results, and their tab (frontend/src/consultation/stage.js)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.consultation.models import Contribution
from council.consultation.questionnaires.strings import results_strings
from council.core.i18n import plural_forms


def stage_strings() -> dict[str, Any]:
    return {
        "shown": _("On the stage: “%(title)s”."),
        "ended": _("No contribution is on the stage any more."),
        "none": _("No contribution is on the stage."),
        "no_contribution": _("No published contribution to bring into the meeting."),
        "added": _("Added to the agenda."),
        "by": _("by %(author)s, in “%(consultation)s”"),
        "endorsements": plural_forms(lambda n: ngettext("%(count)s support", "%(count)s supports", n)),
        "statuses": {str(value): str(label) for value, label in Contribution.Status.choices},
        "error": _("Refused: %(message)s"),
        "results": {
            **results_strings(),
            "shown": _("On the stage: the results of “%(title)s”."),
            "ended": _("No questionnaire results are on the stage any more."),
            "none": _("No questionnaire results are on the stage."),
            "no_questionnaire": _("No questionnaire whose results you may bring into the meeting."),
            "of": _("Questionnaire of the consultation “%(consultation)s”"),
            "added": _("Added to the agenda."),
            "error": _("Refused: %(message)s"),
        },
    }
