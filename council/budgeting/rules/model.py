"""An election: the instance (projects with costs, a budget limit) and a profile of ballots.

No Django here: the rules run in a Celery worker, a benchmark or a test as plain Python.

Satisfaction, i.e. what one voter gets from one selected project (used by MES; greedy orders by
the sum of the same *scores* without the cost factor):

- approval (and Pabulib's "choose-1"): the project's cost if approved (pabutools' `Cost_Sat`);
  greedy orders by the number of approvals;
- cumulative (and "scoring"): the points the voter gave the project (pabutools'
  `Additive_Cardinal_Sat`); greedy orders by the sum of points;
- ordinal: Borda-like, a ranking of k projects gives k points to the first, k - 1 to the second,
  ..., 1 to the last and 0 to unranked projects; greedy orders by the sum of these points. (Unlike
  pabutools' `Additive_Borda_Sat`, which gives the last ranked project 0, so that every ranked
  project counts as supported.)
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .numbers import exact

APPROVAL = "approval"
CUMULATIVE = "cumulative"
ORDINAL = "ordinal"
KINDS = (APPROVAL, CUMULATIVE, ORDINAL)


@dataclass(frozen=True)
class Project:
    """A project: its identifier (a string, as in a `.pb` file) and its cost (exact)."""

    id: str
    cost: Any  # an exact rational (gmpy2.mpq or Fraction)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost", exact(self.cost))
        if self.cost < 0:
            raise ValueError(f"project {self.id}: negative cost {self.cost}")


@dataclass(frozen=True)
class Instance:
    """The budget limit and the projects (identifiers unique)."""

    budget: Any
    projects: tuple[Project, ...]

    def __init__(self, budget: Any, projects: Iterable[Project]) -> None:
        object.__setattr__(self, "budget", exact(budget))
        object.__setattr__(self, "projects", tuple(projects))
        ids = [p.id for p in self.projects]
        if len(set(ids)) != len(ids):
            raise ValueError("project identifiers must be unique")

    @classmethod
    def of(cls, budget: Any, costs: Mapping[str, Any]) -> Instance:
        """Shorthand: `Instance.of(100, {"a": 30, "b": 80})`."""
        return cls(budget, [Project(str(pid), cost) for pid, cost in costs.items()])

    def cost(self, project_ids: Iterable[str]) -> Any:
        costs = {p.id: p.cost for p in self.projects}
        return sum((costs[pid] for pid in project_ids), exact(0))


@dataclass(frozen=True)
class Profile:
    """The ballots of one kind.

    - approval: each ballot an iterable of project ids;
    - cumulative: each ballot a mapping project id -> points (> 0);
    - ordinal: each ballot a sequence of project ids, best first.

    `weights` (optional) counts how many voters cast each ballot; an empty ballot still counts as a
    voter (it shares the budget in MES, as in pabutools).
    """

    kind: str
    ballots: tuple[Any, ...]
    weights: tuple[int, ...] = field(default=())

    def __init__(self, kind: str, ballots: Iterable[Any], weights: Sequence[int] | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown ballot kind {kind!r}; expected one of {', '.join(KINDS)}")
        ballots = tuple(ballots)
        weights = tuple(weights) if weights is not None else (1,) * len(ballots)
        if len(weights) != len(ballots) or any(w < 1 for w in weights):
            raise ValueError("one positive weight per ballot")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "ballots", ballots)
        object.__setattr__(self, "weights", weights)

    @classmethod
    def approval(cls, ballots: Iterable[Iterable[str]], weights: Sequence[int] | None = None) -> Profile:
        return cls(APPROVAL, (frozenset(map(str, b)) for b in ballots), weights)

    @classmethod
    def cumulative(cls, ballots: Iterable[Mapping[str, Any]], weights: Sequence[int] | None = None) -> Profile:
        return cls(CUMULATIVE, ({str(k): exact(v) for k, v in b.items()} for b in ballots), weights)

    @classmethod
    def ordinal(cls, ballots: Iterable[Sequence[str]], weights: Sequence[int] | None = None) -> Profile:
        return cls(ORDINAL, (tuple(map(str, b)) for b in ballots), weights)

    @property
    def voters(self) -> int:
        return sum(self.weights)

    def scores(self) -> list[dict[str, Any]]:
        """Per ballot, project id -> score (> 0): 1 if approved, the points, or the Borda-like points."""
        out: list[dict[str, Any]] = []
        for ballot in self.ballots:
            if self.kind == APPROVAL:
                out.append({pid: exact(1) for pid in ballot})
            elif self.kind == CUMULATIVE:
                out.append({pid: pts for pid, pts in ballot.items() if pts > 0})
            else:
                k = len(ballot)
                out.append({pid: exact(k - pos) for pos, pid in enumerate(ballot)})
        return out

    def check(self, instance: Instance) -> None:
        """Refuse ballots naming a project the instance does not have."""
        known = {p.id for p in instance.projects}
        for number, ballot in enumerate(self.ballots, start=1):
            unknown = set(ballot) - known
            if unknown:
                raise ValueError(f"ballot {number} names unknown projects: {', '.join(sorted(unknown))}")
