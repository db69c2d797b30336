"""A council's own social log-in in Chromium, by keyboard, against the loopback provider (tests/identity)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from council.councils.models import Council
from council.councils.models import Role
from council.identity.models import CouncilSocialApp
from tests.browser.axe import serious_violations
from tests.browser.conftest import make_person
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until
from tests.browser.page import wait


@pytest.mark.django_db(transaction=True)
def test_log_in_with_the_council_provider_by_keyboard(browser, live_url, oidc_provider):
    council = Council.objects.create(slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f")
    person = make_person(council, "camille@example.org", "Camille", Role.MEMBER)
    app = CouncilSocialApp.objects.create(
        council=council, provider=CouncilSocialApp.Provider.OPENID_CONNECT, enabled=True,
        client_id="pending", secret="pending", server_url=oidc_provider.issuer,
    )
    registered = oidc_provider.register(
        redirect_uri=f"{live_url}/accounts/oidc/{app.provider_id}/login/callback/", signed_userinfo=False
    )
    CouncilSocialApp.objects.filter(pk=app.pk).update(
        client_id=registered["client_id"], secret=registered["client_secret"]
    )
    # Camille connected it to her account earlier (tests/identity covers connecting).
    SocialAccount.objects.create(user=person, provider=app.provider_id, uid="camille", extra_data={})
    driver = browser()

    driver.get(f"{live_url}/accounts/login/?next=/c/nord/")
    assert serious_violations(driver) == []
    name = "OpenID Connect (127.0.0.1) (Conseil de quartier Nord)"
    tab_until(driver, lambda focused: focused["tag"] == "a" and focused["text"] == name[:40])  # read cut at 40
    press(driver, Keys.ENTER)
    wait(driver, ec.url_contains(f"/accounts/oidc/{app.provider_id}/login/"), "allauth asks to continue")
    assert serious_violations(driver) == []
    tab_until(driver, lambda focused: focused["tag"] == "button" and focused["text"] == "Continue")
    press(driver, Keys.ENTER)  # the form goes to the provider: the page's CSP lets it (csp.py)
    wait(driver, ec.url_contains(oidc_provider.issuer), "the provider's log-in page")
    driver.find_element(By.ID, "login").send_keys("camille", Keys.ENTER)

    wait(driver, ec.url_to_be(f"{live_url}/c/nord/"), "back on the council's page")
    wait(driver, ec.presence_of_element_located((By.LINK_TEXT, "Camille")), "logged in as Camille")
