"""Strings and figures of the ballot script (frontend/src/budgeting/ballot.js) and of the results
announcement on the room page (frontend/src/budgeting/stage.js)."""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.budgeting import explain
from council.budgeting.models import Budget
from council.core.i18n import plural_forms


def ballot_strings(budget: Budget) -> dict[str, Any]:
    return {
        "language": get_language() or "en",
        "kind": budget.ballot_kind,
        "amount": str(budget.amount),
        "currency": explain.SYMBOLS.get(budget.currency, budget.currency),  # as explain.money writes it
        "min_projects": budget.min_projects,
        "max_projects": budget.max_projects,
        "max_points": budget.max_points,
        "spent": _("Spent: %(total)s of %(amount)s. Left: %(left)s."),
        "over": _("Over the budget by %(over)s: remove a project to submit."),
        "chosen": plural_forms(lambda n: ngettext("%(count)s project chosen", "%(count)s projects chosen", n)),
        "too_many": _("More than %(max)s: remove one to submit."),
        "points_left": plural_forms(lambda n: ngettext("%(count)s point left", "%(count)s points left", n)),
        "points_over": _("%(over)s points too many: take some back to submit."),
        "ranked": plural_forms(lambda n: ngettext("%(count)s project ranked", "%(count)s projects ranked", n)),
        "ballots": plural_forms(lambda n: ngettext("%(count)s ballot submitted", "%(count)s ballots submitted", n)),
    }


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
