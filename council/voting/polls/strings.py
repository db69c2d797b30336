"""Strings of the polls' panel on the room page (frontend/src/voting/polls.js)."""

from typing import Any

from django.utils.translation import gettext as _


def polls_strings() -> dict[str, Any]:
    return {
        "error": _("Error: %(message)s"),
    }
