"""A binding vote by keyboard only: cast on the vote's page, keep the receipt, find it once published."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from council.voting.ballots import services
from council.voting.ballots.box import TRACKER
from council.voting.ballots.services import VoteDraft
from tests.browser.axe import describe
from tests.browser.axe import serious_violations
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_serious_violation(driver) -> None:
    violations = serious_violations(driver)
    assert not violations, "\n" + describe(violations)


def test_an_elector_votes_by_keyboard_and_finds_the_receipt_in_the_published_list(browser, ui, meeting):
    council, official, elector = meeting["council"], meeting["facilitator"], meeting["member"]
    vote = services.vote_create(actor=official, council=council, draft=VoteDraft(title="Jardin partagé", method="majority_simple"))
    services.vote_freeze(actor=official, vote_id=vote.pk)
    services.vote_open(actor=official, vote_id=vote.pk)
    path = f"/c/{council.slug}/votes/{vote.pk}/"
    driver = browser()
    ui.log_in(driver, elector, path)
    wait = WebDriverWait(driver, 15)
    wait.until(lambda d: d.find_element(By.ID, "ballot-tracker").get_attribute("value"))  # made in the browser
    made_here = driver.find_element(By.ID, "ballot-tracker").get_attribute("value")
    _no_serious_violation(driver)

    tab_until(driver, lambda f: f["id"] == "choice-for")
    press(driver, Keys.SPACE)
    tab_until(driver, lambda f: f["tag"] == "button" and f["text"] == "Cast my vote")
    press(driver, Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.ID, "receipt"))
    receipt = driver.find_element(By.ID, "receipt").text.strip()
    _no_serious_violation(driver)

    assert TRACKER.match(made_here)
    assert receipt == made_here

    services.vote_close(actor=official, vote_id=vote.pk)
    services.vote_publish(actor=official, vote_id=vote.pk)
    driver.get(f"{ui.url}{path}ballots/")
    tab_until(driver, lambda f: f["id"] == "tracker-search")
    press(driver, *receipt.lower())
    press(driver, Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=status].found"))

    assert "Your ballot is in the box, at position 1." in driver.find_element(By.CSS_SELECTOR, "[role=status].found").text
    _no_serious_violation(driver)
    driver.get(f"{ui.url}{path}results/")
    assert "The motion is adopted" in driver.find_element(By.TAG_NAME, "main").text
    _no_serious_violation(driver)
