"""The room works with the keyboard alone, with visible focus and announced live regions."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser.keyboard import FOCUSED
from tests.browser.keyboard import assert_focus_visible
from tests.browser.keyboard import chord
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_room_by_keyboard_alone(browser, ui, meeting):
    driver = browser()
    facilitator = meeting["facilitator"]
    ui.enter_room(driver, facilitator, meeting["path"])
    strings = ui.strings(driver)

    # Live regions: the chat is a log, arrivals and hands are status messages, errors alerts.
    assert driver.find_element(By.ID, "chat-log").get_attribute("role") == "log"
    assert driver.find_element(By.ID, "presence-announcer").get_attribute("role") == "status"
    assert driver.find_element(By.ID, "hands-announcer").get_attribute("role") == "status"
    assert driver.find_element(By.ID, "room-alert").get_attribute("role") == "alert"

    # From the top of the page, Tab reaches the skip link first, then the chat, Send and the hand.
    stops = tab_until(driver, lambda f: f["id"] == "hand-toggle")
    assert "skip-link" in stops[0]["cls"], f"first Tab stop is {stops[0]}"
    ids = [stop["id"] for stop in stops]
    assert "chat-input" in ids, ids
    assert "chat-send" in ids, ids
    assert ids.index("chat-input") < ids.index("chat-send") < ids.index("hand-toggle"), ids

    # Raising a hand with the keyboard; the queue change is announced.
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "hand-toggle").get_attribute("aria-pressed") == "true"
    )
    announcer = driver.find_element(By.ID, "hands-announcer")
    assert facilitator.public_name in announcer.get_attribute("textContent")

    # The skip link jumps past the header: the next Tab lands on the stage (the video comes
    # first, as in every meeting tool), then the side panel's tabs (one stop), then the chat.
    driver.get(driver.current_url)
    ui.wait_synced(driver, facilitator)
    first = press(driver, Keys.TAB)
    assert "skip-link" in first["cls"]
    press(driver, Keys.ENTER)
    after_skip = press(driver, Keys.TAB)
    assert after_skip["id"] == "video-preview-toggle", after_skip
    assert_focus_visible(after_skip)
    stops = [stop["id"] for stop in tab_until(driver, lambda f: f["id"] == "chat-log")]
    assert [stop for stop in stops if stop.startswith("tab-")] == ["tab-chat"], stops

    # In the message box, Enter alone is a new line (no single-key shortcut); Ctrl+Enter sends.
    focused = press(driver, Keys.TAB)
    assert focused["id"] == "chat-input", focused
    press(driver, "Ordre du jour :", Keys.ENTER, "1. Budget")
    chat_input = driver.find_element(By.ID, "chat-input")
    assert chat_input.get_attribute("value") == "Ordre du jour :\n1. Budget"
    assert not driver.find_elements(By.CSS_SELECTOR, "#chat-log li")
    chord(driver, Keys.CONTROL, Keys.ENTER)
    item = ui.wait_for_message(driver, "1. Budget")
    assert chat_input.get_attribute("value") == ""
    assert driver.execute_script(FOCUSED)["id"] == "chat-input"  # focus stays to write on

    # An empty message is refused with an alert, not sent.
    chord(driver, Keys.CONTROL, Keys.ENTER)
    WebDriverWait(driver, 5).until(
        lambda d: d.find_element(By.ID, "room-alert").text == strings["empty_message"]
    )
    assert len(driver.find_elements(By.CSS_SELECTOR, "#chat-log li")) == 1

    # Shift+Tab back to the message's Delete button; Enter opens the confirmation dialog.
    focused = chord(driver, Keys.SHIFT, Keys.TAB)
    assert "delete-message" in focused["cls"], focused
    assert_focus_visible(focused)
    delete_button = item.find_element(By.CSS_SELECTOR, ".delete-message")
    press(driver, Keys.ENTER)
    dialog = driver.find_element(By.ID, "confirm-dialog")
    WebDriverWait(driver, 5).until(lambda d: dialog.get_attribute("open") is not None)
    in_dialog = driver.execute_script(
        "return document.getElementById('confirm-dialog').contains(document.activeElement)"
    )
    assert in_dialog, "focus did not move into the dialog"

    # Escape cancels: nothing deleted, focus back on the Delete button, visibly.
    focused = press(driver, Keys.ESCAPE)
    WebDriverWait(driver, 5).until(lambda d: dialog.get_attribute("open") is None)
    focused = driver.execute_script(FOCUSED)
    assert driver.switch_to.active_element == delete_button, focused
    assert_focus_visible(focused)
    assert "1. Budget" in item.find_element(By.CSS_SELECTOR, ".text").text

    # Enter again, Tab from Cancel to Confirm, Enter: deleted, and focus is not lost.
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 5).until(lambda d: dialog.get_attribute("open") is not None)
    assert (
        driver.execute_script(FOCUSED)["text"]
        == dialog.find_element(By.CSS_SELECTOR, "button[value=cancel]").text
    ), "the safe choice (Cancel) should have the focus first"
    focused = press(driver, Keys.TAB)
    assert focused["text"] == dialog.find_element(By.CSS_SELECTOR, "button[value=confirm]").text
    assert_focus_visible(focused)
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#chat-log li.deleted"),
        message="the message was not deleted",
    )
    WebDriverWait(driver, 5).until(lambda d: d.execute_script(FOCUSED)["id"] == "chat-log")
