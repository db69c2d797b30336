"""Greedy by votes, cost-respecting (what most cities and CONSUL do).

Projects are taken by decreasing score (approvals, points, or Borda-like points: see `model`),
ties by project id (string order); a project that no longer fits in what is left of the budget is
skipped and the next one is tried. As in pabutools' `greedy_utilitarian_welfare` with `Cost_Sat`,
projects nobody voted for come last (still taken if they fit), and a project costing 0 with votes
comes first.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Instance
from .model import Profile
from .numbers import ZERO


def project_scores(instance: Instance, profile: Profile) -> dict[str, object]:
    """Project id -> total score (sum over ballots of score x weight)."""
    totals: dict[str, object] = {p.id: ZERO for p in instance.projects}
    for ballot, weight in zip(profile.scores(), profile.weights, strict=True):
        for pid, score in ballot.items():
            totals[pid] = totals[pid] + score * weight
    return totals


def greedy(instance: Instance, profile: Profile, *, initial: Iterable[str] = ()) -> list[str]:
    """The selected project ids, in the order they were taken (`initial` first, kept as given)."""
    selected = list(initial)
    remaining = instance.budget - instance.cost(selected)
    scores = project_scores(instance, profile)

    def order(project):  # pabutools: decreasing score / cost (score x cost / cost for Cost_Sat)
        score = scores[project.id]
        if score > 0 and project.cost == 0:
            return (0, ZERO, project.id)
        return (1, -score, project.id)

    taken = set(selected)
    for project in sorted(instance.projects, key=order):
        if project.id not in taken and project.cost <= remaining:
            selected.append(project.id)
            taken.add(project.id)
            remaining -= project.cost
    return selected
