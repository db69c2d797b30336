"""Strings of the consultation's page scripts (frontend/src/consultation/consultation.js and map.js)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.consultation.models import Comment
from council.consultation.models import Contribution
from council.core.i18n import plural_forms


def page_strings() -> dict[str, Any]:
    return {
        "statuses": dict(Contribution.Status.choices),
        "stances": dict(Comment.Stance.choices),
        "endorsements": plural_forms(lambda n: ngettext("%(count)s support", "%(count)s supports", n)),
        "comments": plural_forms(lambda n: ngettext("%(count)s comment", "%(count)s comments", n)),
        "new_contribution": _("New contribution: %(title)s"),
        "removed": _("This contribution was withdrawn, hidden or merged."),
        "comment_hidden": _("This comment was hidden by the moderators."),
        "new_comment": _("New comment by %(author)s"),
        "answer": _("Answer of the council"),
        "by": _("by %(author)s"),
        "missed": _("The page may have missed changes while offline: reload it to see them."),
        "reload": _("Reload"),
    }


def map_strings() -> dict[str, Any]:
    """Strings of the map's script (frontend/src/consultation/map.js)."""
    return {
        # a cluster of markers, named for screen readers; Enter zooms into it
        "cluster": plural_forms(
            lambda n: ngettext("%(count)s contribution here: zoom in", "%(count)s contributions here: zoom in", n)
        ),
        "new_contribution": _("New contribution: %(title)s"),
        "no_place": _("no place given"),
        "place": _("latitude %(latitude)s; longitude %(longitude)s"),
    }
