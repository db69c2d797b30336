"""Strings of a questionnaire's results drawn by script (frontend/src/questionnaires/charts.js, results.js).

The same words as templates/questionnaires/results.html, so the page reads the same before and
after a live update.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.i18n import plural_forms


def results_strings() -> dict[str, Any]:
    return {
        "respondents": plural_forms(lambda n: ngettext("%(count)s person answered.", "%(count)s people answered.", n)),
        "answers": plural_forms(lambda n: ngettext("%(count)s answer.", "%(count)s answers.", n)),
        "mean": _("Mean: %(mean)s."),
        "median": _("Median: %(median)s."),
        "hidden": _("hidden"),
        "fewer": _("fewer than %(threshold)s"),
        "updated": _("Results updated."),
        "withdrawn": _("You may no longer read these results: they are hidden."),
        "answer": _("Answer"),
        "people": _("People"),
        "points": _("Points"),
        "share": _("Share of answers"),
        "mean_rank": _("Mean rank"),
        "row": _("Row"),
        "caption_options": _("Answers per option"),
        "caption_ranking": _("Points (the first place counts as many points as there are options) and mean rank"),
        "caption_matrix": _("Answers per row"),
        "pie": _("Pie chart"),
        "distribution": _("Distribution"),
        "no_answer": _("no answer yet"),
        "mean_name": _("Mean"),
        "median_name": _("Median"),
        "mean_mark": _("mean"),
        "median_mark": _("median"),
    }
