"""A session's outputs (each workshop's report and notes) and its log, as CSV and Markdown.

Until the consultation module exists, these are what remains of the workshops after
the meeting: CSV for a spreadsheet, Markdown to paste into the minutes.
"""

import csv
import io
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.workshops.models import WorkshopSession
from council.workshops.reports import session_reports
from council.workshops.selectors import session_log

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def outputs_csv(*, session: WorkshopSession) -> str:
    """One row per workshop: name, topic, members, summary, one column per proposal, notes."""
    reports = session_reports(session=session)
    columns = max([session.max_proposals, *(len(r["proposals"]) for r in reports)])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Workshop"),
            _("Topic"),
            _("Members"),
            _("Summary"),
            *(_("Proposal %(number)d") % {"number": n} for n in range(1, columns + 1)),
            _("Notes"),
        ]
    )
    for report in reports:
        proposals = report["proposals"] + [""] * (columns - len(report["proposals"]))
        writer.writerow(
            [
                _cell(report["name"]),
                _cell(report["topic"]),
                report["members"],
                _cell(report["summary"]),
                *(_cell(p) for p in proposals),
                _cell(report["notes_text"]),
            ]
        )
    return out.getvalue()


def _quoted(text: str) -> list[str]:
    """Notes as a Markdown block quote, so their own lines and headings stay inside it."""
    return [f"> {line}".rstrip() for line in text.strip().splitlines()]


def outputs_markdown(*, session: WorkshopSession) -> str:
    """The outputs as Markdown: one section per workshop, for the meeting's minutes."""
    lines = [f"# {session.title}", ""]
    for report in session_reports(session=session):
        lines += [f"## {report['name']}", ""]
        if report["topic"]:
            lines += [f"*{report['topic'].strip()}*", ""]
        members = report["members"]
        lines += [ngettext("%(count)d participant", "%(count)d participants", members) % {"count": members}, ""]
        lines += [f"### {_('Summary')}", "", report["summary"] or _("No summary."), ""]
        lines += [f"### {_('Key proposals')}", ""]
        if report["proposals"]:
            lines += [f"{number}. {p}" for number, p in enumerate(report["proposals"], start=1)]
        else:
            lines.append(_("No proposals."))
        lines.append("")
        if report["notes_text"].strip():
            lines += [f"### {_('Notes')}", "", *_quoted(report["notes_text"]), ""]
    return "\n".join(lines).rstrip() + "\n"


def log_csv(*, session: WorkshopSession) -> str:
    """The session's log: when (local time, to the second), what, which workshop, who, by whom."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("When"), _("What"), _("Workshop"), _("Person"), _("By"), _("Text")])
    for entry in session_log(session=session):
        writer.writerow(
            [
                timezone.localtime(datetime.fromisoformat(entry["at"])).strftime("%Y-%m-%d %H:%M:%S"),
                _cell(entry["label"]),
                _cell(entry["workshop"]),
                _cell(entry["user"]["name"] if entry["user"] else ""),
                _cell(entry["actor"]["name"] if entry["actor"] else ""),
                _cell(entry["text"]),
            ]
        )
    return out.getvalue()
