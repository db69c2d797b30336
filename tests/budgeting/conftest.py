"""A council with officials and residents, and budgets in any phase with a few projects."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from council.budgeting.models import Budget
from council.budgeting.models import Project

PHASES = ["draft", "submission", "review", "vote", "results"]


def phase_dates(phase: str) -> dict[str, Any]:
    """Dates that put a budget in `phase` now: each phase a week, the current one started a day ago."""
    now = timezone.now()
    index = PHASES.index(phase)
    names = ["submission_starts_at", "review_starts_at", "vote_starts_at", "vote_ends_at"]
    return {name: now - timedelta(days=1) + timedelta(days=7 * (i + 1 - index)) for i, name in enumerate(names)}


@pytest.fixture
def make_budget(council) -> Callable[..., Budget]:
    """Return a maker: `make_budget(phase="vote", groups=[...], **fields)`."""

    def make(phase: str = "vote", groups=(), **fields: Any) -> Budget:
        values = {"title": "Budget du quartier", "amount": Decimal(100_000), "ballot_kind": Budget.BallotKind.KNAPSACK}
        budget = Budget.objects.create(council=council, **(values | phase_dates(phase) | fields))
        budget.eligible_groups.set(groups)
        return budget

    return make


def project(budget: Budget, title: str, cost: int, **fields: Any) -> Project:
    return Project.objects.create(budget=budget, title=title, cost=Decimal(cost), feasibility="feasible", **fields)


@pytest.fixture
def budget(make_budget):
    return make_budget()


@pytest.fixture
def projects(budget):
    return [project(budget, "Bancs", 30_000), project(budget, "Arbres", 50_000), project(budget, "Fontaine", 40_000)]


@pytest.fixture
def official(council, user_with_role):
    return user_with_role("facilitator", council, display_name="Fatou Facilitatrice")


@pytest.fixture
def voter(council, user_with_role):
    return user_with_role("resident", council, display_name="Rosa Résidente")


@pytest.fixture
def client(client):
    """Pages in English here (French is checked where said): the refusals read as in the services."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
