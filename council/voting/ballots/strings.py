"""Strings of the votes' panel on the room page (frontend/src/ballots/meeting.js)."""

from typing import Any

from django.utils.translation import gettext as _

from council.voting.ballots.models import Vote


def meeting_strings() -> dict[str, Any]:
    return {
        "none": _("No vote in this meeting yet."),
        "state": _("%(status)s · votes cast: %(count)s"),
        "head": _("Ballot box head: %(head)s"),
        "changed": _("%(title)s: %(status)s"),
        "open_page": _("Go to the vote: %(title)s"),
        "status": {value: str(label) for value, label in Vote.Status.choices},
    }
