"""The minutes (procès-verbal) of a counted vote: what the page and the ODT download say.

One reading, `minutes_of`, gives both: the council, the sitting (date, president, quorum as
checked before opening), the mode and why, the electorate, the participation (by proxy
counted apart), the result with its explanation, the ballot box's head and, for a roll-call
vote, each member's vote. Nothing here is written: the vote is closed.
"""

import io
from typing import Any

from django.db.models import Count
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import Participation
from council.voting.ballots.models import Vote
from council.voting.ballots.results import result_view
from council.voting.ballots.sitting import MODE_ROLL_CALL


def mode_text(vote: Vote) -> tuple[str, str]:
    """The vote's mode and why, in the reader's language."""
    sitting = vote.sitting or {}
    mode = sitting.get("mode")
    label = (
        _("roll-call vote")
        if mode == MODE_ROLL_CALL
        else _("secret ballot")
        if vote.secret
        else _("vote by name, published with each ballot")
    )
    requests = sitting.get("requests") or {}
    present = requests.get("present", 0)
    reasons = {
        "appointment": lambda: _("An appointment is made by secret ballot (CGCT L2121-21)."),
        "secret_requested": lambda: _(
            "%(count)s of the %(present)s members present asked for a secret ballot; a third is enough "
            "(CGCT L2121-21)."
        )
        % {"count": requests.get("secret", {}).get("count", 0), "present": present},
        "roll_call_requested": lambda: _(
            "%(count)s of the %(present)s members present asked for a roll-call vote; a quarter is enough "
            "(CGCT L2121-21)."
        )
        % {"count": requests.get("roll_call", {}).get("count", 0), "present": present},
        "as_prepared": lambda: _("No request for another mode reached its threshold: the vote was held as prepared."),
    }
    reason = sitting.get("mode_reason")
    why = reasons[reason]() if reason in reasons else _("The vote was held as prepared, outside a sitting.")
    return label, why


def tie_rule_text(vote: Vote) -> str:
    """How a tie is settled in this vote, said on the results page and in the minutes."""
    if not vote.sitting:
        return _("A tie is broken by the order set before the vote, if any; otherwise it stays a tie.")
    if vote.appointment:
        return _(
            "An appointment still tied after the rounds goes to the oldest candidate (CGCT L2121-21): the "
            "officials entered the candidates from the oldest to the youngest as the tie-break order."
        )
    if vote.secret:
        return _("In a secret ballot the president has no casting vote: a tie stays a tie (CGCT L2121-20).")
    president = vote.sitting.get("president_name")
    if not president:
        return _("The sitting had no president when the vote opened: a tie stays a tie.")
    return _(
        "The vote of the president, %(name)s, breaks a tie (CGCT L2121-20), when they voted in person."
    ) % {"name": president}


def minutes_of(vote: Vote) -> dict[str, Any]:
    """Everything the minutes say, as plain values (the page and the ODT render the same)."""
    sitting = vote.sitting or {}
    kinds = dict(
        Participation.objects.filter(vote=vote).values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    mode, why = mode_text(vote)
    quorum = sitting.get("quorum")
    labels = {option.key: option.label for option in vote.options.all()}
    roll_call = []
    if not vote.secret:
        for name, content in BoxEntry.objects.filter(vote=vote).values_list("voter_name", "content"):
            keys = [content["choice"]] if content.get("choice") else content.get("ranking") or content.get("approved")
            said = ", ".join(labels.get(key, key) for key in keys) if keys else _("blank")
            roll_call.append({"name": name, "vote": said})
        roll_call.sort(key=lambda row: row["name"].casefold())
    view = result_view(vote)
    return {
        "vote": vote,
        "council": str(vote.council),
        "sitting_date": parse_datetime(sitting["opened_at"]) if sitting.get("opened_at") else None,
        "president": sitting.get("president_name") or "",
        "quorum": quorum,
        "mode": mode,
        "mode_reason": why,
        "tie_rule": tie_rule_text(vote),
        "electorate_size": vote.electorate_size,
        "fingerprint": vote.electorate_fingerprint,
        "participation": sum(kinds.values()),
        "by_proxy": kinds.get(Participation.Kind.PROXY, 0),
        "on_paper": kinds.get(Participation.Kind.PAPER, 0),
        "winners": view["winners"],
        "rows": view["rows"],
        "sentences": view["sentences"],
        "result": view["result"],
        "head": vote.head,
        "roll_call": roll_call,
    }


def minutes_lines(minutes: dict[str, Any]) -> list[tuple[str, str]]:
    """The minutes as (heading, text) pairs, heading "" for a plain paragraph: what the ODT writes."""
    vote = minutes["vote"]
    lines: list[tuple[str, str]] = [("h1", _("Minutes of the vote: %(title)s") % {"title": vote.title})]
    facts = [
        (_("Council"), minutes["council"]),
        (_("Sitting of"), minutes["sitting_date"].strftime("%Y-%m-%d %H:%M") if minutes["sitting_date"] else "—"),
        (_("President"), minutes["president"] or "—"),
    ]
    quorum = minutes["quorum"]
    if quorum:
        met = _("met") if quorum["met"] else _("not met, reconvened sitting") if quorum["without_quorum_allowed"] else _("not met")
        facts.append((_("Quorum before the vote"), _("%(present)s present and counted, %(required)s required: %(met)s")
                      % {"present": quorum["present"], "required": quorum["required"], "met": met}))
    facts += [
        (_("Mode"), f"{minutes['mode']}. {minutes['mode_reason']}"),
        (_("Counting method"), str(vote.get_method_display())),
        (_("Electorate"), str(minutes["electorate_size"])),
        (_("Electorate fingerprint"), minutes["fingerprint"]),
        (_("Votes cast"), _("%(total)s, of which %(proxy)s by proxy and %(paper)s on paper")
         % {"total": minutes["participation"], "proxy": minutes["by_proxy"], "paper": minutes["on_paper"]}),
        (_("Ballot box head"), minutes["head"]),
    ]
    lines += [("", f"{label}: {value}") for label, value in facts]
    lines.append(("h2", _("Result")))
    outcome = ", ".join(minutes["winners"]) if minutes["winners"] else _("No option is elected.")
    lines.append(("", _("Outcome: %(names)s") % {"names": outcome}))
    lines += [("", f"{row['label']}: {row['votes']}") for row in minutes["rows"]]
    lines += [("", text) for text in minutes["sentences"]]
    lines.append(("", minutes["tie_rule"]))
    if minutes["roll_call"]:
        lines.append(("h2", _("Roll call")))
        lines += [("", f"{row['name']}: {row['vote']}") for row in minutes["roll_call"]]
    return lines


def minutes_odt(minutes: dict[str, Any]) -> bytes:
    """The minutes as an OpenDocument text, for the council's records."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style
    from odf.style import TextProperties
    from odf.text import H
    from odf.text import P

    document = OpenDocumentText()
    for name, size in (("Heading_20_1", "16pt"), ("Heading_20_2", "13pt")):
        style = Style(name=name, family="paragraph")
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        document.styles.addElement(style)
    for kind, text in minutes_lines(minutes):
        if kind:
            level = 1 if kind == "h1" else 2
            document.text.addElement(H(outlinelevel=level, stylename=f"Heading_20_{level}", text=text))
        else:
            document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
