"""Strings of the votes' panel and of the ballot card on the stage (frontend/src/ballots/)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.i18n import plural_forms
from council.voting.ballots.models import Vote


def meeting_strings() -> dict[str, Any]:
    return {
        "none": _("No vote in this meeting yet."),
        "state": _("%(status)s · votes cast: %(count)s"),
        "head": _("Ballot box head: %(head)s"),
        "changed": _("%(title)s: %(status)s"),
        "open_page": _("Go to the vote: %(title)s"),
        "steps": {"open": _("Open the vote"), "close": _("Close and count"), "publish": _("Publish the results and the ballots")},
        "step_label": _("%(step)s: %(title)s"),
        "step_error": _("%(title)s: %(message)s"),
        "status": {value: str(label) for value, label in Vote.Status.choices},
        "stage": stage_strings(),
    }


def stage_strings() -> dict[str, Any]:
    """The ballot card above the video (frontend/src/ballots/stage.js)."""
    return {
        "participation": plural_forms(
            lambda n: ngettext(
                "%(count)s of %(total)s has voted", "%(count)s of %(total)s have voted", n
            )
        ),
        "show": _("Vote now"),
        "hide": _("Hide the ballot"),
        "show_receipt": _("Show my receipt"),
        "show_head": _("Show the ballot box head"),
        "hide_head": _("Hide the ballot box head"),
        "copied_head": _("Ballot box head copied."),
        "copied": _("Receipt copied."),
        "choose_one": _("Your choice"),
        "choose_approval": _("Tick every option you approve"),
        "rank_legend": _(
            "Rank the options, from your first choice down; leave the ranks you do not want empty"
        ),
        "rank": _("Choice %(rank)s"),
        "grade_legend": _("Your grade for %(label)s"),
        "need_choice": _("Choose an option, or vote blank."),
        "need_grades": _("Give a grade to every option, or vote blank."),
        "confirm": _("Cast this ballot? %(summary)s. A ballot cannot be changed once cast."),
        "confirm_blank": _("Cast a blank ballot? A ballot cannot be changed once cast."),
        "summary_none": _("no option ticked"),
        "cast_sending": _("Sending your ballot…"),
        "cast_done": _("Your ballot is in the ballot box. Keep your receipt."),
        "error": _("Your ballot was not recorded: %(message)s"),
        "undelivered": _("Your ballot could not be delivered. Try again: it will be counted once."),
        "opened": _("A vote is open: %(title)s"),
        # several votes open at once: which vote a count or a confirmation is about
        "participation_of": _("%(title)s — %(count)s"),
        "confirm_in": _("%(title)s — %(text)s"),
        "closed": _("The vote is closed: %(title)s"),
        "reasons": {
            "not_open": _("This vote is not open."),
            "voted": _("You have voted in this vote."),
            "not_elector": _(
                "You are not in this vote's electorate: it was set when the vote was prepared "
                "(the council's members, or the groups it is open to)."
            ),
            "verification": _(
                "This vote requires a verification you do not hold yet: %(kinds)s. Obtain it, then come back to vote."
            ),
            "not_present": _("This vote is open only to those present at the meeting."),
        },
    }
