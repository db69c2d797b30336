"""Majority judgment (*jugement majoritaire*, Balinski & Laraki).

Every voter grades every option on the same scale (index 0 = the best grade). An option's
*majority grade* is its median grade, the lower (worse) of the two middle grades for an even
number of ballots: the best grade a majority supports. The best majority grade wins.

Ties are broken by Balinski & Laraki's *majority value* (M. Balinski, R. Laraki, "A theory of
measuring, electing, and ranking", PNAS 104(21):8720-8725, 2007; "Majority Judgment", MIT Press,
2011, ch. 13): remove one median grade from each tied option and compare the new medians, again
and again; the first difference decides. Two options stay tied only when their grades are
identical; then the vote's tie-break order applies, or the tie is declared.
"""

from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any

from council.voting.tally.result import Outcome
from council.voting.tally.result import note
from council.voting.tally.ties import TieBreak
from council.voting.tally.ties import decide


def majority_judgment(
    options: Sequence[str], contents: list[dict[str, Any]], grade_count: int, tie_break: TieBreak
) -> Outcome:
    grades = {key: [0] * grade_count for key in options}
    for content in contents:
        for key, grade in content["grades"].items():
            grades[key][grade] += 1
    medians = {key: majority_grade(row) for key, row in grades.items()}
    outcome = Outcome(grades=grades, medians=dict(medians))
    if not contents:
        outcome.notes.append(note("no_votes_cast"))
        return outcome
    best = min(grade for grade in medians.values() if grade is not None)
    tied = [key for key in options if medians[key] == best]
    if len(tied) == 1:
        outcome.winners = tied
        outcome.notes.append(note("median_winner", option=tied[0], median=best))
        return outcome
    values = {key: list(majority_value(grades[key])) for key in tied}
    ranked = sorted(tied, key=lambda key: values[key])
    leaders = [key for key in ranked if values[key] == values[ranked[0]]]
    if len(leaders) == 1:
        winner, runner_up = ranked[0], ranked[1]
        removed = next(
            index
            for index, (one, other) in enumerate(
                zip(values[winner], values[runner_up], strict=True)
            )
            if one != other
        )
        outcome.winners = [winner]
        outcome.notes.append(
            note(
                "majority_value",
                options=tied,
                median=best,
                winner=winner,
                runner_up=runner_up,
                removed=removed,
                winner_grade=values[winner][removed],
                runner_up_grade=values[runner_up][removed],
            )
        )
        return outcome
    decide(outcome, leaders, tie_break, median=best)
    return outcome


def majority_grade(row: Sequence[int]) -> int | None:
    """The lower median grade of a histogram (count per grade, best first); None if empty."""
    total = sum(row)
    if total == 0:
        return None
    seen = 0
    for grade, number in enumerate(row):
        seen += number
        if seen > total // 2:
            return grade
    raise AssertionError("unreachable")


def majority_value(row: Sequence[int]) -> Iterator[int]:
    """The successive lower medians as the median grade is removed one at a time.

    The removed grades always sit next to the gap left in the middle of the sorted list, so
    two cursors walking outwards give the sequence in linear time.
    """
    ordered = [grade for grade, number in enumerate(row) for _ in range(number)]
    below = above = len(ordered) // 2  # remaining: ordered[:below] + ordered[above:]
    while below > 0 or above < len(ordered):
        remaining = below + len(ordered) - above
        if remaining // 2 < below:
            below -= 1
            yield ordered[below]
        else:
            yield ordered[above]
            above += 1
