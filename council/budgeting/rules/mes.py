"""The Method of Equal Shares (MES), exact, with its two completions.

Definitions (those of pabutools 1.2.3, `pabutools/rules/mes/mes_rule.py`, which the tests compare
against on every sample file and on thousands of random instances):

- **MES** with per-voter budget b: every voter starts with b. While some project can be paid for,
  i.e. its supporters hold together at least its cost, select the project with the smallest
  rho such that Σ_i min(budget_i, rho·u_i) = cost over its supporters (u_i: the voter's satisfaction, see
  `model`), ties broken by project id in string order; each supporter pays min(budget_i, rho·u_i).
  Projects with cost 0 and some support are selected first; projects nobody supports never are.
- **MES with add-one completion** (`mes_add_one`): b starts at budget / voters (empty ballots
  count) and goes up by one currency unit at a time; at each step MES is run from scratch. The
  result is the outcome at the first step whose outcome is exhaustive (no supported project left
  out fits in what remains of the budget), unless that outcome costs more than the budget: as soon
  as an outcome costs more than the budget, the outcome of the step *before* it is returned.
- **MES with greedy completion** (`mes_greedy_completion`): MES with b = budget / voters, then the
  projects left are taken greedily by votes (see `greedy`) while they fit.

Stepping b one unit at a time is hopeless where voters are few and the budget is large (Budapest
VIII 2022: 520 voters, 122.6 million HUF, b of ~236,000 HUF per voter). `mes_add_one` instead jumps
to the next step at which the outcome *can* change, exactly: for b' ≥ b with the same selections,
every budget and every rho is a piecewise affine function of b', so each run at b also computes, in
exact rationals, the slopes of what it compares (dual numbers) and the smallest distance Δ at
which any of its comparisons could flip: a supporter passing from "pays all they have" to "pays
rho·u" (which changes slopes), a project becoming affordable, two projects' rho crossing. On
[b, b + Δ) every comparison keeps its sign, hence the outcome; the next run is at the first step
at or after b + Δ. (Not a bisection: the outcome is not monotone in b.) Projects that cannot win a
round whatever b' ≥ b are left out of Δ: rho never goes below cost / (total satisfaction), and with
the earlier selections unchanged every budget can only grow with b' and the round's winning rho only
fall, so such a project cannot overtake it.

Two implementations give the same outcomes (tests/budgeting runs both against pabutools):

- `_Engine`, for up to a few hundred distinct ballots: voters whose remaining budget is the same
  affine function of b are one *budget class*, and a round's arithmetic is over classes, in exact
  rationals, the voters being only counted with numpy integer arithmetic;
- `_VoterEngine`, for more (`VOTER_ENGINE_FROM`): with many voters the classes multiply, so
  budgets are held per ballot group in floats to *find* the price and who pays all they have,
  and every decision is then taken in exact rationals (see its docstring).

`MESResult.increment` is the number of units added at the run whose outcome was returned; as
runs are skipped, it may be any step of the range over which that outcome held, not its first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .greedy import greedy
from .model import APPROVAL
from .model import Instance
from .model import Profile
from .numbers import ONE
from .numbers import ZERO
from .numbers import Q
from .numbers import to_fraction


@dataclass(frozen=True)
class Progress:
    """What `mes_add_one` reports after each run of MES (for a Celery task's progress)."""

    runs: int  # runs of MES so far
    increment: int  # currency units added to each voter's budget so far
    per_voter_budget: Any  # b for the run just made (exact)
    spent: Any  # cost of that run's outcome
    budget: Any  # the instance's budget limit


@dataclass(frozen=True)
class MESResult:
    selected: list[str]  # project ids in the order MES selected them
    per_voter_budget: Any  # the b that gave this outcome (Fraction)
    increment: int  # units added to budget / voters (0 without add-one)
    runs: int  # runs of MES made


INF = None  # "no event": an infinite distance


class _Engine:
    """One election prepared for MES: voters grouped by identical ballot, supporters per project
    as numpy arrays, satisfaction u_ij = scale_j x k_ij with k_ij taken from a small table."""

    def __init__(self, instance: Instance, profile: Profile) -> None:
        profile.check(instance)
        self.instance = instance
        self.n_voters = profile.voters
        projects = instance.projects
        self.ids = [p.id for p in projects]
        self.costs = [p.cost for p in projects]
        index = {pid: j for j, pid in enumerate(self.ids)}
        m = len(projects)
        approval = profile.kind == APPROVAL
        # satisfaction of a supporter = scale_j * k: Cost_Sat for approval (scale = cost, k = 1),
        # the score otherwise (scale = 1).
        self.scale = [p.cost if approval else ONE for p in projects]

        grouped: dict[Any, int] = {}
        for ballot, weight in zip(profile.scores(), profile.weights, strict=True):
            if ballot:
                key = frozenset(ballot.items())
                grouped[key] = grouped.get(key, 0) + weight
        k_values: list[Any] = []
        k_index: dict[Any, int] = {}
        voter_col, project_col, k_col = [], [], []
        weights = []
        for v, (items, weight) in enumerate(grouped.items()):
            weights.append(weight)
            for pid, k in items:
                if k not in k_index:
                    k_index[k] = len(k_values)
                    k_values.append(k)
                voter_col.append(v)
                project_col.append(index[pid])
                k_col.append(k_index[k])
        self.k_values = k_values
        self.unit_k = k_values == [ONE]
        self.K = max(1, len(k_values))
        self.m = m
        self.weights = np.asarray(weights, dtype=np.int64)
        self.pair_voter = np.asarray(voter_col, dtype=np.int64)
        self.pair_project = np.asarray(project_col, dtype=np.int64)
        self.pair_k = np.asarray(k_col, dtype=np.int64)
        self.pair_weight = self.weights[self.pair_voter] if len(voter_col) else np.zeros(0, np.int64)
        order = np.argsort(self.pair_project, kind="stable")
        bounds = np.searchsorted(self.pair_project[order], np.arange(m + 1))
        self.rows = [self.pair_voter[order[bounds[j] : bounds[j + 1]]] for j in range(m)]
        self.row_k = [self.pair_k[order[bounds[j] : bounds[j + 1]]] for j in range(m)]
        # total satisfaction per project, and the floor of rho: cost / total satisfaction
        k_sum = np.zeros((m, self.K), dtype=np.int64)
        np.add.at(k_sum, (self.pair_project, self.pair_k), self.pair_weight)
        self.total_sat = []
        for j in range(m):
            s = sum((int(k_sum[j, kk]) * k_values[kk] for kk in range(self.K) if k_sum[j, kk]), ZERO)
            self.total_sat.append(s * self.scale[j])
        # pabutools: supported projects of cost 0 are selected first; MES then runs on the
        # supported projects of positive cost.
        self.free = [j for j in range(m) if self.total_sat[j] > 0 and self.costs[j] == 0]
        self.candidates = [j for j in range(m) if self.total_sat[j] > 0 and self.costs[j] > 0]
        self.floor = {j: self.costs[j] / self.total_sat[j] for j in self.candidates}
        self.by_floor = sorted(self.candidates, key=lambda j: (self.floor[j], self.ids[j]))

    # ----------------------------------------------------------------------------------------
    def _entries(self, j: int, counts: Any, budgets: list[tuple[Any, Any]]) -> list[tuple]:
        """The supporters of project j as (budget, slope, k, weight, class, k index), leaving out
        those holding 0 for good (budget 0, slope 0): they pay nothing and never flip."""
        cs, ks = np.nonzero(counts[:, :, j])
        out = []
        for c, k in zip(cs.tolist(), ks.tolist(), strict=True):
            v, d = budgets[c]
            if v or d:
                out.append((v, d, self.k_values[k], int(counts[c, k, j]), c, k))
        return out

    def _held(self, j: int, counts: Any, budgets: list[tuple[Any, Any]]) -> tuple[Any, Any]:
        entries = self._entries(j, counts, budgets)
        return sum((e[3] * e[0] for e in entries), ZERO), sum((e[3] * e[1] for e in entries), ZERO)

    def _price(self, j: int, counts: Any, budgets: list[tuple[Any, Any]]) -> tuple | None:
        """(rho, drho, price, dprice, entries sorted, number paying all they have) for project j, or
        None if its supporters hold less than its cost. price = rho·scale is what a supporter pays
        per unit of k; d* are slopes in b."""
        cost = self.costs[j]
        entries = self._entries(j, counts, budgets)
        if sum((e[3] * e[0] for e in entries), ZERO) < cost:
            return None
        if self.unit_k:
            entries.sort(key=lambda e: e[0])
        else:
            entries.sort(key=lambda e: e[0] / e[2])
        contrib = ZERO
        denom = sum((e[3] * e[2] for e in entries), ZERO)
        poor_slope = ZERO
        for i, (v, d, k, w, _c, _k) in enumerate(entries):  # noqa: B007 - i is returned
            price = (cost - contrib) / denom  # per unit of k
            if price * k <= v:
                break
            contrib += w * v
            poor_slope += w * d
            denom -= w * k
        else:  # pragma: no cover - held >= cost guarantees a break
            raise AssertionError("affordable project without a price")
        dprice = -poor_slope / denom
        scale = self.scale[j]
        return price / scale, dprice / scale, price, dprice, entries, i

    def run(self, b: Any, *, track: bool, resume: bool = False) -> tuple[list[int], Any]:
        """MES with per-voter budget `b`: the selected project indices in order, and (if `track`)
        the distance Δ ≥ 0 over which the outcome cannot change (None: never). (`resume`: see
        `_VoterEngine.run`; this engine always starts afresh.)"""
        selected = list(self.free)
        n_groups = len(self.weights)
        cls = np.zeros(n_groups, dtype=np.int64)  # every voter group in class 0: budget b, slope 1
        budgets: list[tuple[Any, Any]] = [(Q(b), ONE)]
        class_of: dict[tuple[Any, Any], int] = {budgets[0]: 0}
        values_f, slopes_f = [float(b)], [1.0]
        remaining = list(self.by_floor)
        delta: Any = INF
        K, m = self.K, self.m  # noqa: N806

        def event(d: Any) -> None:
            nonlocal delta
            if delta is INF or d < delta:
                delta = d

        while remaining:
            # renumber the classes still held by some voter (classes emptied by a payment go)
            live, inverse = np.unique(cls, return_inverse=True)
            if len(live) < len(budgets):
                budgets = [budgets[c] for c in live.tolist()]
                values_f = [values_f[c] for c in live.tolist()]
                slopes_f = [slopes_f[c] for c in live.tolist()]
                class_of = {budget: c for c, budget in enumerate(budgets)}
                cls = inverse.astype(np.int64).reshape(-1)
            n_cls = len(budgets)
            # weighted count of supporters per (class, k, project): integers, exact
            keys = (cls[self.pair_voter] * K + self.pair_k) * m + self.pair_project
            counts = np.bincount(keys, weights=self.pair_weight, minlength=n_cls * K * m)
            counts = counts.reshape(n_cls, K, m)
            best: tuple[Any, str] | None = None  # (rho, id) of the best so far
            evaluated: dict[int, tuple | None] = {}  # j -> _price(j), None if unaffordable
            unaffordable_events: dict[int, Any] = {}
            # held (and its slope) per project in floating point, to pass over the projects that
            # are clearly unaffordable without exact arithmetic; the distance until one becomes
            # affordable is then rounded down with a margin far above the rounding errors (every
            # term is >= 0), so it stays a lower bound.
            per_class = counts.sum(axis=1)
            held_f = np.asarray(values_f) @ per_class
            slope_f = np.asarray(slopes_f) @ per_class
            for j in remaining:
                if best is not None and self.floor[j] > best[0]:
                    break
                cost = self.costs[j]
                cost_f = float(cost)
                if held_f[j] < cost_f * (1 - 1e-9):
                    evaluated[j] = None
                    if track and slope_f[j] > 0:
                        gap = cost_f - held_f[j] * (1 + 1e-9)
                        unaffordable_events[j] = Q(max(0.0, gap / (slope_f[j] * (1 + 1e-9)) * (1 - 1e-9)))
                    continue
                priced = self._price(j, counts, budgets)
                evaluated[j] = priced
                if priced is None:
                    if track:
                        held, slope = self._held(j, counts, budgets)
                        if slope > 0:
                            unaffordable_events[j] = (cost - held) / slope
                    continue
                rho = priced[0]
                if best is None or rho < best[0] or (rho == best[0] and self.ids[j] < best[1]):
                    best = (rho, self.ids[j], j)
            if best is None:
                # the end: nothing affordable. The outcome changes when a project becomes affordable.
                if track:
                    for d in unaffordable_events.values():
                        event(d)
                break
            s = best[2]
            rho_s, drho_s, price, dprice, entries, n_poor = evaluated[s]
            if track:
                for j, info in evaluated.items():
                    if j != s and self.floor[j] > rho_s:
                        continue  # cannot win this round for any larger b
                    if info is None:
                        if j in unaffordable_events:
                            event(unaffordable_events[j])
                        continue
                    if j == s:
                        # a supporter paying all they have starts paying price·k when the price
                        # falls to their budget, which changes the budgets' slopes from then on
                        # (one paying price·k never flips back: budgets only grow with b and
                        # prices only fall)
                        _rho, _drho, p_s, dp_s, entries_s, n_poor_s = info
                        for v, d, k, _w, _c, _k in entries_s[:n_poor_s]:
                            closing = d - dp_s * k
                            if closing > 0:
                                event((p_s * k - v) / closing)
                    else:
                        # rho_j is convex in b while the budgets are affine (the superlevel set of
                        # a concave function), so its tangent at b bounds it from below: where
                        # the tangent meets rho_s (affine) is the earliest rho_j can.
                        closing = drho_s - info[1]
                        if closing > 0:
                            event((info[0] - rho_s) / closing)
            selected.append(s)
            remaining.remove(s)
            # supporters pay: a new class per (class, k) of the winner's supporters
            trans = np.full((n_cls, K), -1, dtype=np.int64)
            for i, (v, d, k, _w, c, kk) in enumerate(entries):
                new = (ZERO, ZERO) if i < n_poor else (v - price * k, d - dprice * k)
                if new not in class_of:
                    class_of[new] = len(budgets)
                    budgets.append(new)
                    values_f.append(float(new[0]))
                    slopes_f.append(float(new[1]))
                trans[c, kk] = class_of[new]
            dead = class_of.get((ZERO, ZERO))
            if dead is not None and dead < n_cls:
                trans[dead, :] = dead
            rows, row_k = self.rows[s], self.row_k[s]
            cls[rows] = trans[cls[rows], row_k]
        return selected, delta


# From this many distinct ballots on, budgets are held per ballot group (_VoterEngine) rather than
# per budget class: with many voters the classes multiply (tens of thousands) and exact arithmetic
# per class dominates.
VOTER_ENGINE_FROM = 400


def _engine(instance: Instance, profile: Profile, engine: str | None) -> _Engine:
    if engine not in (None, "classes", "voters"):
        raise ValueError(f"unknown engine {engine!r}")
    first = _Engine(instance, profile)
    if engine == "voters" or (engine is None and len(first.weights) >= VOTER_ENGINE_FROM):
        return _VoterEngine.from_engine(first)
    return first


def _check_b(b: Any) -> None:
    if b < 0:
        raise ValueError("negative per-voter budget")


def mes(
    instance: Instance, profile: Profile, *, per_voter_budget: Any = None, engine: str | None = None
) -> MESResult:
    """MES without completion (b = budget / voters unless given). `engine` ("classes" or
    "voters") forces one of the two implementations, for tests and benchmarks."""
    engine = _engine(instance, profile, engine)
    if engine.n_voters == 0:
        return MESResult([], ZERO, 0, 0)
    b = Q(instance.budget) / engine.n_voters if per_voter_budget is None else Q(per_voter_budget)
    _check_b(b)
    order, _ = engine.run(b, track=False)
    return MESResult([engine.ids[j] for j in order], to_fraction(b), 0, 1)


def mes_greedy_completion(instance: Instance, profile: Profile, *, engine: str | None = None) -> MESResult:
    """MES, then the projects left taken greedily by votes while they fit."""
    first = mes(instance, profile, engine=engine)
    return MESResult(greedy(instance, profile, initial=first.selected), first.per_voter_budget, 0, 1)


def mes_add_one(
    instance: Instance,
    profile: Profile,
    *,
    progress: Callable[[Progress], None] | None = None,
    increment: int = 1,
    engine: str | None = None,
) -> MESResult:
    """MES with add-one completion, exactly as pabutools' `method_of_equal_shares(...,
    voter_budget_increment=1)` defines it (see the module docstring), without its one-unit steps."""
    engine = _engine(instance, profile, engine)
    if engine.n_voters == 0:
        return MESResult([], ZERO, 0, 0)
    limit = instance.budget
    b0 = Q(limit) / engine.n_voters
    step = Q(increment)
    if step <= 0:
        raise ValueError("the increment must be positive")
    supported = set(engine.candidates)
    previous: tuple[list[int], Any, int] | None = None
    k = 0
    runs = 0
    while True:
        b = b0 + k * step
        order, delta = engine.run(b, track=True, resume=True)
        runs += 1
        spent = sum((engine.costs[j] for j in order), ZERO)
        if progress is not None:
            progress(Progress(runs, k * increment, to_fraction(b), to_fraction(spent), to_fraction(limit)))
        if spent > limit:
            assert previous is not None  # b0 never overspends: MES spends at most n·b0
            order, b, k = previous
            break
        chosen = set(order)
        left = limit - spent
        if not any(j not in chosen and engine.costs[j] <= left for j in supported):
            break  # exhaustive
        if delta is INF:  # pragma: no cover - a supported project left out always gets affordable
            break
        previous = (order, b, k)
        k += max(1, math.ceil(to_fraction(delta / step)))
    return MESResult([engine.ids[j] for j in order], to_fraction(b), k * increment, runs)


class _VoterEngine(_Engine):
    """The same MES for many voters (tens of thousands of ballots, whose budgets soon differ).

    Budgets are held per ballot group in floating point (numpy), with, for each group, what it
    paid per round (integers). A group's exact budget is b - sum over rounds of price_t x k paid,
    so an exact sum over any set of groups costs one integer matrix product and one rational per
    round. Floats only *find* things (who pays all they have, who is clearly short of a cost);
    every decision is then made exactly: a price is computed exactly from the float
    classification, the groups whose budget is within a tolerance of it are re-sorted exactly, and
    the result is checked against the tolerance (widened, up to the whole list, if it does not
    hold). Distances for add-one that come from floats are rounded down with margins well above
    the rounding errors, so they stay lower bounds.
    """

    @classmethod
    def from_engine(cls, engine: _Engine) -> _VoterEngine:
        new = cls.__new__(cls)
        new.__dict__.update(engine.__dict__)
        new._prepare()
        return new

    def __init__(self, instance: Instance, profile: Profile) -> None:
        super().__init__(instance, profile)
        self._prepare()

    def _prepare(self) -> None:
        lcm = 1
        for k in self.k_values:
            lcm = math.lcm(lcm, int(k.denominator))
        self.k_int = np.asarray([int(k * lcm) for k in self.k_values], dtype=np.int64)
        self.unit_scale = [s / lcm for s in self.scale]  # rho = unit price / unit_scale
        self.krow = [self.k_int[rk] for rk in self.row_k]
        self.costs_f = [float(c) for c in self.costs]
        self.w_rows = [self.weights[r] for r in self.rows]

    last: dict[str, Any] | None = None  # the last tracked run, for the next one to start from

    def run(self, b: Any, *, track: bool, resume: bool = False) -> tuple[list[int], Any]:
        """As `_Engine.run`. With `resume` (and `track`), the rounds of the previous tracked run
        whose comparisons all hold up to `b` are not redone: each round's own smallest distance
        is kept, and the rounds before the first one whose distance `b` reaches are the same at
        `b`, their prices and budgets moved along their (exact) slopes."""
        b = Q(b)
        n = len(self.weights)
        w = self.weights
        paid = np.zeros((n, max(1, len(self.candidates))), dtype=np.int64)  # k paid per round
        exhausted_at = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)  # round a group paid all in
        prices: list[Any] = []
        dprices: list[Any] = []
        winners: list[int] = []
        round_events: list[Any] = []  # each round's smallest distance (from b)
        selected = list(self.free)
        delta: Any = INF
        round_delta: Any = INF
        b_f = float(b)
        last = self.last if (resume and track) else None
        kept = 0
        if last is not None and b >= last["b"]:
            moved = b - last["b"]
            while kept < len(last["events"]) and (last["events"][kept] is INF or last["events"][kept] > moved):
                kept += 1
            kept = min(kept, len(last["winners"]))
            for r in range(kept):
                prices.append(last["prices"][r] + last["dprices"][r] * moved)
                dprices.append(last["dprices"][r])
                winners.append(last["winners"][r])
                left = last["events"][r]
                round_events.append(INF if left is INF else left - moved)
                if left is not INF and (delta is INF or left - moved < delta):
                    delta = left - moved
            if kept:
                paid[:, :kept] = last["paid"][:, :kept]
                exhausted_at = np.where(last["exhausted_at"] < kept, last["exhausted_at"], exhausted_at)
        exhausted = exhausted_at < kept
        prices_f = np.asarray([float(p) for p in prices])
        dprices_f = np.asarray([float(p) for p in dprices])
        value_f = b_f - (paid[:, :kept] @ prices_f if kept else 0.0)
        slope_f = 1.0 - (paid[:, :kept] @ dprices_f if kept else 0.0)
        value_f = np.where(exhausted, 0.0, np.full(n, 1.0) * value_f)
        slope_f = np.where(exhausted, 0.0, np.full(n, 1.0) * slope_f)
        selected += winners
        taken = set(winners)
        remaining = [j for j in self.by_floor if j not in taken]

        def event(d: Any) -> None:
            nonlocal delta, round_delta
            if delta is INF or d < delta:
                delta = d
            if round_delta is INF or d < round_delta:
                round_delta = d

        def exact_sum(rows: Any) -> tuple[Any, Any]:
            """Exact total budget and slope of the live (not exhausted) groups among `rows`."""
            rows = rows[~exhausted[rows]]
            if len(rows) == 0:
                return ZERO, ZERO
            ww = w[rows]
            total_w = int(ww.sum())
            t = len(prices)
            value, slope = total_w * b, Q(total_w)
            if t:
                cols = (ww @ paid[rows, :t]).tolist()
                for r, c in enumerate(cols):
                    if c:
                        value -= prices[r] * c
                        slope -= dprices[r] * c
            return value, slope

        def group_exact(rows: Any) -> tuple[Any, Any]:
            """Exact budget and slope of one live group (the first of `rows`: all alike)."""
            return exact_sum(rows[:1]) if len(rows) else (ZERO, ZERO)

        def price_of(j: int) -> tuple | None:
            cost = self.costs[j]
            rows_all = self.rows[j]
            live = ~exhausted[rows_all]
            rows, k, ww = rows_all[live], self.krow[j][live], self.w_rows[j][live]
            if len(rows) == 0:
                return None
            v, d = value_f[rows], slope_f[rows]
            cost_f = float(cost)
            held_f = float(ww @ v)
            if held_f < cost_f * (1 - 1e-9):
                return None
            if held_f < cost_f * (1 + 1e-9) and exact_sum(rows)[0] < cost:
                return None
            ratio = v / k
            order = np.argsort(ratio, kind="stable")
            rs, ks, ws, vs = ratio[order], k[order], ww[order], v[order]
            contrib = np.concatenate(([0.0], np.cumsum(ws * vs)[:-1]))
            denom = float(ws @ ks) - np.concatenate(([0.0], np.cumsum(ws * ks)[:-1]))
            with np.errstate(divide="ignore", invalid="ignore"):
                trial = (cost_f - contrib) / denom
            ok = trial <= rs
            first = int(np.argmax(ok)) if ok.any() else len(rs) - 1
            price_f = float(trial[first])
            scale_b = max(b_f, abs(price_f), 1e-300)
            for tol in (1e-9 * scale_b, 1e-6 * scale_b, math.inf):
                lo, hi = price_f - tol, price_f + tol
                poor_def = order[rs < lo]
                band = order[(rs >= lo) & (rs <= hi)]
                rich_def = order[rs > hi]
                contrib_q, poor_slope = exact_sum(rows[poor_def])
                denom_q = int(ww[band] @ k[band]) + int(ww[rich_def] @ k[rich_def])
                # the band, grouped by what they paid (same budget) and k, sorted exactly
                t = len(prices)
                keys = np.column_stack((paid[rows[band], :t], k[band])) if len(band) else np.zeros((0, t + 1))
                band_groups = []
                if len(band):
                    _unique, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
                    inverse = inverse.reshape(-1)
                    sums = np.bincount(inverse, weights=ww[band].astype(float), minlength=len(first))
                    for g, at in enumerate(first.tolist()):
                        pos = int(band[at])
                        bv, bd = group_exact(rows[pos : pos + 1])
                        kk = int(k[pos])
                        members = band[inverse == g]
                        band_groups.append((bv / kk, bv, bd, kk, round(float(sums[g])), members.tolist()))
                band_groups.sort(key=lambda g: g[0])
                price = None
                poor_band: list[int] = []
                for _r, bv, bd, kk, wsum, members in band_groups:
                    price = (cost - contrib_q) / denom_q
                    if price * kk <= bv:
                        break
                    contrib_q += wsum * bv
                    poor_slope += wsum * bd
                    denom_q -= wsum * kk
                    poor_band.extend(members)
                else:
                    price = (cost - contrib_q) / denom_q if denom_q else None
                if price is not None and (tol == math.inf or abs(float(price) - price_f) <= tol / 4):
                    break
            dprice = -poor_slope / denom_q
            poor = np.concatenate((poor_def, np.asarray(poor_band, dtype=np.int64)))
            scale = self.unit_scale[j]
            return price / scale, dprice / scale, price, dprice, rows, k, poor, v, d

        pair_voter, pair_project = self.pair_voter, self.pair_project
        pair_weight = self.pair_weight.astype(float)
        while remaining:
            round_delta = INF
            best: tuple[Any, str, int] | None = None
            evaluated: dict[int, tuple | None] = {}
            unaffordable_events: dict[int, Any] = {}
            # what each project's supporters hold, in floats (exhausted groups hold 0): the
            # projects clearly out of reach are passed over without a closer look
            held_all = np.bincount(pair_project, weights=pair_weight * value_f[pair_voter], minlength=self.m)
            slope_all = np.bincount(pair_project, weights=pair_weight * slope_f[pair_voter], minlength=self.m)
            for j in remaining:
                if best is not None and self.floor[j] > best[0]:
                    break
                clearly_short = held_all[j] < self.costs_f[j] * (1 - 1e-6)
                priced = None if clearly_short else price_of(j)
                evaluated[j] = priced
                if priced is None:
                    if track:
                        held, slope = float(held_all[j]), float(slope_all[j])
                        if slope > 0:
                            gap = float(self.costs[j]) - held * (1 + 1e-9)
                            unaffordable_events[j] = Q(max(0.0, gap / (slope * (1 + 1e-9)) * (1 - 1e-9)))
                    continue
                if best is None or priced[0] < best[0] or (priced[0] == best[0] and self.ids[j] < best[1]):
                    best = (priced[0], self.ids[j], j)
            if best is None:
                if track:
                    for d in unaffordable_events.values():
                        event(d)
                round_events.append(round_delta)
                break
            s = best[2]
            rho_s, drho_s, price, dprice, rows, k, poor, v, d = evaluated[s]
            if track:
                for j, info in evaluated.items():
                    if j == s or self.floor[j] > rho_s:
                        continue
                    if info is None:
                        if j in unaffordable_events:
                            event(unaffordable_events[j])
                        continue
                    closing = drho_s - info[1]
                    if closing > 0:
                        event((info[0] - rho_s) / closing)
                if len(poor):
                    # supporters paying all they have: when price·k falls to their budget
                    price_f, dprice_f = float(price), float(dprice)
                    kp, vp, dp = k[poor], v[poor], d[poor]
                    tol = 1e-9 * max(b_f, abs(price_f)) * kp
                    gap = np.maximum(0.0, price_f * kp - vp - 2 * tol)
                    closing = dp - dprice_f * kp
                    margin = 1e-9 * (1 + np.abs(dp) + abs(dprice_f) * kp)
                    upper = closing + margin
                    flips = upper > 0
                    if flips.any():
                        low = float(np.min(gap[flips] / upper[flips])) * (1 - 1e-9)
                        event(Q(max(0.0, low)))
            selected.append(s)
            remaining.remove(s)
            t = len(prices)
            prices.append(price)
            dprices.append(dprice)
            price_f, dprice_f = float(price), float(dprice)
            rich = np.ones(len(rows), dtype=bool)
            rich[poor] = False
            rich_rows, rich_k = rows[rich], k[rich]
            paid[rich_rows, t] = rich_k
            value_f[rich_rows] -= price_f * rich_k
            slope_f[rich_rows] -= dprice_f * rich_k
            poor_rows = rows[poor]
            exhausted[poor_rows] = True
            exhausted_at[poor_rows] = t
            value_f[poor_rows] = 0.0
            slope_f[poor_rows] = 0.0
            winners.append(s)
            round_events.append(round_delta)
        if track:
            self.last = {"b": b, "prices": prices, "dprices": dprices, "winners": winners, "events": round_events,
                         "paid": paid, "exhausted_at": exhausted_at}
        return selected, delta
