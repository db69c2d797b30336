"""An administrator imports a Pabulib file, computes and publishes its results; the public
results page is axe clean and its chart has a table alternative."""

import os
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from council.councils.models import Council
from council.councils.models import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.page import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASSEN = Path(__file__).resolve().parents[1] / "data" / "pabulib" / "Netherlands_Assen_2024.pb"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_an_administrator_imports_computes_and_publishes_results(browser, ui):
    council = Council.objects.create(slug="assen", name="Conseil de quartier Assen")
    administrator = ui.make_person(council, "ada@example.org", "Ada Administratrice", Role.ADMINISTRATOR)
    driver = browser()
    ui.log_in(driver, administrator, f"/c/{council.slug}/budgets/import/")
    assert_axe_clean(driver, "the import page")

    driver.find_element(By.ID, "id_file").send_keys(str(ASSEN))
    driver.find_element(By.ID, "id_title").send_keys("Assen 2024")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait(driver, lambda d: "/results/" in d.current_url, "the import did not lead to the results page")
    results_path = driver.current_url.removeprefix(ui.url)
    assert "imported with its 14 projects and 84 ballots" in driver.find_element(By.TAG_NAME, "main").text

    driver.find_element(By.XPATH, "//button[normalize-space()='Compute the results']").click()
    wait(driver, lambda d: d.find_elements(By.XPATH, "//button[normalize-space()='Publish the results']"),
         "the results were not computed")
    assert driver.find_element(By.ID, "results-progress-status").text == "The results are computed."
    driver.find_element(By.XPATH, "//button[normalize-space()='Publish the results']").click()
    wait(driver, lambda d: "The results are published." in d.find_element(By.TAG_NAME, "main").text,
         "the results were not published")

    driver.delete_all_cookies()  # a visitor now
    driver.get(ui.url + results_path)
    main = driver.find_element(By.TAG_NAME, "main")
    assert "9 projects are selected" in main.text
    chart = driver.find_element(By.CSS_SELECTOR, ".budget-chart [role=img]")
    assert "table below" in chart.get_attribute("aria-label")
    table = driver.find_element(By.ID, "results-table")
    assert "the chart's figures" in table.find_element(By.TAG_NAME, "caption").text
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 14
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr.chosen")) == 9
    assert not driver.find_elements(By.ID, "officials-heading")
    assert_axe_clean(driver, "the public results page")

    if os.environ.get("COUNCIL_SCREENSHOTS"):  # a test run must not change the working tree
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": False}
        )
        time.sleep(0.3)
        driver.save_screenshot(str(SCREENSHOTS / "budget-results.png"))
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
