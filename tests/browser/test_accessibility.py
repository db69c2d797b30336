"""axe-core audits (WCAG 2.0/2.1 A and AA) of the log-in page and the live room."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from council.councils.models import Council
from council.councils.models import Role
from council.rooms.models import Room
from tests.browser.axe import describe
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_login_page_has_no_serious_violation(browser, ui, transactional_db):
    driver = browser()
    driver.get(f"{ui.url}/accounts/login/")
    assert driver.find_elements(By.NAME, "login")
    violations = serious_violations(driver)
    assert not violations, "\n" + describe(violations)

    # A failed log-in shows its error; the page must stay accessible then too.
    driver.find_element(By.NAME, "login").send_keys("personne@example.org")
    driver.find_element(By.NAME, "password").send_keys("wrong password")
    driver.find_element(By.CSS_SELECTOR, "form:has(input[name=login]) button[type=submit]").click()
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".errorlist, [role=alert]")
    )
    violations = serious_violations(driver)
    assert not violations, "\n" + describe(violations)


def _room_with_a_message(driver, ui, user, path: str) -> None:
    ui.enter_room(driver, user, path)
    driver.find_element(By.ID, "chat-input").send_keys("Le compte rendu est en ligne.")
    driver.find_element(By.ID, "chat-send").click()
    ui.wait_for_message(driver, "Le compte rendu est en ligne.")


def test_room_page_has_no_serious_violation(browser, ui, meeting):
    member = browser()
    _room_with_a_message(member, ui, meeting["member"], meeting["path"])
    member.find_element(By.ID, "hand-toggle").click()
    WebDriverWait(member, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hands-list li"))
    violations = serious_violations(member)
    assert not violations, "member's view:\n" + describe(violations)

    # The facilitator's view adds Delete buttons, moderation tools and the hands queue controls.
    facilitator = browser()
    ui.enter_room(facilitator, meeting["facilitator"], meeting["path"])
    WebDriverWait(facilitator, 10).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, "#chat-log .delete-message")
            and d.find_elements(By.CSS_SELECTOR, "#hands-list button")
        )
    )
    violations = serious_violations(facilitator)
    assert not violations, "facilitator's view:\n" + describe(violations)


def test_light_yellow_brand_keeps_contrast(browser, ui, transactional_db):
    """Any brand colour a council picks must leave text readable: here a light yellow."""
    council = Council.objects.create(
        slug="sud", name="Conseil de quartier Sud", brand_colour="#f4c430"
    )
    room = Room.objects.create(council=council, name="Atelier budget")
    facilitator = ui.make_person(council, "sofia@example.org", "Sofia Sud", Role.FACILITATOR)
    path = f"/c/{council.slug}/rooms/{room.pk}/"
    driver = browser()
    _room_with_a_message(driver, ui, facilitator, path)
    header = driver.find_element(By.CSS_SELECTOR, ".site-header")
    brand = header.value_of_css_property("background-color")
    assert brand == "rgba(244, 196, 48, 1)", "the council's own colour is shown"
    violations = serious_violations(driver)
    assert not violations, "yellow council's room:\n" + describe(violations)

    driver.get(f"{ui.url}/c/{council.slug}/")
    violations = serious_violations(driver)
    assert not violations, "yellow council's page:\n" + describe(violations)
