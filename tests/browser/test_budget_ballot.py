"""A resident fills a knapsack ballot by keyboard only: the running total is announced, the
refusal over the budget is shown with nothing lost, the ballot is submitted; the same page on a
phone. axe finds nothing on the list, the budget's page and the ballot."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import Project
from council.councils.models import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.keyboard import assert_focus_visible
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until
from tests.browser.page import PHONE
from tests.browser.page import text
from tests.browser.page import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


def _budget(council) -> Budget:
    now = timezone.now()
    budget = Budget.objects.create(
        council=council, title="Budget participatif 2027", amount=Decimal(100_000),
        description="Cent mille euros pour les projets du quartier.",
        submission_starts_at=now - timedelta(days=30), review_starts_at=now - timedelta(days=20),
        vote_starts_at=now - timedelta(days=1), vote_ends_at=now + timedelta(days=13),
    )
    for title, cost, category, point in (
        ("Des bancs au square", 30_000, "Espaces verts", (48.853, 2.349)),
        ("Des arbres rue Lepic", 50_000, "Espaces verts", (48.886, 2.334)),
        ("Une fontaine à boire", 40_000, "Eau", None),
    ):
        Project.objects.create(
            budget=budget, title=title, cost=Decimal(cost), category=category, feasibility="feasible",
            description="Proposé par les habitants.", latitude=point[0] if point else None, longitude=point[1] if point else None,
        )
    return budget


def _check(driver, title: str) -> dict:
    """Tab to the checkbox of `title` and tick (or untick) it with the space bar."""
    stops = tab_until(driver, lambda f: f["tag"] == "input" and title in driver.execute_script(
        "return document.activeElement.labels[0].textContent"))
    assert_focus_visible(stops[-1])
    return press(driver, Keys.SPACE)


def test_a_resident_fills_a_knapsack_ballot_by_keyboard_and_on_a_phone(browser, ui, meeting):
    council = meeting["council"]
    rosa = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    budget = _budget(council)
    base = f"/c/{council.slug}/budgets/"
    ballot_path = f"{base}{budget.pk}/ballot/"

    driver = browser()
    driver.get(f"{ui.url}{base}")
    assert_axe_clean(driver, "the list of budgets, for a visitor")
    driver.get(f"{ui.url}{base}{budget.pk}/")
    wait(driver, lambda d: d.find_element(By.ID, "budget-participation").get_attribute("data-synced") == "1", "the count never connected")
    assert_axe_clean(driver, "a budget's page, for a visitor")

    ui.log_in(driver, rosa, ballot_path)
    wait(driver, lambda d: d.find_element(By.ID, "ballot-form").get_attribute("data-ready") == "1", "the running total never started")
    assert_axe_clean(driver, "the ballot")
    assert driver.find_element(By.ID, "ballot-total").get_attribute("aria-live") == "polite"

    _check(driver, "Des bancs au square")
    assert "1 project chosen. Spent: 30,000\u00a0€ of 100,000\u00a0€. Left: 70,000\u00a0€." in text(driver, "ballot-total")
    _check(driver, "Des arbres rue Lepic")
    _check(driver, "Une fontaine à boire")
    assert "Over the budget by 20,000\u00a0€" in text(driver, "ballot-total")
    tab_until(driver, lambda f: f["text"] == "Submit my ballot")
    press(driver, Keys.ENTER)

    wait(driver, lambda d: d.find_elements(By.ID, "ballot-error"), "the refusal over the budget was never shown")
    assert "more than the budget" in text(driver, "ballot-error")
    assert len(driver.find_elements(By.CSS_SELECTOR, "input[name=project]:checked")) == 3  # nothing lost
    assert_axe_clean(driver, "the ballot with its refusal")
    _check(driver, "Une fontaine à boire")  # untick
    assert "Left: 20,000\u00a0€." in text(driver, "ballot-total")
    tab_until(driver, lambda f: f["text"] == "Submit my ballot")
    press(driver, Keys.ENTER)

    wait(driver, lambda d: "Your ballot is submitted and counted." in d.find_element(By.CSS_SELECTOR, ".flash").text, "never submitted")
    ballot = BudgetBallot.objects.get(budget=budget, voter=rosa)
    assert sorted(ballot.choices.values_list("project__title", flat=True)) == ["Des arbres rue Lepic", "Des bancs au square"]
    if os.environ.get("COUNCIL_SCREENSHOTS"):  # a test run must not change the working tree
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.execute_script("document.getElementById('ballot-heading').scrollIntoView()")
        driver.save_screenshot(str(SCREENSHOTS / "budget-ballot.png"))

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.get(f"{ui.url}{ballot_path}")
    wait(driver, lambda d: d.find_element(By.ID, "ballot-form").get_attribute("data-ready") == "1", "the phone's ballot never started")
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), "the ballot scrolls sideways on a phone"
    submit = driver.find_element(By.CSS_SELECTOR, "button[value=submit]")
    assert submit.size["height"] >= 44
    assert "Spent: 80,000\u00a0€ of 100,000\u00a0€. Left: 20,000\u00a0€." in text(driver, "ballot-total")
    assert_axe_clean(driver, "the ballot on a phone")
    if os.environ.get("COUNCIL_SCREENSHOTS"):
        driver.execute_script("document.getElementById('ballot-heading').scrollIntoView()")
        driver.save_screenshot(str(SCREENSHOTS / "budget-ballot-phone.png"))
