"""The room as a meeting stage, at a laptop's size (1366x768) and a phone's (360x740).

Video and chat are both on screen without scrolling; the side panel's tabs work with the
arrow keys and keep the focus; the panel collapses and comes back; a resident raises a
hand from the phone without leaving the stage (touch targets of 44x44 px at least); axe
finds nothing, whatever the impact, in each state. With COUNCIL_SCREENSHOTS set, the
stage with two cameras on is saved at both sizes for the README (docs/img/).
"""

import os
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from council.councils.models import Role
from tests.browser.axe import describe
from tests.browser.axe import violations
from tests.browser.keyboard import FOCUSED
from tests.browser.keyboard import assert_focus_visible
from tests.browser.keyboard import press
from tests.browser.video_ui import join_with_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"laptop": (1366, 768), "phone": (360, 740)}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"

BOX = "const r = document.getElementById(arguments[0]).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];"


@pytest.fixture
def sized():
    """`sized(driver, size)` sets the viewport exactly; every driver is reset after the test."""
    used = []

    def resize(driver, size: str) -> None:
        width, height = SIZES[size]
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": size == "phone"},
        )
        used.append(driver)
        time.sleep(0.3)  # layout settles

    yield resize
    for driver in used:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def assert_on_screen(driver, size: str, *element_ids: str) -> None:
    width, height = SIZES[size]
    assert driver.execute_script("return window.scrollY") == 0
    for element_id in element_ids:
        left, top, right, bottom = driver.execute_script(BOX, element_id)
        assert (right - left, bottom - top) >= (40, 30), f"{element_id} is too small at {size}"
        inside = left >= 0 and top >= 0 and right <= width and bottom <= height
        assert inside, f"{element_id} is not within {width}x{height}: {(left, top, right, bottom)}"


def assert_axe_clean(driver, state: str) -> None:
    found = violations(driver)
    assert not found, f"{state}:\n" + describe(found)


def selected_tab(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, '#side-tabs [aria-selected="true"]').get_attribute(
        "id"
    )


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_video_and_chat_on_screen_tabs_by_keyboard_and_collapsing(
    browser, ui, meeting, sized, size
):
    driver = browser()
    ui.enter_room(driver, meeting["member"], meeting["path"])
    sized(driver, size)

    # The stage and the chat, both on screen at first sight.
    assert_on_screen(driver, size, "video", "chat-log", "chat-input", "chat-send", "hand-toggle")
    assert selected_tab(driver) == "tab-chat"
    assert_axe_clean(driver, f"chat tab at {size}")

    # The tabs: one Tab stop, the arrow keys move and show, the focus stays on the tab.
    driver.execute_script("document.getElementById('tab-chat').focus()")
    focused = press(driver, Keys.ARROW_RIGHT)
    assert focused["id"] == "tab-people", focused
    assert_focus_visible(focused)
    assert selected_tab(driver) == "tab-people"
    assert driver.find_element(By.ID, "panel-people").is_displayed()
    assert not driver.find_element(By.ID, "panel-chat").is_displayed()
    assert meeting["member"].public_name in driver.find_element(By.ID, "presence-list").text
    assert_axe_clean(driver, f"participants tab at {size}")
    focused = press(driver, Keys.END)
    assert focused["id"] == driver.execute_script(
        "return [...document.querySelectorAll('#side-tabs [role=tab]')].filter((t) => !t.hidden).pop().id"
    )
    focused = press(driver, Keys.HOME)
    assert focused["id"] == "tab-chat"
    assert driver.find_element(By.ID, "panel-chat").is_displayed()
    focused = press(driver, Keys.ARROW_LEFT)  # wraps round to the last tab
    assert focused["id"] != "tab-chat"
    assert selected_tab(driver) == focused["id"]
    press(driver, Keys.HOME)
    after_tabs = press(driver, Keys.TAB)  # the other tabs are not Tab stops
    assert not after_tabs["id"].startswith("tab-"), after_tabs

    # Collapsing the side panel gives its room to the video, and keeps the focus on the toggle.
    before = driver.execute_script(BOX, "video")
    toggle = driver.find_element(By.ID, "side-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not driver.find_element(By.ID, "side-panel").is_displayed()
    after = driver.execute_script(BOX, "video")
    grown = (after[2] - after[0]) * (after[3] - after[1]) > 1.3 * (before[2] - before[0]) * (
        before[3] - before[1]
    )
    assert grown, f"the video did not grow: {before} -> {after}"
    assert driver.execute_script(FOCUSED)["id"] == "side-toggle"
    assert_on_screen(driver, size, "video", "hand-toggle", "side-toggle")
    assert_axe_clean(driver, f"collapsed at {size}")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert_on_screen(driver, size, "video", "chat-log", "chat-input")


def test_a_resident_raises_a_hand_from_a_phone_without_leaving_the_stage(
    browser, ui, meeting, sized
):
    resident = ui.make_person(
        meeting["council"], "rose@example.org", "Rose Résidente", Role.RESIDENT
    )
    driver = browser()
    ui.enter_room(driver, resident, meeting["path"])
    sized(driver, "phone")
    hand = driver.find_element(By.ID, "hand-toggle")
    assert min(hand.size["width"], hand.size["height"]) >= 44, hand.size
    controls = driver.find_elements(By.CSS_SELECTOR, ".room-toolbar button, #side-tabs [role=tab]")
    small = {
        c.get_attribute("id"): c.size
        for c in controls
        if c.is_displayed() and min(c.size["width"], c.size["height"]) < 44
    }
    assert small == {}

    hand.click()

    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "hand-toggle").get_attribute("aria-pressed") == "true"
    )
    strings = ui.strings(driver)
    badge = driver.find_element(By.ID, "people-tab-hands")
    # The tab shows the number and says the words: "Participants 1 hand raised".
    assert badge.find_element(By.CSS_SELECTOR, "[aria-hidden=true]").text == "1"
    tab_name = driver.find_element(By.ID, "tab-people").get_attribute("textContent")
    assert strings["hands_badge"]["one"].replace("%(count)s", "1") in tab_name
    assert resident.public_name in driver.find_element(By.ID, "hands-announcer").get_attribute(
        "textContent"
    )
    assert_on_screen(driver, "phone", "video", "chat-log", "hand-toggle")
    assert_axe_clean(driver, "hand raised on a phone")


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_the_facilitators_drawer_opens_takes_the_focus_and_gives_it_back(
    browser, ui, meeting, sized, size
):
    member = browser()
    ui.enter_room(member, meeting["member"], meeting["path"])
    assert not member.find_element(By.ID, "drawer-toggle").is_displayed()  # facilitators only
    driver = browser()
    ui.enter_room(driver, meeting["facilitator"], meeting["path"])
    sized(driver, size)
    # Every tab the facilitator has (chat, participants, agenda, workshops) passes axe.
    for tab in driver.find_elements(By.CSS_SELECTOR, "#side-tabs [role=tab]"):
        if tab.is_displayed():
            tab.click()
            assert_axe_clean(driver, f"facilitator's {tab.get_attribute('id')} at {size}")
    toggle = driver.find_element(By.ID, "drawer-toggle")

    toggle.click()

    drawer = driver.find_element(By.ID, "facilitator-drawer")
    assert drawer.is_displayed()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert driver.execute_script(FOCUSED)["id"] == "drawer-heading"
    assert driver.find_element(By.ID, "lock-toggle").is_displayed()
    assert driver.find_element(By.ID, "video-mute-all").is_displayed()
    assert_axe_clean(driver, f"drawer at {size}")
    press(driver, Keys.TAB)
    focused = press(driver, Keys.ESCAPE)
    assert not drawer.is_displayed()
    assert focused["id"] == "drawer-toggle", focused
    assert_focus_visible(focused)


@pytest.fixture
def server_env() -> dict[str, str]:
    """The media worker runs inside Daphne (for the screenshots with cameras on)."""
    return {"MEDIA_EMBEDDED_WORKER": "true", "MEDIA_TEST_LOOPBACK": "1"}


def playing_tiles(driver) -> int:
    """Video tiles whose picture is decoded (a frame of a real size, not a black box)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#video-tiles video')].filter(v => v.videoWidth > 0).length"
    )


def test_two_cameras_on_the_stage_with_the_chat_beside_at_both_sizes(video_browser, ui, meeting, sized):
    """The stage in a real call: both pictures play, the chat and the raised hand are in view.

    With COUNCIL_SCREENSHOTS set, this state is saved at both sizes for the README.
    """
    pages = []
    for person in (meeting["facilitator"], meeting["member"]):
        driver = video_browser()
        ui.enter_room(driver, person, meeting["path"])
        join_with_video(driver)
        pages.append(driver)
    fatou, marc = pages
    marc.find_element(By.ID, "chat-input").send_keys("Bonsoir, je vous entends bien.")
    marc.find_element(By.ID, "chat-send").click()
    marc.find_element(By.ID, "hand-toggle").click()
    ui.wait_for_message(fatou, "je vous entends bien")

    sized(fatou, "laptop")
    WebDriverWait(fatou, 30).until(lambda d: playing_tiles(d) >= 2, "both cameras never played on the stage")
    assert_on_screen(fatou, "laptop", "video-tiles", "chat-log", "chat-input")
    WebDriverWait(fatou, 10).until(
        lambda d: d.execute_script(
            "const seen = document.querySelector('#people-tab-hands [aria-hidden=true]');"
            " return seen && !document.getElementById('people-tab-hands').hidden ? seen.textContent : ''"
        ) == "1",
        "the raised hand is not counted on the Participants tab",
    )
    sized(marc, "phone")
    WebDriverWait(marc, 30).until(lambda d: playing_tiles(d) >= 2, "the phone never played both cameras")
    assert_on_screen(marc, "phone", "video-tiles", "hand-toggle")

    if os.environ.get("COUNCIL_SCREENSHOTS"):  # a test run must not change the working tree
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        time.sleep(2)  # frames on the tiles
        fatou.save_screenshot(str(SCREENSHOTS / "room-stage-laptop.png"))
        marc.save_screenshot(str(SCREENSHOTS / "room-stage-phone.png"))


def test_a_light_brand_colour_keeps_the_stage_readable(browser, ui, transactional_db, sized):
    """The tabs, the hands badge and the toolbar use the council's colours: a light yellow too."""
    from council.councils.models import Council
    from council.rooms.models import Room

    council = Council.objects.create(slug="sud", name="Conseil Sud", brand_colour="#f4c430")
    room = Room.objects.create(council=council, name="Atelier budget")
    facilitator = ui.make_person(council, "sofia@example.org", "Sofia Sud", Role.FACILITATOR)
    driver = browser()
    ui.enter_room(driver, facilitator, f"/c/{council.slug}/rooms/{room.pk}/")
    driver.find_element(By.ID, "hand-toggle").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "people-tab-hands").is_displayed())

    for size in ("laptop", "phone"):
        sized(driver, size)
        assert_axe_clean(driver, f"yellow council's stage at {size}")
        driver.find_element(By.ID, "drawer-toggle").click()
        assert_axe_clean(driver, f"yellow council's drawer at {size}")
        driver.find_element(By.ID, "drawer-close").click()
