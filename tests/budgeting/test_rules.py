"""The rules on hand-made elections whose answer is known, and against pabutools on thousands of
small random ones (seeded). Plain Python: no database."""

import ast
import random
from fractions import Fraction
from pathlib import Path

import pytest

from council.budgeting.rules import Instance
from council.budgeting.rules import Profile
from council.budgeting.rules import greedy
from council.budgeting.rules import mes
from council.budgeting.rules import mes_add_one
from council.budgeting.rules import mes_greedy_completion
from tests.budgeting.pabutools_bridge import pabutools_greedy
from tests.budgeting.pabutools_bridge import pabutools_mes
from tests.budgeting.pabutools_bridge import pabutools_mes_greedy

RULES = Path(__file__).resolve().parents[2] / "council" / "budgeting" / "rules"


def test_the_rules_import_no_django():
    imported = set()
    for path in RULES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
    assert "django" not in imported
    assert "council" not in imported  # relative imports only: the package stands alone


def test_mes_funds_the_minority_that_greedy_leaves_out():
    # Three voters want X (60) and Y (40); a fourth wants Z (25). Greedy spends everything on the
    # majority; MES gives the fourth voter their quarter of the budget.
    instance = Instance.of(100, {"X": 60, "Y": 40, "Z": 25})
    profile = Profile.approval([["X", "Y"], ["X", "Y"], ["X", "Y"], ["Z"]])
    assert greedy(instance, profile) == ["X", "Y"]
    result = mes(instance, profile)
    assert result.selected == ["X", "Z"]  # X and Y tie (each 1/3 per unit); X wins by name
    assert mes_greedy_completion(instance, profile).selected == ["X", "Z"]  # Y (40) no longer fits
    assert sorted(mes_add_one(instance, profile).selected) == pabutools_mes(instance, profile, add_one=True)


def test_ties_go_to_the_first_project_id_in_string_order():
    # Both voters approve both projects of the same cost; only one fits in their shares.
    instance = Instance.of(50, {"9": 50, "10": 50})
    profile = Profile.approval([["9", "10"], ["9", "10"]])
    assert mes(instance, profile).selected == ["10"]  # "10" < "9" as strings, as in pabutools
    assert greedy(instance, profile) == ["10"]


def test_a_project_costing_more_than_the_budget_is_never_selected():
    instance = Instance.of(100, {"big": 150, "small": 40})
    profile = Profile.approval([["big", "small"], ["big"]])
    assert mes(instance, profile).selected == ["small"]
    assert mes_add_one(instance, profile).selected == ["small"]
    assert greedy(instance, profile) == ["small"]


def test_add_one_returns_the_outcome_before_the_first_one_over_budget():
    # b starts at 30 per voter. From b = 50 each voter alone affords their own project, so both
    # are selected (100 > 60): add-one returns the outcome at b = 49, where nothing is affordable.
    instance = Instance.of(60, {"a": 50, "b": 50})
    profile = Profile.approval([["a"], ["b"]])
    result = mes_add_one(instance, profile)
    assert result.selected == []
    assert result.per_voter_budget < 50
    assert pabutools_mes(instance, profile, add_one=True) == []


def test_add_one_stops_at_the_first_exhaustive_outcome():
    instance = Instance.of(100, {"a": 80, "b": 30, "c": 20})
    profile = Profile.approval([["a", "b"], ["a"], ["c"], ["b", "c"]])
    result = mes_add_one(instance, profile)
    assert sorted(result.selected) == pabutools_mes(instance, profile, add_one=True)
    spent = instance.cost(result.selected)
    assert spent <= 100
    assert all(instance.cost([p]) > 100 - spent for p in "abc" if p not in result.selected)


def test_add_one_reports_progress_and_jumps_over_increments():
    instance = Instance.of(1_000_000, {"a": 700_000, "b": 400_000, "c": 300_000})
    profile = Profile.approval([["a"], ["a", "b"], ["b"], ["c"]])
    seen = []
    result = mes_add_one(instance, profile, progress=seen.append)
    assert sorted(result.selected) == pabutools_mes(instance, profile, add_one=True)
    assert [p.runs for p in seen] == list(range(1, len(seen) + 1))
    assert result.runs == len(seen) < result.increment  # fewer runs than unit steps
    assert all(p.budget == Fraction(1_000_000) for p in seen)


def test_cumulative_and_ordinal_ballots_use_points():
    instance = Instance.of(10, {"a": 6, "b": 5, "c": 4})
    cumulative = Profile.cumulative([{"a": 3}, {"a": 1, "b": 2}, {"c": 3}])
    ordinal = Profile.ordinal([["a", "b"], ["b", "a"], ["c"]])
    for profile in (cumulative, ordinal):
        assert sorted(mes(profile=profile, instance=instance).selected) == pabutools_mes(instance, profile)
        assert sorted(greedy(instance, profile)) == pabutools_greedy(instance, profile)
    # Borda-like: a ranking of two gives 2 and 1; "a" and "b" both score 3, "c" scores 1.
    assert greedy(instance, ordinal) == ["a", "c"]


def _random_election(rng: random.Random, kind: str) -> tuple[Instance, Profile]:
    m = rng.randint(1, 7)
    top = rng.choice([31, 200])
    costs = {str(j): rng.choice([0, *range(1, top)]) for j in range(m)}
    budget = rng.randint(5, rng.choice([60, 400]))
    ids = list(costs)
    ballots = []
    for _ in range(rng.randint(1, rng.choice([7, 20]))):
        chosen = rng.sample(ids, rng.randint(0, m))
        ballots.append({p: rng.randint(1, 3) for p in chosen} if kind == "cumulative" else chosen)
    return Instance.of(budget, costs), getattr(Profile, kind)(ballots)


@pytest.mark.parametrize("engine", ["classes", "voters"])
@pytest.mark.parametrize("kind", ["approval", "cumulative", "ordinal"])
def test_the_rules_agree_with_pabutools_on_random_elections(kind, engine):
    # Both implementations of MES (budget classes for few ballots, ballot groups for many) on
    # the same seeded elections: 2,800 in all.
    rng = random.Random(f"council-budgeting-{kind}")
    for _ in range({"approval": 800, "cumulative": 300, "ordinal": 300}[kind]):
        instance, profile = _random_election(rng, kind)
        context = (instance, profile)
        assert sorted(mes(instance, profile, engine=engine).selected) == pabutools_mes(instance, profile), context
        assert sorted(mes_add_one(instance, profile, engine=engine).selected) == pabutools_mes(
            instance, profile, add_one=True
        ), context
        assert sorted(greedy(instance, profile)) == pabutools_greedy(instance, profile), context
        assert sorted(mes_greedy_completion(instance, profile, engine=engine).selected) == pabutools_mes_greedy(
            instance, profile
        ), context


def test_both_engines_agree_on_a_larger_seeded_election():
    # 6,000 approval ballots over 25 projects with Zipf-like popularity: the ballot-group engine
    # (floats to find, exact to decide) against the budget-class engine (exact throughout).
    rng = random.Random("council-budgeting-larger")
    costs = {str(j): int(10_000 * 50 ** rng.random()) for j in range(25)}
    weights = [1 / (rank + 1) for rank in range(25)]
    ballots = []
    for _ in range(6000):
        chosen = set()
        size = rng.randint(1, 8)
        while len(chosen) < size:
            chosen.add(str(rng.choices(range(25), weights)[0]))
        ballots.append(chosen)
    instance = Instance.of(sum(costs.values()) // 5, costs)
    profile = Profile.approval(ballots)
    assert mes(instance, profile, engine="voters").selected == mes(instance, profile, engine="classes").selected
    by_voters = mes_add_one(instance, profile, engine="voters")
    by_classes = mes_add_one(instance, profile, engine="classes")
    assert by_voters.selected == by_classes.selected


def test_the_rules_agree_with_pabutools_where_ties_abound():
    # Few distinct costs and ballots copied from three templates: many exact ties between
    # projects' rho and between supporters' budgets, in both engines.
    rng = random.Random("council-budgeting-ties")
    for _ in range(300):
        kind = rng.choice(["approval", "approval", "cumulative", "ordinal"])
        m = rng.randint(2, 7)
        costs = {str(j): rng.choice([10, 20, 30, 60]) for j in range(m)}
        templates = [rng.sample(list(costs), rng.randint(1, m)) for _ in range(3)]
        ballots = []
        for _ in range(rng.randint(2, 12)):
            chosen = rng.choice(templates)
            ballots.append({p: rng.choice([1, 2]) for p in chosen} if kind == "cumulative" else list(chosen))
        instance = Instance.of(rng.choice([30, 60, 90, 120]), costs)
        profile = getattr(Profile, kind)(ballots)
        plain, add_one = pabutools_mes(instance, profile), pabutools_mes(instance, profile, add_one=True)
        for engine in ("classes", "voters"):
            assert sorted(mes(instance, profile, engine=engine).selected) == plain, (instance, profile, engine)
            assert sorted(mes_add_one(instance, profile, engine=engine).selected) == add_one, (instance, profile, engine)
