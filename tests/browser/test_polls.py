"""A live poll in real browsers: prepared and launched from the stage, answered on a laptop and on
a phone reached by the short link, closed, its result on every screen; axe finds nothing, whatever
the impact, in each state.
"""

import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from council.councils.models import Role
from council.voting.polls.models import Answer
from council.voting.polls.models import Poll
from tests.browser.axe import assert_axe_clean
from tests.browser.conftest import PASSWORD
from tests.browser.page import BOX
from tests.browser.page import PHONE
from tests.browser.page import text
from tests.browser.page import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def answer_on_the_card(driver, option):
    toggle = wait(driver, lambda d: (b := d.find_element(By.ID, "polls-card-toggle")).is_displayed() and b, "no card")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    label = wait(
        driver,
        lambda d: next((x for x in d.find_elements(By.CSS_SELECTOR, "#polls-answer-choices label") if x.text.strip() == option), None),
        f"no option {option}",
    )
    label.click()
    driver.find_element(By.ID, "polls-answer-send").click()
    wait(driver, lambda d: "Your answer is recorded" in text(d, "polls-card-state"), "the answer was not acknowledged")


def test_a_poll_is_launched_from_the_stage_answered_on_a_laptop_and_a_phone_and_closed(browser, meeting, ui):
    council, path = meeting["council"], meeting["path"]
    chair = meeting["facilitator"]
    resident = ui.make_person(council, "rita@example.org", "Rita Résidente", Role.RESIDENT)
    phone_user = ui.make_person(council, "paul@example.org", "Paul Passant", Role.RESIDENT)
    facilitator, laptop, phone = browser(), browser(), browser()

    # The facilitator prepares a poll on the Polls tab and launches it.
    ui.enter_room(facilitator, chair, path)
    ui.show_tab(facilitator, "polls")
    facilitator.find_element(By.ID, "polls-question").send_keys("Quel jour pour la fête des voisins ?")
    Select(facilitator.find_element(By.ID, "polls-kind")).select_by_value("single")
    facilitator.find_element(By.ID, "polls-options").send_keys("Samedi\nDimanche")
    facilitator.find_element(By.ID, "polls-create").click()
    launch = wait(
        facilitator, lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, "#polls-drafts button.button:not(.secondary)")), None),
        "the poll was not prepared",
    )
    assert_axe_clean(facilitator, "facilitator, a poll prepared")
    launch.click()
    wait(facilitator, lambda d: d.find_element(By.ID, "polls-open").is_displayed(), "the poll did not open")

    # A resident on a laptop sees it on the stage and answers there.
    ui.enter_room(laptop, resident, path)
    wait(laptop, lambda d: d.find_element(By.ID, "polls-card").is_displayed(), "no poll on the resident's stage")
    assert "fête des voisins" in text(laptop, "polls-card-question")
    assert_axe_clean(laptop, "resident, the poll on the stage")
    answer_on_the_card(laptop, "Samedi")
    wait(laptop, lambda d: "1 answer (100%)" in text(d, "polls-card-results"), "no live result on the laptop")
    assert_axe_clean(laptop, "resident, answered with live results")

    # The facilitator projects the full-screen view: question, results, QR code and short link.
    facilitator.find_element(By.ID, "polls-full-screen").click()
    link = wait(facilitator, lambda d: text(d, "polls-fullscreen-url"), "no short link on the full screen")
    code = Poll.objects.get().code
    assert re.fullmatch(rf"http://[^/]+/p/{code}/", link)
    qr = facilitator.find_element(By.ID, "polls-fullscreen-qr")
    assert link in qr.get_attribute("alt")
    wait(facilitator, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr), "no QR code")
    assert_axe_clean(facilitator, "facilitator, full screen")
    facilitator.find_element(By.ID, "polls-fullscreen").send_keys(Keys.ESCAPE)
    wait(facilitator, lambda d: not d.find_element(By.ID, "polls-fullscreen").is_displayed(), "the full screen stayed")
    assert facilitator.switch_to.active_element.get_attribute("id") == "polls-full-screen"  # focus back

    # Someone in the hall scans it with a phone: log in, then the room opens on the poll.
    phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        phone.get(link)
        form = wait(phone, lambda d: d.find_element(By.CSS_SELECTOR, "form:has(input[name=login])"), "no log-in form")
        form.find_element(By.NAME, "login").send_keys(phone_user.email)
        form.find_element(By.NAME, "password").send_keys(PASSWORD)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(phone, lambda d: d.current_url.endswith(f"{path}#polls"), "the short link did not lead to the room")
        ui.wait_synced(phone, phone_user)
        wait(phone, lambda d: d.find_element(By.ID, "polls-answer-send").is_displayed(), "the poll did not open on the phone")
        for element in [
            phone.find_element(By.ID, "polls-card-toggle"),
            phone.find_element(By.ID, "polls-answer-send"),
            *phone.find_elements(By.CSS_SELECTOR, "#polls-answer-choices label"),
        ]:
            width, height = phone.execute_script(BOX, element)
            assert min(width, height) >= 44, f"{element.text!r} is {width}x{height} px"
        assert_axe_clean(phone, "phone, the poll")
        answer_on_the_card(phone, "Dimanche")
        assert_axe_clean(phone, "phone, answered")

        # The facilitator closes the poll; everyone sees the result.
        wait(facilitator, lambda d: "2 answers" in text(d, "polls-open-results"), "the facilitator did not see 2 answers")
        facilitator.find_element(By.ID, "polls-close").click()
        wait(facilitator, lambda d: d.find_element(By.ID, "confirm-dialog").is_displayed(), "no confirmation")
        facilitator.find_element(By.CSS_SELECTOR, "#confirm-dialog button[value=confirm]").click()
        started = time.monotonic()
        for driver, who in ((laptop, "laptop"), (phone, "phone"), (facilitator, "facilitator")):
            wait(driver, lambda d: "1 answer (50%)" in text(d, "polls-closed"), f"no final result on the {who}")
        assert time.monotonic() - started < 5
        assert not laptop.find_element(By.ID, "polls-card").is_displayed()
        assert "The poll is closed" in text(laptop, "polls-announcer")
        assert_axe_clean(phone, "phone, closed with its result")
    finally:
        phone.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert_axe_clean(laptop, "resident, closed with its result")
    assert_axe_clean(facilitator, "facilitator, closed")
    assert sorted(Answer.objects.values_list("value", flat=True)) == [[0], [1]]
    assert Poll.objects.get().result["respondents"] == 2
