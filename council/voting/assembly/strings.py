"""Strings of the "Sitting" tab (frontend/src/assembly/assembly.js), translated on the server."""

from typing import Any

from django.utils.translation import gettext as _


def panel_strings() -> dict[str, Any]:
    return {
        "error": _("Error: %(message)s"),
        "no_sitting": _("No sitting is open."),
        "quorum_met": _("Quorum met: %(present)s present and counted, %(required)s needed (of %(in_office)s in office)."),
        "quorum_not_met": _(
            "Quorum not met: %(present)s present and counted, %(required)s needed (of %(in_office)s in office)."
        ),
        "without_quorum": _("Reconvened sitting: it deliberates without quorum (CGCT L2121-17)."),
        "counts": _("In the hall: %(hall)s · online: %(online)s"),
        "online_not_counted": _("People following online do not count toward the quorum."),
        "online_counted": _("People following online count toward the quorum (the council's charter)."),
        "proxies_not_counted": _("Proxies do not count toward the quorum."),
        "me_hall": _("You are signed in as present in the hall."),
        "me_online": _("You are present online."),
        "me_absent": _("You are not counted as present."),
        "me_not_in_office": _("You are not a member in office: you follow the sitting."),
        "held": _("You hold the proxy of %(names)s."),
        "given": _("You gave your proxy to %(names)s."),
        "requests": _("Roll call asked by %(roll)s (%(roll_needed)s needed) · secret ballot asked by %(secret)s (%(secret_needed)s needed)."),
        "roll_call_met": _("A quarter of those present asked for a roll-call vote."),
        "secret_met": _("A third of those present asked for a secret ballot."),
        "withdraw_roll_call": _("Withdraw my request for a roll-call vote"),
        "withdraw_secret": _("Withdraw my request for a secret ballot"),
        "ask_roll_call": _("Ask for a roll-call vote"),
        "ask_secret": _("Ask for a secret ballot"),
        "president": _("Presided by %(name)s."),
        "no_president": _("No president has been chosen: a tie in a vote by name stays a tie."),
        "opened": _("The sitting is open."),
        "closed": _("The sitting is closed."),
    }
