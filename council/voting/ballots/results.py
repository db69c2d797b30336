"""The result of a count, made readable: rows with shares, rounds, grade profiles, sentences.

The counting package explains itself with codes and parameters (never prose); the
sentences are here, translated. A code this page does not know yet is shown as is.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.voting.ballots.models import Vote


def _label(labels: dict[str, str], key: Any) -> str:
    return labels.get(str(key), str(key))


def _labels(labels: dict[str, str], keys: Any) -> str:
    return ", ".join(_label(labels, key) for key in keys or [])


def reason_text(reason: Any) -> str:
    """Why a tie was broken: the sitting's rules (codes set at closing) or the officials' own words."""
    if reason == "president_casting_vote":
        return _("the president's casting vote, CGCT L2121-20")
    if reason == "oldest_candidate":
        return _("the oldest candidate, CGCT L2121-21")
    return str(reason) if reason else _("the tie-break order set before the vote")


def sentence(note: dict[str, Any], labels: dict[str, str], grades: list[str]) -> str:
    """One step of the explanation as a sentence (labels for option keys, grade names for grades)."""
    code, p = note.get("code", ""), dict(note.get("params", {}))
    option = _label(labels, p.get("option") or p.get("winner") or "")
    options = _labels(labels, p.get("options"))
    grade = grades[p["median"]] if isinstance(p.get("median"), int) and p["median"] < len(grades) else p.get("median")
    texts = {
        "ballots_counted": lambda: _("%(ballots)s ballots counted.") % {"ballots": p.get("ballots", p.get("count", ""))},
        "invalid_ballots": lambda: ngettext(
            "%(count)s ballot was invalid and not counted.", "%(count)s ballots were invalid and not counted.",
            int(p.get("count", 0)),
        ) % {"count": p.get("count", 0)},
        "no_votes_cast": lambda: _("No vote was cast for any option: nobody is elected."),
        "no_support": lambda: _("No option received any support."),
        "motion_adopted": lambda: _("The motion is adopted: %(for)s for, %(against)s against.") % p,
        "motion_rejected": lambda: _("The motion is rejected: %(for)s for, %(against)s against.") % p,
        "most_votes": lambda: _("%(option)s has the most votes (%(votes)s).") % {"option": option, "votes": p.get("votes")},
        "threshold": lambda: _("The majority required is %(threshold)s votes out of %(cast)s cast.") % p,
        "majority_reached": lambda: _("%(option)s reaches the majority with %(votes)s votes.") % {"option": option, "votes": p.get("votes")},
        "threshold_not_reached": lambda: _("With %(votes)s votes, the motion does not reach the %(threshold)s required.") % p,
        "no_majority": lambda: _("No option reaches the %(threshold)s votes required (the most: %(votes)s).") % p,
        "median_winner": lambda: _("%(option)s has the best majority grade: %(grade)s.") % {"option": option, "grade": grade},
        "majority_value": lambda: _("The tie between %(options)s is settled by their majority values.") % {"options": options},
        "round_elected": lambda: _("Round %(round)s: %(option)s has more than half of the continuing ballots.") % {"round": p.get("round"), "option": option},
        "round_eliminated": lambda: _("Round %(round)s: %(options)s, with the fewest votes, is eliminated.") % {"round": p.get("round"), "options": options or option},
        "elimination_tie": lambda: _("Round %(round)s: %(options)s are tied for the fewest votes.") % {"round": p.get("round"), "options": options},
        "all_exhausted": lambda: _("Round %(round)s: every ballot is exhausted.") % {"round": p.get("round")},
        "tie": lambda: _("Tie between %(options)s.") % {"options": options},
        "tie_broken": lambda: _("The tie between %(options)s is broken in favour of %(option)s (%(reason)s).") % {
            "options": options, "option": option, "reason": reason_text(p.get("reason")),
        },
    }
    try:
        return texts[code]() if code in texts else f"{code} {p}"
    except (KeyError, TypeError, ValueError):
        return f"{code} {p}"


def result_view(vote: Vote) -> dict[str, Any]:
    """The context of the results page: rows with counts and shares, rounds, grade profiles, sentences."""
    result = vote.result or {}
    labels = {option.key: option.label for option in vote.options.all()}
    grades = list(vote.grades or [])
    counts = result.get("counts") or {}
    total = sum(counts.values()) or 1
    rows = [
        {"key": key, "label": label, "votes": counts.get(key, 0), "share": round(100 * counts.get(key, 0) / total, 1),
         "winner": key in result.get("winners", [])}
        for key, label in labels.items()
    ] if counts else []
    profiles = [
        {"label": labels.get(key, key), "grades": list(zip(grades, row, strict=False)),
         "median": grades[median] if isinstance(median, int) and median < len(grades) else None,
         "winner": key in result.get("winners", [])}
        for key, row in (result.get("grades") or {}).items()
        for median in [(result.get("medians") or {}).get(key)]
    ]
    rounds = [
        {"number": one.get("round"), "cells": [(labels.get(key, key), one.get("counts", {}).get(key)) for key in labels],
         "exhausted": one.get("exhausted"), "eliminated": _labels(labels, one.get("eliminated")),
         "elected": _label(labels, one["elected"]) if one.get("elected") else ""}
        for one in result.get("rounds", [])
    ]
    return {
        "result": result,
        "rows": rows,
        "profiles": profiles,
        "rounds": rounds,
        "option_labels": list(labels.values()),
        "winners": [labels.get(key, key) for key in result.get("winners", [])],
        "sentences": [sentence(note, labels, grades) for note in result.get("explanation", [])],
    }
