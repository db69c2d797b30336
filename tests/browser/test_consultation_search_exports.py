"""Search and exports of a consultation in Chromium: a resident finds ideas by other forms of their
words in a French and an English consultation; a council administrator starts an export, watches
its progress and downloads a file whose content is read back (the CSV, formula-escaped); axe on
the consultation pages the other browser tests do not open (the widgets, the petitions' list, the
API's documentation)."""

import base64
import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from council.consultation import services
from council.consultation.exports.services import export_write
from council.consultation.models import Consultation
from council.consultation.models import ConsultationExport
from council.consultation.models import Phase
from council.councils.models import Role
from tests.browser.axe import assert_axe_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15


def _open_consultation(council, title: str, language: str) -> Consultation:
    consultation = Consultation.objects.create(council=council, title=title, language=language, is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="contributions", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    return consultation


def _search(driver, words: str) -> tuple[str, list[str]]:
    box = driver.find_element(By.ID, "search-text")
    box.clear()
    box.send_keys(words)
    driver.find_element(By.CSS_SELECTOR, ".search-form button[type=submit]").click()
    # the empty count of the page being left may be found first: gone stale, it is read again (conftest)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "search-count").text)
    titles = [link.text for link in driver.find_elements(By.CSS_SELECTOR, "#contributions .contribution-card h3 a")]
    return driver.find_element(By.ID, "search-count").text, titles


def test_a_resident_finds_ideas_by_other_forms_of_the_words_in_french_and_in_english(browser, ui, meeting):
    council = meeting["council"]
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    french = _open_consultation(council, "La place du marché", "fr")
    english = _open_consultation(council, "Our square", "en")
    for consultation, title, body in (
        (french, "Des arbres rue Haute", "Planter des platanes."),
        (french, "Des bancs", "Sous un arbre, pour s'asseoir."),
        (french, "Un parking", "Pour les voitures."),
        (english, "More trees", "Shade in summer."),
        (english, "A fountain", "Water for the market."),
    ):
        services.contribution_submit(actor=resident, consultation_id=consultation.pk, title=title, body=body)

    driver = browser()
    ui.log_in(driver, resident, f"/c/{council.slug}/consultations/")
    assert_axe_clean(driver, "the council's list of consultations")
    driver.get(f"{ui.url}/c/{council.slug}/consultations/{french.pk}/")
    french_count, french_titles = _search(driver, "arbre")  # "arbres" and "arbre": one French stem
    assert_axe_clean(driver, "the consultation's page with a search's results")
    driver.get(f"{ui.url}/c/{council.slug}/consultations/{english.pk}/")
    english_count, english_titles = _search(driver, "tree")  # "trees": the English stem

    assert (french_count, sorted(french_titles)) == ("2 contributions found", ["Des arbres rue Haute", "Des bancs"])
    assert (english_count, english_titles) == ("1 contribution found", ["More trees"])


def _download(driver, url: str) -> bytes:
    """The file at `url` as the browser gets it (its session), read back from script."""
    encoded = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: "same-origin"}).then((r) => r.arrayBuffer()).then((buffer) => {
          let text = ""; for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte); done(btoa(text));
        });""",
        url,
    )
    return base64.b64decode(encoded)


def test_an_administrator_exports_watches_the_progress_and_downloads_the_file(browser, ui, meeting):
    council = meeting["council"]
    administrator = ui.make_person(council, "ada@example.org", "Ada Administratrice", Role.ADMINISTRATOR)
    consultation = _open_consultation(council, "La place du marché", "fr")
    for title in ("Des arbres rue Haute", "=HYPERLINK(\"http://example.org\")"):
        services.contribution_submit(actor=administrator, consultation_id=consultation.pk, title=title, body="Pour la place.")
    exports = f"/c/{council.slug}/consultations/{consultation.pk}/exports/"
    driver = browser()
    ui.log_in(driver, administrator, exports)
    assert_axe_clean(driver, "the exports page")

    driver.find_element(By.ID, "format-csv").click()
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    WebDriverWait(driver, WAIT).until(lambda d: "/exports/" in d.current_url and d.current_url.rstrip("/").split("/")[-1].isdigit())
    started_here = driver.find_element(By.ID, "export-progress-status").text
    # one queued by another page, written while this one watches: the bar moves, the link appears
    waiting = ConsultationExport.objects.create(consultation=consultation, requested_by=administrator, format="csv", total=2)
    driver.get(f"{ui.url}{exports}{waiting.pk}/")
    before = driver.find_element(By.ID, "export-progress-text").text
    link_hidden_before = not driver.find_element(By.ID, "export-download").is_displayed()
    export_write(export_id=waiting.pk)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "export-download").is_displayed(), message="never ready")
    assert_axe_clean(driver, "an export's page, ready")
    bar = driver.find_element(By.ID, "export-progress-bar")
    archive = zipfile.ZipFile(io.BytesIO(_download(driver, driver.find_element(By.ID, "export-download").get_attribute("href"))))
    sheet = next(name for name in archive.namelist() if "contribution" in name)
    rows = list(csv.reader(io.StringIO(archive.read(sheet).decode("utf-8-sig"))))

    assert started_here == "The file is ready."
    assert (before, link_hidden_before) == ("0 of 2 written", True)
    assert driver.find_element(By.ID, "export-progress-status").text == "The file is ready."
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("2", "2")
    assert driver.find_element(By.ID, "export-progress-text").text == "2 of 2 written"
    cells = [cell for row in rows[1:] for cell in row]
    assert "Des arbres rue Haute" in cells
    assert "'=HYPERLINK(\"http://example.org\")" in cells  # a spreadsheet shows it, never runs it


def test_the_widgets_the_petitions_list_and_the_api_docs_are_axe_clean(browser, ui, meeting):
    council = meeting["council"]
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    consultation = _open_consultation(council, "La place du marché", "fr")
    idea = services.contribution_submit(actor=resident, consultation_id=consultation.pk, title="Des arbres", body="Des platanes.")
    base = f"/c/{council.slug}/consultations/{consultation.pk}/"
    driver = browser()  # a visitor

    for path, shown, what in (
        (f"{base}embed/", "La place du marché", "the consultation's widget"),
        (f"{base}contributions/{idea.pk}/embed/", "Des arbres", "a contribution's widget"),
        (f"/c/{council.slug}/petitions/", "Petitions", "the list of petitions"),
        ("/api/v1/", "page_size", "the open data API's documentation"),
    ):
        driver.get(f"{ui.url}{path}")
        assert shown in driver.find_element(By.TAG_NAME, "body").get_attribute("textContent"), what
        assert_axe_clean(driver, what)
