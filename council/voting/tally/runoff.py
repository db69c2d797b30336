"""Instant runoff (ranked choice, *vote préférentiel*): eliminate the weakest until a majority.

Each round, every ballot counts for its highest-ranked option still in the running; a ballot
ranking none of them is *exhausted* (reported per round, cumulatively). An option holding more
than half of the continuing ballots is elected; otherwise the option with the fewest votes is
eliminated and the next round starts (Hare's method as used in Australia, Ireland, Maine).

A tie for elimination is settled, deterministically and in this order:

1. `bulk`: all the tied options go together when even their combined votes stay below every
   other option's (none of them could overtake anyone, so the order among them cannot matter);
2. `earlier_round`: the one with the fewest votes in the most recent earlier round where the
   tied options differed (backwards tie-breaking; in round 2, that is the first preferences);
3. `tie_break`: the one the vote's tie-break order likes least (unlisted options first);
4. otherwise the count stops: a declared tie, no winner.
"""

from collections.abc import Sequence
from typing import Any

from council.voting.tally.result import Outcome
from council.voting.tally.result import note
from council.voting.tally.ties import TieBreak


def instant_runoff(
    options: Sequence[str], contents: list[dict[str, Any]], tie_break: TieBreak
) -> Outcome:
    rankings = [content["ranking"] for content in contents]
    first = dict.fromkeys(options, 0)
    for ranking in rankings:
        if ranking:
            first[ranking[0]] += 1
    outcome = Outcome(counts=first)
    if not rankings:
        outcome.notes.append(note("no_votes_cast"))
        return outcome
    running = list(options)
    history: list[dict[str, int]] = []
    while True:
        number = len(history) + 1
        counts, exhausted = _round_counts(rankings, running)
        continuing = len(rankings) - exhausted
        threshold = continuing // 2 + 1
        this_round: dict[str, Any] = {
            "round": number,
            "counts": counts,
            "continuing": continuing,
            "exhausted": exhausted,
            "threshold": threshold,
            "elected": None,
            "eliminated": [],
            "rule": None,
        }
        outcome.rounds.append(this_round)
        if continuing == 0:  # only possible when empty rankings are allowed (min_choices=0)
            outcome.notes.append(note("all_exhausted", round=number))
            return outcome
        leader = max(running, key=lambda key: counts[key])
        if counts[leader] >= threshold:
            this_round["elected"] = leader
            outcome.winners = [leader]
            outcome.threshold = threshold
            outcome.notes.append(
                note(
                    "round_elected",
                    round=number,
                    option=leader,
                    votes=counts[leader],
                    continuing=continuing,
                    threshold=threshold,
                )
            )
            return outcome
        lowest = min(counts.values())
        tied = [key for key in running if counts[key] == lowest]
        eliminated, rule = _eliminate(tied, counts, history, tie_break)
        if not eliminated:
            this_round["rule"] = "tie"
            outcome.tie = True
            outcome.notes.append(note("elimination_tie", round=number, options=tied, votes=lowest))
            return outcome
        this_round["eliminated"] = eliminated
        this_round["rule"] = rule
        if rule == "tie_break":
            outcome.decided_by = "tie_break"
        outcome.notes.append(
            note(
                "round_eliminated",
                round=number,
                options=eliminated,
                votes=lowest,
                rule=rule,
                exhausted=exhausted,
                reason=tie_break.reason if rule == "tie_break" else None,
            )
        )
        history.append(counts)
        running = [key for key in running if key not in eliminated]


def _round_counts(rankings: list[list[str]], running: list[str]) -> tuple[dict[str, int], int]:
    """Each ballot's highest-ranked running option gets its vote; the rest are exhausted."""
    in_running = set(running)
    counts = dict.fromkeys(running, 0)
    exhausted = 0
    for ranking in rankings:
        top = next((key for key in ranking if key in in_running), None)
        if top is None:
            exhausted += 1
        else:
            counts[top] += 1
    return counts, exhausted


def _eliminate(
    tied: list[str],
    counts: dict[str, int],
    history: list[dict[str, int]],
    tie_break: TieBreak,
) -> tuple[list[str], str | None]:
    """Who goes this round, and by which rule (see the module's docstring); `[]` for a tie."""
    if len(tied) == 1:
        return tied, "fewest_votes"
    others = [votes for key, votes in counts.items() if key not in tied]
    if others and sum(counts[key] for key in tied) < min(others):
        return tied, "bulk"
    candidates = tied
    for earlier in reversed(history):
        fewest = min(earlier[key] for key in candidates)
        candidates = [key for key in candidates if earlier[key] == fewest]
        if len(candidates) == 1:
            return candidates, "earlier_round"
    worst = tie_break.worst(candidates)
    if worst is not None:
        return [worst], "tie_break"
    return [], None
