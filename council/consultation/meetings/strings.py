"""Strings of the contribution's stage card and its tab (frontend/src/consultation/stage.js)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.consultation.models import Contribution
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
    }
