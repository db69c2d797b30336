"""A petition in two browsers: a resident signs it from the keyboard, and a visitor's open page shows
the new count without reload (over the petition's socket, coalesced); axe finds nothing on either."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from council.consultation.petitions.models import Petition
from council.councils.models import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15


def test_a_resident_signs_and_an_open_page_counts_it_live(browser, ui, meeting):
    council = meeting["council"]
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    petition = Petition.objects.create(
        council=council, author=meeting["member"], title="Un passage piéton devant l'école", body="Pour la sécurité.", threshold=5
    )
    path = f"/c/{council.slug}/petitions/{petition.pk}/"

    visitor = browser()
    visitor.get(f"{ui.url}{path}")
    WebDriverWait(visitor, WAIT).until(lambda d: d.find_element(By.ID, "petition").get_attribute("data-synced") == "1")
    assert "0 signatures" in visitor.find_element(By.CSS_SELECTOR, "[data-signatures]").text
    assert_axe_clean(visitor, "a petition's page, for a visitor")

    signer = browser()
    ui.log_in(signer, resident, path)
    assert_axe_clean(signer, "a petition's page, with the sign button")
    tab_until(signer, lambda focused: focused["id"] == "petition-sign")
    press(signer, Keys.ENTER)
    WebDriverWait(signer, WAIT).until(lambda d: "You signed this petition." in d.find_element(By.ID, "petition").text)

    WebDriverWait(visitor, WAIT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-signatures]").text.startswith("1 signature"),
        message="the count never changed on the visitor's open page",
    )
    assert_axe_clean(visitor, "a petition's page, after the live count")
