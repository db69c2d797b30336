"""My data by keyboard: open it, download (the JSON read through the server's answer), delete the account."""

import json

import pytest
from django.test import Client
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from council.accounts.models import User
from council.councils.models import Council
from council.councils.models import Role
from council.rooms import services as rooms
from council.rooms.models import Message
from council.rooms.models import Room
from tests.browser.axe import serious_violations
from tests.browser.conftest import PASSWORD
from tests.browser.conftest import log_in
from tests.browser.conftest import make_person
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until
from tests.browser.page import wait


def focused_on(text):
    return lambda focused: focused["text"] == text


@pytest.mark.django_db(transaction=True)
def test_open_download_and_delete_by_keyboard(browser, live_url):
    council = Council.objects.create(slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f")
    room = Room.objects.create(council=council, name="Séance du 3 décembre")
    person = make_person(council, "camille@example.org", "Camille Martin", Role.MEMBER)
    rooms.message_post(actor=person, room_id=room.pk, text="Bonjour à tous")
    driver = browser()
    log_in(driver, live_url, person, "/accounts/profile/")

    tab_until(driver, focused_on("My data"))
    press(driver, Keys.ENTER)
    wait(driver, ec.url_to_be(f"{live_url}/accounts/my-data/"), "My data opens")
    assert serious_violations(driver) == []
    assert driver.find_element(By.TAG_NAME, "h1").text == "My data"
    assert driver.find_element(By.LINK_TEXT, "Download as data (JSON)").get_attribute("href").endswith("/accounts/my-data/download.json")
    client = Client()
    client.force_login(person)
    export = json.loads(client.get("/accounts/my-data/download.json").content)
    assert export["account"]["email"] == "camille@example.org"
    messages = next(part["rows"] for part in export["sections"] if part["key"] == "rooms.Message.author")
    assert [row["text"] for row in messages] == ["Bonjour à tous"]

    tab_until(driver, focused_on("Delete my account…"))
    press(driver, Keys.ENTER)
    wait(driver, ec.url_to_be(f"{live_url}/accounts/delete/"), "the confirmation asks for the password")
    assert serious_violations(driver) == []
    tab_until(driver, lambda focused: focused["id"] == "id_password")
    press(driver, "not my password", Keys.ENTER)
    alert = wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")), "the wrong password is told")
    assert alert.text == "This is not your password."
    assert driver.execute_script("return document.activeElement.id") == "id_password"
    assert serious_violations(driver) == []

    press(driver, PASSWORD, Keys.ENTER)
    wait(driver, ec.url_to_be(f"{live_url}/"), "back home")
    wait(driver, ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "Your account was deleted."), "told it is done")
    assert driver.find_elements(By.CSS_SELECTOR, "a[href^='/accounts/login/']")
    assert not User.objects.filter(email="camille@example.org").exists()
    assert Message.objects.get(text="Bonjour à tous").author.display_name == "Ancien participant"
