"""What each voter's share paid for under the Method of Equal Shares (for explaining results).

Given the per-voter budget b and the projects in the order MES selected them, MES is replayed:
every voter starts with b and, for each project in turn, its supporters pay min(budget_i, rho·u_i)
with rho such that the payments add up to the cost (u_i: the voter's satisfaction, see `model`).
As MES took that project at that round, the rho found here is the one it used, so the payments
are MES's own, in exact rationals. A project its supporters cannot pay for at its turn was
added by a completion (greedy completion: from what was left of the budget); it costs nobody's
share and is listed apart. Identical ballots pay the same, so they are replayed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .model import APPROVAL
from .model import Instance
from .model import Profile
from .numbers import ZERO
from .numbers import Q
from .numbers import to_fraction


@dataclass(frozen=True)
class Shares:
    per_voter_budget: Fraction
    funded: list[str]  # the projects paid for from the voters' shares, in order
    completed: list[str]  # the projects added by a completion, paid by no share
    payments: list[dict[str, Fraction]]  # per ballot of the profile: project id -> what it paid
    payers: dict[str, int]  # project id -> how many voters paid something towards it


def mes_shares(instance: Instance, profile: Profile, *, per_voter_budget: Any, selected: Sequence[str]) -> Shares:
    """Replay MES at `per_voter_budget` over `selected` (in MES's order) and say who paid what."""
    profile.check(instance)
    b = Q(Fraction(per_voter_budget))
    costs = {p.id: p.cost for p in instance.projects}
    scale = {p.id: (p.cost if profile.kind == APPROVAL else Q(1)) for p in instance.projects}
    groups: dict[frozenset, int] = {}
    of_ballot: list[frozenset] = []
    for ballot, weight in zip(profile.scores(), profile.weights, strict=True):
        key = frozenset(ballot.items())
        of_ballot.append(key)
        groups[key] = groups.get(key, 0) + weight
    keys = list(groups)
    budgets = dict.fromkeys(keys, b)
    paid: dict[frozenset, dict[str, Any]] = {key: {} for key in keys}
    funded: list[str] = []
    completed: list[str] = []
    payers: dict[str, int] = {}
    for pid in selected:
        cost = costs[pid]
        supporters = [(key, dict(key)[pid] * scale[pid]) for key in keys if pid in dict(key) and budgets[key] > 0]
        if cost == 0:
            funded.append(pid)
            continue
        if not supporters or sum((groups[key] * budgets[key] for key, _u in supporters), ZERO) < cost:
            completed.append(pid)
            continue
        supporters.sort(key=lambda entry: budgets[entry[0]] / entry[1])
        contributed = ZERO
        weight_left = sum((groups[key] * u for key, u in supporters), ZERO)
        rho = ZERO
        for key, u in supporters:
            rho = (cost - contributed) / weight_left
            if rho * u <= budgets[key]:
                break
            contributed += groups[key] * budgets[key]
            weight_left -= groups[key] * u
        for key, u in supporters:
            payment = min(budgets[key], rho * u)
            if payment > 0:
                budgets[key] -= payment
                paid[key][pid] = payment
                payers[pid] = payers.get(pid, 0) + groups[key]
        funded.append(pid)
    as_fractions = {key: {pid: to_fraction(value) for pid, value in paid[key].items()} for key in keys}
    return Shares(to_fraction(b), funded, completed, [as_fractions[key] for key in of_ballot], payers)
