"""The same election in pabutools (GPL-3.0, installed without its dependencies), to compare.

The satisfactions are the ones `council.budgeting.rules.model` documents: `Cost_Sat` for approval,
the points for cumulative, Borda-like points (k for the first of k ranked, 1 for the last) for
rankings; greedy orders by the score itself (a satisfaction of score x cost gives pabutools'
greedy, which orders by satisfaction / cost, the same order).
"""

from fractions import Fraction

from pabutools.election import AdditiveSatisfaction
from pabutools.election import ApprovalBallot
from pabutools.election import ApprovalProfile
from pabutools.election import Cost_Sat
from pabutools.election import CumulativeBallot
from pabutools.election import CumulativeProfile
from pabutools.election import Instance as PInstance
from pabutools.election import OrdinalBallot
from pabutools.election import OrdinalProfile
from pabutools.election import Project as PProject
from pabutools.fractions import frac
from pabutools.rules import greedy_utilitarian_welfare
from pabutools.rules import method_of_equal_shares

from council.budgeting.rules import APPROVAL
from council.budgeting.rules import CUMULATIVE
from council.budgeting.rules import Instance
from council.budgeting.rules import Profile


def _q(value) -> object:
    f = Fraction(int(value.numerator), int(value.denominator))
    return frac(f.numerator, f.denominator)


def _score(ballot, project) -> object:
    if isinstance(ballot, OrdinalBallot):
        return len(ballot) - ballot.position(project) if project in ballot else 0
    if isinstance(ballot, CumulativeBallot):
        return ballot.get(project, 0)
    return int(project in ballot)


class ScoreSat(AdditiveSatisfaction):
    """Points (cumulative) or Borda-like points (ordinal): what MES uses for these ballots."""

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot, lambda i, p, b, proj, pre: _score(b, proj))


class ScoreTimesCostSat(AdditiveSatisfaction):
    """Score x cost, so that pabutools' greedy (by satisfaction / cost) orders by score."""

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot, lambda i, p, b, proj, pre: _score(b, proj) * proj.cost)


def to_pabutools(instance: Instance, profile: Profile):
    projects = {p.id: PProject(p.id, _q(p.cost)) for p in instance.projects}
    pinstance = PInstance(projects.values(), budget_limit=_q(instance.budget))
    ballots = []
    for ballot, weight in zip(profile.ballots, profile.weights, strict=True):
        for _ in range(weight):
            if profile.kind == APPROVAL:
                ballots.append(ApprovalBallot(projects[pid] for pid in sorted(ballot)))
            elif profile.kind == CUMULATIVE:
                ballots.append(CumulativeBallot({projects[pid]: _q(pts) for pid, pts in ballot.items()}))
            else:
                ballots.append(OrdinalBallot([projects[pid] for pid in ballot]))
    if profile.kind == APPROVAL:
        pprofile = ApprovalProfile(ballots, instance=pinstance)
    elif profile.kind == CUMULATIVE:
        pprofile = CumulativeProfile(ballots, instance=pinstance)
    else:
        pprofile = OrdinalProfile(ballots, instance=pinstance)
    return pinstance, pprofile


def _sat(profile: Profile):
    return Cost_Sat if profile.kind == APPROVAL else ScoreSat


def _ids(allocation) -> list[str]:
    return sorted(p.name for p in allocation)


def pabutools_mes(instance: Instance, profile: Profile, *, add_one: bool = False) -> list[str]:
    pinstance, pprofile = to_pabutools(instance, profile)
    return _ids(
        method_of_equal_shares(
            pinstance, pprofile, sat_class=_sat(profile), voter_budget_increment=1 if add_one else None
        )
    )


def pabutools_greedy(instance: Instance, profile: Profile, *, initial=()) -> list[str]:
    pinstance, pprofile = to_pabutools(instance, profile)
    sat = Cost_Sat if profile.kind == APPROVAL else ScoreTimesCostSat
    start = [p for p in pinstance if p.name in set(initial)]
    return _ids(greedy_utilitarian_welfare(pinstance, pprofile, sat_class=sat, initial_budget_allocation=start))


def pabutools_mes_greedy(instance: Instance, profile: Profile) -> list[str]:
    pinstance, pprofile = to_pabutools(instance, profile)
    first = method_of_equal_shares(pinstance, pprofile, sat_class=_sat(profile))
    sat = Cost_Sat if profile.kind == APPROVAL else ScoreTimesCostSat
    return _ids(greedy_utilitarian_welfare(pinstance, pprofile, sat_class=sat, initial_budget_allocation=first))
