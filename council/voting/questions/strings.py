"""Strings of the Q&A panel and projector page, translated on the server (Django i18n).

The scripts fill the `%(name)s` placeholders and pick plural forms with frontend/src/core/i18n.js.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.i18n import plural_forms


def _votes() -> Any:
    return plural_forms(lambda n: ngettext("%(count)s vote", "%(count)s votes", n))


def panel_strings() -> dict[str, Any]:
    """The Questions tab of the room page (frontend/src/voting/questions.js)."""
    return {
        "error": _("Error: %(message)s"),
        "chars_left": plural_forms(
            lambda n: ngettext("%(count)s character left", "%(count)s characters left", n)
        ),
        "chars_over": plural_forms(
            lambda n: ngettext("%(count)s character too many", "%(count)s characters too many", n)
        ),
        "empty_text": _("Write your question first."),
        "sent": _("Your question was sent."),
        "sent_pending": _("Your question was sent: it will be shown once the facilitation team approves it."),
        "new_question": _("New question: %(text)s"),
        "anonymous_author": _("Anonymous"),
        "asked_by": _("Asked by %(name)s"),
        "asked_by_anonymous": _("Asked anonymously by %(name)s"),
        "votes": _votes(),
        "upvote": _("Support"),
        "upvote_label": _("Support the question “%(text)s”"),
        "pending_badge": _("waiting for approval"),
        "answered_badge": _("answered"),
        "shortlisted_badge": _("shortlisted"),
        "shown_badge": _("on the screen"),
        "yours_badge": _("your question"),
        "withdraw": _("Withdraw"),
        "withdrawn": _("Your question was withdrawn."),
        "approve": _("Approve"),
        "hide": _("Hide"),
        "hide_reason": _("Why is this question hidden?"),
        "hidden_reason": _("Hidden: %(reason)s"),
        "shortlist": _("Shortlist"),
        "unshortlist": _("Remove from the shortlist"),
        "answer": _("Mark answered"),
        "unanswer": _("Not answered yet"),
        "show": _("Show on the screen"),
        "unshow": _("Take off the screen"),
        "merge": _("Merge into…"),
        "merge_label": _("Merge “%(text)s” into another question"),
        "merged": _("The question was merged."),
        "done": _("Done."),
        "settings_saved": _("The settings are saved."),
        "nothing_shown": _("No question is on the screen."),
    }


def screen_strings() -> dict[str, Any]:
    """The projector page (frontend/src/voting/questions_screen.js)."""
    return {
        "votes": _votes(),
        "nothing": _("No question is on the screen."),
        "anonymous_author": _("Anonymous"),
        "answered": _("Answered"),
        "disconnected": _("Connection lost: reconnecting…"),
    }
