"""The whole FranceConnect log-in in Chromium, against the loopback provider (tests/identity)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from council.councils.models import Council
from council.councils.models import Role
from council.identity.models import FranceConnectClient
from tests.browser.axe import serious_violations
from tests.browser.conftest import make_person
from tests.browser.page import wait


@pytest.mark.django_db(transaction=True)
def test_log_in_with_franceconnect_and_log_out_of_both(browser, live_url, oidc_provider):
    council = Council.objects.create(slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f")
    person = make_person(council, "camille@example.org", "Camille", Role.MEMBER)
    provider_id = f"franceconnect-{council.pk}"
    registered = oidc_provider.register(
        redirect_uri=f"{live_url}/accounts/franceconnect/{provider_id}/login/callback/",
        post_logout_redirect_uri=f"{live_url}/accounts/franceconnect/{provider_id}/logout/callback/",
    )
    FranceConnectClient.objects.create(
        council=council, enabled=True, issuer=oidc_provider.issuer,
        client_id=registered["client_id"], secret=registered["client_secret"],
    )
    # Camille connected FranceConnect to her account earlier (tests/identity covers connecting).
    SocialAccount.objects.create(user=person, provider=provider_id, uid="camille", extra_data={})
    driver = browser()

    driver.get(f"{live_url}/accounts/login/?next=/c/nord/")
    assert serious_violations(driver) == []
    driver.find_element(By.PARTIAL_LINK_TEXT, "FranceConnect").click()
    wait(driver, ec.url_contains("/accounts/franceconnect/"), "allauth asks to continue")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait(driver, ec.url_contains(oidc_provider.issuer), "the provider's log-in page")
    driver.find_element(By.ID, "login").send_keys("camille")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    wait(driver, ec.url_to_be(f"{live_url}/c/nord/"), "back on the council's page")
    wait(driver, ec.presence_of_element_located((By.LINK_TEXT, "Camille")), "logged in as Camille")
    driver.get(f"{live_url}/accounts/verifications/")
    proved = driver.find_element(By.XPATH, "//ul[@class='verification-list']/li[starts-with(normalize-space(), 'FranceConnect')]").text
    assert ", on " in proved
    assert "Angela Claire Louise DUBOIS" in proved

    driver.find_element(By.XPATH, "//button[normalize-space()='Log out']").click()
    wait(
        driver,
        ec.text_to_be_present_in_element((By.TAG_NAME, "body"), "You are logged out of Council and of FranceConnect."),
        "back from FranceConnect's end of session",
    )
    assert driver.current_url == f"{live_url}/"
    assert driver.find_elements(By.LINK_TEXT, "Log in")
