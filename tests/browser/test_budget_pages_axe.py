"""axe finds nothing on the budget pages the other browser tests do not visit: the proposal
form (a resident), the review with its contribution form, the paper entry, the results before
they are published, the follow-up and its edit page (an official)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.councils.models import Council
from council.councils.models import Role
from tests.browser.axe import assert_axe_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _budget(council, title: str, *, days_since_vote_start: int, days_to_vote_end: int, **fields) -> Budget:
    """A budget placed in its phase by its vote dates (submission and review before them)."""
    now = timezone.now()
    vote_starts_at = now - timedelta(days=days_since_vote_start)
    budget = Budget.objects.create(
        council=council, title=title, amount=Decimal(100_000), description="Pour les projets du quartier.",
        submission_starts_at=vote_starts_at - timedelta(days=20), review_starts_at=vote_starts_at - timedelta(days=10),
        vote_starts_at=vote_starts_at, vote_ends_at=now + timedelta(days=days_to_vote_end), **fields,
    )
    for name, cost, feasibility in (("Des bancs au square", 30_000, "feasible"), ("Une fontaine", 40_000, "feasible")):
        Project.objects.create(budget=budget, title=name, cost=Decimal(cost), feasibility=feasibility, category="Espaces verts",
                               description="Proposé par les habitants.")
    return budget


def _assert_clean(driver, heading: str, what: str) -> None:
    """The page asked for (not a login or refusal page), and axe finds nothing on it."""
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith(heading)
    assert_axe_clean(driver, what)


def test_the_budget_pages_of_residents_and_officials_are_axe_clean(browser, ui):
    council = Council.objects.create(slug="lepic", name="Conseil de quartier Lepic")
    official = ui.make_person(council, "fatou@example.org", "Fatou Facilitatrice", Role.FACILITATOR)
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    now = timezone.now()
    submission = _budget(council, "Budget 2028", days_since_vote_start=-5, days_to_vote_end=20)
    submission.submission_starts_at, submission.review_starts_at = now - timedelta(days=1), now + timedelta(days=2)
    submission.save()
    consultation = Consultation.objects.create(council=council, title="La place du marché", is_published=True)
    for title in ("Un composteur", "Plus d'arbres"):
        contribution = Contribution.objects.create(consultation=consultation, author=resident, title=title, body="Dans la cour.")
    Project.objects.create(budget=submission, title="Plus d'arbres", cost=0, proposer=resident, source_contribution=contribution)
    voting = _budget(council, "Budget 2027", days_since_vote_start=1, days_to_vote_end=10)
    over = _budget(council, "Budget 2026", days_since_vote_start=20, days_to_vote_end=-1)
    chosen = over.projects.first()
    assert chosen is not None
    result = BudgetResult.objects.create(
        budget=over, status=BudgetResult.Status.DONE, rule=over.rule, computed_at=now, voters=3,
        selected={rule: [chosen.pk] for rule in Budget.Rule.values}, scores={str(p.pk): 2 for p in over.projects.all()},
    )
    base = f"/c/{council.slug}/budgets"

    driver = browser()
    ui.log_in(driver, resident, f"{base}/{submission.pk}/propose/")
    _assert_clean(driver, "Propose a project", "the proposal form")

    driver = browser()
    ui.log_in(driver, official, f"{base}/{submission.pk}/review/")
    assert "Add a consultation contribution as a project" in driver.page_source
    _assert_clean(driver, "Review of the projects", "the review, with the contribution form")
    driver.get(f"{ui.url}{base}/{voting.pk}/paper/")
    _assert_clean(driver, "Paper ballots", "the paper ballot entry")
    driver.get(f"{ui.url}{base}/{over.pk}/results/")
    _assert_clean(driver, "Results", "the results before they are published, for an official")
    result.published_at, result.published_by = now, official
    result.save()
    driver.get(f"{ui.url}{base}/{over.pk}/follow-up/")
    _assert_clean(driver, "Follow-up:", "the follow-up")
    driver.get(f"{ui.url}{base}/{over.pk}/follow-up/{chosen.pk}/")
    _assert_clean(driver, "Follow-up of", "the follow-up edit page")
