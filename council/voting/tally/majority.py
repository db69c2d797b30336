"""Single-choice majorities and approval voting.

- Simple (relative) majority: the option with the most votes cast wins; a motion is adopted
  when the votes for outnumber the votes against.
- Absolute majority: more than half of the votes cast, blank and invalid ballots not counted
  (« majorité absolue des suffrages exprimés », CGCT art. L2121-20). Exactly half is not enough.
- Two-thirds: at least two thirds of the votes cast, blanks and abstentions excluded
  (Robert's Rules of Order, 12th ed., 44:3); exactly two thirds is enough.
- Approval: each voter approves any number of options; the most approvals wins
  (Brams & Fishburn, "Approval Voting", 1978).

A motion is a vote on the options `for` and `against`: its winner says the decision (`for`:
adopted, `against`: rejected); no winner means it was not adopted either (no votes cast, or a
tie with no casting vote).
"""

from collections.abc import Sequence
from typing import Any

from council.voting.tally.result import Outcome
from council.voting.tally.result import note
from council.voting.tally.ties import TieBreak
from council.voting.tally.ties import decide

MOTION = frozenset({"for", "against"})


def is_motion(options: Sequence[str]) -> bool:
    return len(options) == 2 and set(options) == MOTION


def single_choice(
    method: str, options: Sequence[str], contents: list[dict[str, Any]], tie_break: TieBreak
) -> Outcome:
    counts = dict.fromkeys(options, 0)
    for content in contents:
        counts[content["choice"]] += 1
    outcome = Outcome(counts=counts)
    cast = len(contents)
    if cast == 0:
        outcome.notes.append(note("no_votes_cast"))
    elif method == "majority_simple":
        _relative(outcome, options, counts, tie_break)
    else:
        _qualified(outcome, method, options, counts, cast, tie_break)
    if is_motion(options):
        code = "motion_adopted" if outcome.winners == ["for"] else "motion_rejected"
        outcome.notes.append(note(code, **{"for": counts["for"], "against": counts["against"]}))
    return outcome


def approval(
    options: Sequence[str], contents: list[dict[str, Any]], tie_break: TieBreak
) -> Outcome:
    counts = dict.fromkeys(options, 0)
    for content in contents:
        for key in content["approved"]:
            counts[key] += 1
    outcome = Outcome(counts=counts)
    if not contents:
        outcome.notes.append(note("no_votes_cast"))
    elif max(counts.values()) == 0:
        outcome.notes.append(note("no_support"))
    else:
        _relative(outcome, options, counts, tie_break)
    return outcome


def _relative(
    outcome: Outcome, options: Sequence[str], counts: dict[str, int], tie_break: TieBreak
) -> None:
    top = max(counts.values())
    tied = [key for key in options if counts[key] == top]
    if len(tied) == 1:
        outcome.notes.append(note("most_votes", option=tied[0], votes=top))
    decide(outcome, tied, tie_break, votes=top)


def _qualified(
    outcome: Outcome,
    method: str,
    options: Sequence[str],
    counts: dict[str, int],
    cast: int,
    tie_break: TieBreak,
) -> None:
    if method == "majority_absolute":
        threshold, rule = cast // 2 + 1, "more_than_half"
    else:
        threshold, rule = (2 * cast + 2) // 3, "two_thirds"
    outcome.threshold = threshold
    outcome.notes.append(note("threshold", threshold=threshold, cast=cast, rule=rule))
    top = max(counts.values())
    tied = [key for key in options if counts[key] == top]
    if top >= threshold:
        outcome.winners = [tied[0]]
        outcome.notes.append(
            note("majority_reached", option=tied[0], votes=top, threshold=threshold)
        )
    elif method == "majority_absolute" and len(tied) == 2 and 2 * top == cast:
        # Votes split equally between two options (each exactly half): the casting vote applies.
        decide(outcome, tied, tie_break, votes=top)
    elif is_motion(options):
        outcome.winners = ["against"]
        outcome.notes.append(
            note("threshold_not_reached", option="for", votes=counts["for"], threshold=threshold)
        )
    else:
        outcome.notes.append(note("no_majority", threshold=threshold, votes=top))
