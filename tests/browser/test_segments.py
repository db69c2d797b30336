"""An administrator builds a segment in the browser, counts it, and invites it to a room."""


import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from council.councils.models import Council
from council.councils.models import Role
from council.groups.models import NeighbourhoodGroup
from council.groups.models import Notification
from council.groups.models import ProfileAttribute
from council.groups.models import Zone
from council.groups.services import profile_update
from council.rooms.models import Room
from tests.browser.axe import serious_violations

WAIT = 15


def _zone(council, slug, name, box):
    min_lon, min_lat, max_lon, max_lat = box
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    Zone.objects.create(
        council=council, slug=slug, name=name, geometry={"type": "Polygon", "coordinates": [ring]},
        min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
    )


@pytest.fixture
def neighbourhood(transactional_db, ui):
    """Council "nord": zones centre and gare, an "interest" question, and three people who answered."""
    council = Council.objects.create(slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f")
    _zone(council, "centre", "Centre-ville", (2.30, 48.85, 2.40, 48.95))
    _zone(council, "gare", "Quartier de la gare", (2.30, 48.75, 2.40, 48.85))
    ProfileAttribute.objects.create(
        council=council, key="interest", label="Centres d'intérêt", kind=ProfileAttribute.Kind.MULTI_CHOICE,
        choices=["mobility", "gardens"], purpose="Pour vous inviter aux bonnes réunions.",
    )
    room = Room.objects.create(council=council, name="Atelier plan vélo")
    people = {
        "admin": ui.make_person(council, "anne@example.org", "Anne Administratrice", Role.ADMINISTRATOR),
        "marc": ui.make_person(council, "marc@example.org", "Marc Membre", Role.MEMBER),
        "lea": ui.make_person(council, "lea@example.org", "Léa Lemaire", Role.MEMBER),
        "sami": ui.make_person(council, "sami@example.org", "Sami Saïdi", Role.RESIDENT),
    }
    answers = {"marc": ("centre", ["mobility"]), "lea": ("gare", ["mobility"]), "sami": ("centre", ["gardens"])}
    for name, (zone, interests) in answers.items():
        profile_update(actor=people[name], council=council, answers={"interest": interests}, zone_slug=zone)
    return {"council": council, "room": room, **people}


def _condition(driver, index: int, field: str, value: str) -> None:
    Select(driver.find_element(By.NAME, f"form-{index}-field")).select_by_value(field)
    Select(driver.find_element(By.NAME, f"form-{index}-op")).select_by_value("in")
    box = driver.find_element(By.NAME, f"form-{index}-value")
    box.clear()
    box.send_keys(value)


def test_build_a_segment_count_it_and_invite_it_to_a_room(browser, ui, neighbourhood):
    council, room = neighbourhood["council"], neighbourhood["room"]
    admin_browser = browser()
    wait = WebDriverWait(admin_browser, WAIT)

    # The administrator builds "zone centre AND interest mobility" and counts it.
    ui.log_in(admin_browser, neighbourhood["admin"], f"/c/{council.slug}/groups/new/")
    admin_browser.find_element(By.NAME, "name").send_keys("Cyclistes du centre")
    admin_browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=segment]").click()
    _condition(admin_browser, 0, "zone", "centre")
    _condition(admin_browser, 1, "attribute:interest", "mobility")
    admin_browser.find_element(By.CSS_SELECTOR, "button[name=preview]").click()
    count = wait.until(ec.visibility_of_element_located((By.ID, "match-count")))
    assert count.text == "1 person matches"
    assert serious_violations(admin_browser) == []

    admin_browser.find_element(By.CSS_SELECTOR, "button[name=save]").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "matching-heading"), "1 person matches the rule"))
    assert admin_browser.find_element(By.ID, "matching").text == "Marc Membre"
    assert serious_violations(admin_browser) == []
    segment = NeighbourhoodGroup.objects.get(name="Cyclistes du centre")

    # … then invites it to the room and follows the send to the end.
    admin_browser.get(f"{ui.url}/c/{council.slug}/rooms/{room.pk}/invite/")
    Select(admin_browser.find_element(By.NAME, "group")).select_by_value(str(segment.pk))
    admin_browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "send-progress-status"), "Sending finished."))
    assert admin_browser.find_element(By.ID, "send-progress-text").text == "1 of 1 sent"

    # Marc, who matches, finds the invitation with the room's link in his notifications.
    marc_browser = browser()
    ui.log_in(marc_browser, neighbourhood["marc"], f"/c/{council.slug}/notifications/")
    notice = marc_browser.find_element(By.CSS_SELECTOR, ".notifications article")
    assert "Invitation: Atelier plan vélo" in notice.text
    link = notice.find_element(By.CSS_SELECTOR, f"a[href$='/c/{council.slug}/rooms/{room.pk}/']")
    link.click()
    ui.wait_synced(marc_browser, neighbourhood["marc"])

    # Léa (gare) and Sami (gardens) were not invited.
    invited = set(Notification.objects.values_list("user__email", flat=True))
    assert invited == {"marc@example.org"}

    # The room's attendance breakdown hides the one-person cell and stays accessible.
    admin_browser.get(f"{ui.url}/c/{council.slug}/rooms/{room.pk}/breakdown/")
    by_group = admin_browser.find_element(By.ID, "by-group")
    assert "Cyclistes du centre fewer than 5" in by_group.text
    assert serious_violations(admin_browser) == []
