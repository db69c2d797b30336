"""An administrator draws a zone on the map, saves it, then reaches its rename and delete links by keyboard."""


import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.wait import WebDriverWait

from council.councils.models import Council
from council.councils.models import Role
from council.groups.models import Zone
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15
#: corners of the square, in pixels from the centre of the map; the first is clicked again to close it
CORNERS = [(-80, -60), (80, -60), (80, 60), (-80, 60), (-80, -60)]

FOCUSED = """
const el = document.activeElement;
const style = getComputedStyle(el);
return {href: el.getAttribute("href") || "", text: el.textContent.trim().slice(0, 60),
        outline: style.outlineStyle, visible: el.checkVisibility()};
"""


@pytest.fixture
def council_admin(transactional_db, ui):
    council = Council.objects.create(slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f")
    admin = ui.make_person(council, "anne@example.org", "Anne Administratrice", Role.ADMINISTRATOR)
    return council, admin


def test_an_administrator_draws_names_and_saves_a_zone(browser, ui, council_admin):
    council, admin = council_admin
    driver = browser()
    path = f"/c/{council.slug}/zones/"
    ui.log_in(driver, admin, path)
    wait = WebDriverWait(driver, WAIT)

    # The map shows (no tile server is reachable here: the map works without tiles).
    wait.until(ec.visibility_of_element_located((By.ID, "zone-draw")), message="the drawing form never showed")
    help_text = driver.find_element(By.ID, "zone-draw-help").text
    assert "keyboard" in help_text
    assert "GeoJSON" in help_text
    map_element = driver.find_element(By.ID, "zone-map")
    assert serious_violations(driver) == []
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", map_element)
    driver.find_element(By.CSS_SELECTOR, "#zone-map .leaflet-pm-icon-polygon").click()

    # One click per corner, each waited for: on a loaded machine clicks in one burst can merge.
    markers = "#zone-map .leaflet-marker-icon"
    for placed, (x, y) in enumerate(CORNERS[:-1], start=1):
        ActionChains(driver).move_to_element_with_offset(map_element, x, y).pause(0.2).click().perform()
        wait.until(
            lambda d, placed=placed: len(d.find_elements(By.CSS_SELECTOR, markers)) >= placed,
            message=f"corner {placed} not placed",
        )
    x, y = CORNERS[-1]
    ActionChains(driver).move_to_element_with_offset(map_element, x, y).pause(0.3).click().perform()

    status = driver.find_element(By.ID, "zone-draw-status")
    wait.until(lambda d: "Polygon drawn" in status.text, message="the polygon was never closed")
    name = driver.find_element(By.ID, "id_name")
    name.send_keys("Quartier dessiné")
    driver.find_element(By.CSS_SELECTOR, "#zone-draw button[type=submit]").click()

    row = wait.until(
        ec.presence_of_element_located((By.XPATH, "//tbody/tr/th[@scope='row'][normalize-space()='Quartier dessiné']")),
        message="the saved zone is not in the table",
    )
    assert row.find_element(By.XPATH, "following-sibling::td").text == "0"
    zone = Zone.objects.get(council=council)
    ring = zone.geometry["coordinates"][0]
    assert zone.geometry["type"] == "Polygon"
    assert len(ring) == 5  # four corners and the first again
    assert ring[0] == ring[-1]
    assert zone.min_lon < zone.max_lon
    assert zone.min_lat < zone.max_lat


def test_rename_and_delete_are_reachable_by_tab(browser, ui, council_admin):
    council, admin = council_admin
    ring = [[2.30, 48.85], [2.40, 48.85], [2.40, 48.95], [2.30, 48.95], [2.30, 48.85]]
    zone = Zone.objects.create(
        council=council, slug="centre", name="Centre-ville", geometry={"type": "Polygon", "coordinates": [ring]},
        min_lon=2.30, min_lat=48.85, max_lon=2.40, max_lat=48.95,
    )
    driver = browser()
    path = f"/c/{council.slug}/zones/"
    ui.log_in(driver, admin, path)
    driver.find_element(By.TAG_NAME, "body").click()

    wanted = {f"{path}{zone.pk}/": "Rename Centre-ville", f"{path}{zone.pk}/delete/": "Delete Centre-ville"}
    reached = {}
    for _ in range(60):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.execute_script(FOCUSED)
        if focused["href"] in wanted:
            assert focused["visible"]
            assert focused["outline"] != "none", f"no visible focus on {focused}"
            reached[focused["href"]] = " ".join(focused["text"].split())
        if len(reached) == len(wanted):
            break

    assert reached == wanted

    # Following the rename link by keyboard opens the rename form.
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).send_keys(Keys.ENTER).perform()
    WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith(f"{path}{zone.pk}/"))
    assert driver.find_element(By.ID, "id_name").get_attribute("value") == "Centre-ville"


def test_the_page_works_when_the_map_does_not_load(browser, ui, council_admin):
    council, admin = council_admin
    ring = [[2.30, 48.85], [2.40, 48.85], [2.40, 48.95], [2.30, 48.95], [2.30, 48.85]]
    zone = Zone.objects.create(
        council=council, slug="centre", name="Centre-ville", geometry={"type": "Polygon", "coordinates": [ring]},
        min_lon=2.30, min_lat=48.85, max_lon=2.40, max_lat=48.95,
    )
    driver = browser()
    path = f"/c/{council.slug}/zones/"
    ui.log_in(driver, admin, "/accounts/profile/")
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/static/vendor/*"]})
    try:
        driver.get(f"{ui.url}{path}")

        assert not driver.find_element(By.ID, "zone-map-block").is_displayed()
        assert driver.find_element(By.XPATH, "//tbody/tr/th[@scope='row']").text == "Centre-ville"
        assert driver.find_element(By.ID, "id_geojson").is_displayed()
        driver.find_element(By.CSS_SELECTOR, f"a[href='{path}{zone.pk}/']").click()
        name = WebDriverWait(driver, WAIT).until(ec.visibility_of_element_located((By.ID, "id_name")))
        name.clear()
        name.send_keys("Cœur de ville")
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(
            lambda d: d.find_elements(By.XPATH, "//tbody/tr/th[@scope='row'][normalize-space()='Cœur de ville']"),
            message="the renamed zone is not in the table",
        )
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
