"""The "Sitting" tab by keyboard: a facilitator opens the sitting, the quorum badge follows a sign-in."""

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from council.councils.models import AuditEntry
from council.voting.assembly.models import Sitting
from tests.browser.keyboard import assert_focus_visible
from tests.browser.keyboard import tab_until
from tests.browser.test_workshops import assert_accessible
from tests.browser.test_workshops import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def badge(driver) -> str:
    return driver.find_element(By.ID, "assembly-quorum").text


def test_a_facilitator_opens_the_sitting_by_keyboard_and_the_badge_follows_the_hall(browser, ui, meeting):
    path, fatou, marc = meeting["path"], meeting["facilitator"], meeting["member"]
    boss = browser()
    ui.enter_room(boss, fatou, path)
    marc_page = browser()
    ui.enter_room(marc_page, marc, path)
    ui.show_tab(boss, "assembly")
    ui.show_tab(marc_page, "assembly")
    wait_until(boss, lambda d: badge(d) == "No sitting is open.", "the tab never said no sitting is open")

    # From the tab, Tab reaches "Open the sitting"; Enter opens it; the focus goes to "Check the quorum".
    stops = tab_until(boss, lambda focused: focused["id"] == "assembly-open")
    assert_focus_visible(stops[-1])
    boss.switch_to.active_element.send_keys(Keys.ENTER)
    wait_until(
        boss,
        lambda d: badge(d) == "Quorum not met: 0 present and counted, 2 needed (of 3 in office).",
        "the badge never showed the quorum of the open sitting",
    )
    assert boss.switch_to.active_element.get_attribute("id") == "assembly-check"
    assert boss.find_element(By.ID, "assembly-quorum").get_attribute("role") == "status"

    # On the sign-in sheet (another window), Fatou finds Marc by name and signs him in: both room pages follow.
    sitting = Sitting.objects.get(room=meeting["room"], closed_at__isnull=True)
    sheet = browser()
    ui.log_in(sheet, fatou, reverse("assembly-sign-in", args=[meeting["council"].slug, sitting.pk]))
    search = sheet.find_element(By.ID, "q")
    search.send_keys("Marc", Keys.ENTER)
    wait_until(sheet, lambda d: "Lemaire" not in d.find_element(By.ID, "sign-in-sheet").text, "no search")
    sheet.find_element(By.XPATH, "//button[normalize-space()='Sign Marc Membre in']").send_keys(Keys.ENTER)
    wait_until(sheet, lambda d: d.find_elements(By.XPATH, "//button[normalize-space()='Sign Marc Membre out']"), "not signed")
    assert_accessible(sheet, "sign-in sheet")
    for page in (boss, marc_page):
        wait_until(
            page,
            lambda d: badge(d) == "Quorum not met: 1 present and counted, 2 needed (of 3 in office).",
            "the badge did not follow the sign-in",
        )
    wait_until(
        marc_page,
        lambda d: d.find_element(By.ID, "assembly-me").text == "You are signed in as present in the hall.",
        "Marc was not told he is signed in",
    )
    assert_accessible(boss, "facilitator, sitting open")
    assert_accessible(marc_page, "member, signed in")

    # The president: Fatou, who opened it (a member in office), until she hands it to Marc by keyboard.
    def president(driver) -> str:
        return driver.find_element(By.ID, "assembly-president").text

    wait_until(marc_page, lambda d: president(d) == "Presided by Fatou Facilitatrice.", "no president shown")
    boss.find_element(By.ID, "assembly-president-select").send_keys("Marc")
    stops = tab_until(boss, lambda focused: focused["id"] == "assembly-president-set", limit=5)
    assert_focus_visible(stops[-1])
    boss.switch_to.active_element.send_keys(Keys.ENTER)
    for page in (boss, marc_page):
        wait_until(page, lambda d: president(d) == "Presided by Marc Membre.", "the new president was not shown")
    assert Sitting.objects.get(pk=sitting.pk).president == marc
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PRESIDENT_CHANGED, target_id=sitting.pk).count() == 1
    assert_accessible(boss, "facilitator, president changed")
