"""Strings of the results announcement on the room page (frontend/src/budgeting/stage.js)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.i18n import plural_forms


def stage_strings() -> dict[str, Any]:
    return {
        "heading": _("Results of “%(title)s”"),
        "progress": plural_forms(
            lambda n: ngettext(
                "%(count)s of %(total)s selected project revealed",
                "%(count)s of %(total)s selected projects revealed",
                n,
            )
        ),
        "revealed": _("Selected: %(title)s, %(cost)s."),
        "spent": _("%(spent)s of %(amount)s"),
        "started": _("The results of “%(title)s” are being announced."),
        "ended": _("The announcement of the results is over."),
        "none": _("No budget results are being announced."),
        "no_budget": _("No budget has computed results to announce."),
        "error": _("Refused: %(message)s"),
    }
