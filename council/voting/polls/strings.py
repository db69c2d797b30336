"""Strings of the polls' panel and stage card on the room page (frontend/src/voting/polls*.js)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.i18n import plural_forms
from council.verifications.requirements import requirement_strings


def attachment_strings() -> dict[str, Any]:
    """How the agenda names a poll attached to one of its items (council/rooms/agenda_links.py)."""
    return {"kind": _("Poll"), "statuses": {"open": _("under way"), "closed": _("closed")}}


def polls_strings() -> dict[str, Any]:
    return {
        "error": _("Error: %(message)s"),
        "kind_single": _("Single choice"),
        "kind_multiple": _("Multiple choice"),
        "kind_yes_no": _("Yes / no / abstain"),
        "kind_scale": _("Scale"),
        "kind_ranking": _("Ranking"),
        "yes": _("Yes"),
        "no": _("No"),
        "abstain": _("Abstain"),
        "choose_one": _("Choose one option"),
        "choose_between": _("Choose from %(min)s to %(max)s options"),
        "scale_legend": _("Your answer, from %(min)s to %(max)s"),
        "ranking_legend": _("Put the options in your order of preference, the first at the top"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "move_up_label": _("Move “%(option)s” up"),
        "move_down_label": _("Move “%(option)s” down"),
        "moved": _("“%(option)s” is now in place %(place)s of %(count)s."),
        "answer_poll": _("Answer the poll"),
        "hide_answer": _("Hide the poll"),
        "change_answer": _("Change my answer"),
        "answered": _("Your answer is recorded. You can change it until the poll closes."),
        "results_caption": plural_forms(lambda n: ngettext("%(count)s answer", "%(count)s answers", n)),
        "row_count": plural_forms(lambda n: ngettext("%(count)s answer (%(percent)s)", "%(count)s answers (%(percent)s)", n)),
        "row_points": plural_forms(lambda n: ngettext("%(count)s point (%(percent)s)", "%(count)s points (%(percent)s)", n)),
        "option": _("Option"),
        "answers": _("Answers"),
        "points": _("Points"),
        "mean": _("Mean: %(mean)s"),
        "results_updated": plural_forms(
            lambda n: ngettext("Results updated: %(count)s answer.", "Results updated: %(count)s answers.", n)
        ),
        "poll_opened": _("A poll is open: %(question)s"),
        "poll_closed": _("The poll is closed: %(question)s. The results are shown."),
        "results_shown": _("Results shown to everyone: %(question)s"),
        "launch": _("Launch"),
        "launch_question": _("Launch the poll “%(question)s”"),
        "unknown_item": _("An item removed from the agenda"),
        "delete": _("Delete"),
        "full_screen": _("Show full screen"),
        "confirm_close": _("Close the poll “%(question)s”? Answers will no longer be accepted."),
        "confirm_delete": _("Delete the poll “%(question)s”?"),
        "prepared": _("The poll is ready: launch it when the time comes."),
        "qr_alt": _("QR code leading to %(url)s"),
        "required_to_answer": _("Required to answer: %(kinds)s"),
        "requirement": requirement_strings(),
    }
