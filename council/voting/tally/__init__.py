"""The counting methods of binding votes, in plain Python (no Django), so anyone can re-run them.

    from council.voting.tally import count, validate, METHODS, Result
    result = count("instant_runoff", ["a", "b", "c"], ballots, tie_break=["b"],
                   tie_break_reason="president")
    result.to_dict()  # what the published ballot box carries

`chain` holds the ballot box's hash chain. `tools/recount.py` is an independent
re-implementation of both, importing nothing from here.
"""

from council.voting.tally.counting import count
from council.voting.tally.result import Result
from council.voting.tally.validation import METHODS
from council.voting.tally.validation import REASONS
from council.voting.tally.validation import validate

__all__ = ["METHODS", "REASONS", "Result", "count", "validate"]
