"""What a count gives: numbers, rounds, winners and the reasons, as codes the pages translate."""

import copy
from dataclasses import dataclass
from dataclasses import field
from typing import Any


def note(code: str, **params: Any) -> dict[str, Any]:
    """One step of the explanation: a stable code and its parameters (never prose)."""
    return {"code": code, "params": params}


@dataclass(frozen=True)
class Result:
    """The outcome of a count.

    `ballots` = `valid` + `invalid`; `blank` ballots are valid but not cast (French law counts
    neither blank nor invalid ballots among the *suffrages exprimés*, Code électoral L65).
    Majority judgment fills `grades` and `medians` instead of `counts`; instant runoff fills
    `rounds` (and `counts` holds the first preferences).
    """

    method: str
    options: tuple[str, ...]
    ballots: int
    valid: int
    blank: int
    invalid: int
    cast: int
    counts: dict[str, int] | None = None
    grades: dict[str, list[int]] | None = None
    medians: dict[str, int | None] | None = None
    rounds: tuple[dict[str, Any], ...] = ()
    threshold: int | None = None
    winners: tuple[str, ...] = ()
    tie: bool = False
    decided_by: str | None = None
    explanation: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-able data in a stable key order (the published box carries it), a deep copy."""
        data: dict[str, Any] = {
            "method": self.method,
            "options": list(self.options),
            "ballots": self.ballots,
            "valid": self.valid,
            "blank": self.blank,
            "invalid": self.invalid,
            "cast": self.cast,
        }
        if self.grades is not None:
            data["grades"] = {key: list(row) for key, row in self.grades.items()}
            data["medians"] = dict(self.medians or {})
        else:
            data["counts"] = dict(self.counts or {})
        data["rounds"] = copy.deepcopy(list(self.rounds))
        data["threshold"] = self.threshold
        data["winners"] = list(self.winners)
        data["tie"] = self.tie
        data["decided_by"] = self.decided_by
        data["explanation"] = copy.deepcopy(list(self.explanation))
        return data


@dataclass
class Outcome:
    """What one method decides, before the common ballot figures are added."""

    counts: dict[str, int] | None = None
    grades: dict[str, list[int]] | None = None
    medians: dict[str, int | None] | None = None
    rounds: list[dict[str, Any]] = field(default_factory=list)
    threshold: int | None = None
    winners: list[str] = field(default_factory=list)
    tie: bool = False
    decided_by: str | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)
