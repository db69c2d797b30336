"""A council meets live: a message reaches another browser, the facilitator deletes it for all."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.wait import WebDriverWait

from council.rooms.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Proposition : rouvrir le jardin partagé le samedi matin."


def test_message_appears_live_and_facilitator_deletes_it_for_everyone(browser, ui, meeting):
    path = meeting["path"]
    member, other, facilitator = meeting["member"], meeting["other_member"], meeting["facilitator"]
    watcher = browser()
    ui.enter_room(watcher, other, path)
    sender = browser()
    ui.enter_room(sender, member, path)
    # The people already in the room hear who came in (role=status announcer).
    WebDriverWait(watcher, 10).until(
        lambda d: member.public_name in d.find_element(By.ID, "presence-announcer").text,
        message="the arrival of the member was not announced",
    )
    moderator = browser()
    ui.enter_room(moderator, facilitator, path)
    WebDriverWait(watcher, 20).until(
        lambda d: d.find_element(By.ID, "presence-count").get_attribute("textContent") == "3",
        message="the presence count never reached three people",
    )

    # The member types a message and presses Send.
    sender.find_element(By.ID, "chat-input").send_keys(TEXT)
    sender.find_element(By.ID, "chat-send").click()
    item = ui.wait_for_message(sender, TEXT)
    assert member.public_name in item.find_element(By.CSS_SELECTOR, ".author").text
    assert sender.find_element(By.ID, "chat-input").get_attribute("value") == ""
    # A member is no moderator: no Delete button on their page.
    assert not item.find_elements(By.CSS_SELECTOR, ".delete-message")

    # The other member and the facilitator see it live, without reloading.
    seen = ui.wait_for_message(watcher, TEXT)
    assert member.public_name in seen.find_element(By.CSS_SELECTOR, ".author").text
    target = ui.wait_for_message(moderator, TEXT)

    # The facilitator deletes it through the confirmation dialog.
    target.find_element(By.CSS_SELECTOR, ".delete-message").click()
    dialog = moderator.find_element(By.ID, "confirm-dialog")
    WebDriverWait(moderator, 5).until(lambda d: dialog.get_attribute("open") is not None)
    strings = ui.strings(moderator)
    assert dialog.find_element(By.ID, "confirm-text").text == strings["confirm_delete"]
    dialog.find_element(By.CSS_SELECTOR, "button[value=confirm]").click()

    # It disappears from every page, live, replaced by the "deleted" notice.
    for driver in (moderator, watcher, sender):
        WebDriverWait(driver, 10).until(
            lambda d: TEXT not in d.find_element(By.ID, "chat-log").text,
            message="the deleted message is still shown",
        )
        notice = driver.find_element(By.CSS_SELECTOR, "#chat-log li.deleted .text")
        assert notice.text == strings["deleted"]
    assert not moderator.find_elements(By.CSS_SELECTOR, "#chat-log .delete-message")
    assert not dialog.get_attribute("open")

    message = Message.objects.get(room=meeting["room"], seq=1)
    assert message.deleted_at is not None
    assert message.deleted_by_id == facilitator.pk

    # Someone who reloads does not get the text back.
    watcher.refresh()
    ui.wait_synced(watcher, other)
    WebDriverWait(watcher, 10).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#chat-log li.deleted"))
    )
    assert TEXT not in watcher.find_element(By.ID, "chat-log").text
    assert TEXT not in watcher.page_source
