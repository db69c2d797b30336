"""`count`: sort the ballots out (valid, blank, invalid), then apply the vote's method."""

from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from council.voting.tally.judgment import majority_judgment
from council.voting.tally.majority import approval
from council.voting.tally.majority import single_choice
from council.voting.tally.result import Outcome
from council.voting.tally.result import Result
from council.voting.tally.result import note
from council.voting.tally.runoff import instant_runoff
from council.voting.tally.ties import TieBreak
from council.voting.tally.validation import REASONS
from council.voting.tally.validation import check_rules
from council.voting.tally.validation import check_vote
from council.voting.tally.validation import is_blank
from council.voting.tally.validation import validate


def count(
    method: str,
    options: Sequence[str],
    ballots: Iterable[Any],
    *,
    grades: Sequence[str] | None = None,
    min_choices: int | None = None,
    max_choices: int | None = None,
    tie_break: Sequence[str] | None = None,
    tie_break_reason: str | None = None,
) -> Result:
    """Count the ballots of one vote; an invalid ballot is counted as such, never raises.

    Raises ValueError only for a vote that cannot be counted at all (unknown method, repeated
    options, majority judgment without grades, min_choices above max_choices, a tie-break order
    naming something that is not an option).
    """
    check_vote(method, options, grades)
    check_rules(options, min_choices, max_choices, tie_break)
    options = tuple(options)
    cast: list[dict[str, Any]] = []
    blank = 0
    reasons: Counter[str] = Counter()
    invalid = 0
    for content in ballots:
        why = validate(
            method,
            options,
            content,
            grades=grades,
            min_choices=min_choices,
            max_choices=max_choices,
        )
        if why:
            invalid += 1
            reasons.update(why)
        elif is_blank(content):
            blank += 1
        else:
            cast.append(content)
    valid = len(cast) + blank
    notes = [
        note(
            "ballots_counted",
            ballots=valid + invalid,
            valid=valid,
            blank=blank,
            invalid=invalid,
            cast=len(cast),
        )
    ]
    if invalid:
        ordered = {code: reasons[code] for code in REASONS if reasons[code]}
        notes.append(note("invalid_ballots", count=invalid, reasons=ordered))
    outcome = _decide(
        method, options, cast, len(grades or ()), TieBreak(tuple(tie_break or ()), tie_break_reason)
    )
    return Result(
        method=method,
        options=options,
        ballots=valid + invalid,
        valid=valid,
        blank=blank,
        invalid=invalid,
        cast=len(cast),
        counts=outcome.counts,
        grades=outcome.grades,
        medians=outcome.medians,
        rounds=tuple(outcome.rounds),
        threshold=outcome.threshold,
        winners=tuple(outcome.winners),
        tie=outcome.tie,
        decided_by=outcome.decided_by,
        explanation=tuple(notes + outcome.notes),
    )


def _decide(
    method: str,
    options: tuple[str, ...],
    cast: list[dict[str, Any]],
    grade_count: int,
    tie_break: TieBreak,
) -> Outcome:
    if method == "approval":
        return approval(options, cast, tie_break)
    if method == "instant_runoff":
        return instant_runoff(options, cast, tie_break)
    if method == "majority_judgment":
        return majority_judgment(options, cast, grade_count, tie_break)
    return single_choice(method, options, cast, tie_break)
