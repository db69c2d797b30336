"""Breaking a tie with an order fixed before the vote, or declaring it.

The order comes from the meeting's rules, never from the count. In French municipal councils,
« lorsqu'il y a partage égal des voix et sauf cas de scrutin secret, la voix du président est
prépondérante » (CGCT art. L2121-20): the order is then the president's choice alone. An
appointment by secret ballot still tied after the rounds « est acquise au plus âgé » (CGCT art.
L2121-21; L2122-7 for the mayor): the order is the candidates, oldest first. Which order applies
(and none in a secret ballot on a motion) is the caller's decision. Without an order, a tie is
a tie: no winner, and a motion so tied is not adopted.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from council.voting.tally.result import Outcome
from council.voting.tally.result import note


@dataclass(frozen=True)
class TieBreak:
    """An order of preference over some options (best first); unlisted options come after."""

    order: tuple[str, ...] = ()
    reason: str | None = None

    def rank(self, key: str) -> int:
        return self.order.index(key) if key in self.order else len(self.order)

    def best(self, tied: Sequence[str]) -> str | None:
        """The tied option this order prefers, or None when it cannot tell them apart."""
        ranks = sorted(self.rank(key) for key in tied)
        if ranks[0] == len(self.order) or ranks[0] == ranks[1]:
            return None
        return self.order[ranks[0]]

    def worst(self, tied: Sequence[str]) -> str | None:
        """The tied option this order likes least, or None when it cannot tell."""
        ranked = sorted(tied, key=self.rank)
        if self.rank(ranked[-1]) == self.rank(ranked[-2]):
            return None
        return ranked[-1]


def decide(outcome: Outcome, tied: Sequence[str], tie_break: TieBreak, **params: object) -> None:
    """Set the winner among the options tied at the top, by the tie-break order if needed."""
    if len(tied) == 1:
        outcome.winners = [tied[0]]
        return
    chosen = tie_break.best(tied)
    if chosen is None:
        outcome.tie = True
        outcome.notes.append(note("tie", options=list(tied), **params))
        return
    outcome.winners = [chosen]
    outcome.decided_by = "tie_break"
    outcome.notes.append(
        note("tie_broken", options=list(tied), winner=chosen, reason=tie_break.reason, **params)
    )
