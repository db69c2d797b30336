"""A security key as the second factor, with Chromium's virtual authenticator (CDP WebAuthn domain).

WebAuthn needs a secure context and a domain for its relying party: the page is served as
http://localhost (which browsers treat as secure), not 127.0.0.1.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from council.accounts.models import User
from council.councils.models import Council
from council.councils.models import Role
from council.councils.services import role_grant
from tests.browser.axe import serious_violations
from tests.browser.conftest import PASSWORD
from tests.browser.conftest import _hashed_password
from tests.browser.keyboard import press
from tests.browser.page import wait


@pytest.fixture
def server_env():
    return {"ALLOWED_HOSTS": "127.0.0.1,localhost"}


@pytest.fixture
def security_key(browser):
    """A Chromium with a virtual USB security key that answers at once (removed afterwards: pooled)."""
    driver = browser()
    driver.execute_cdp_cmd("WebAuthn.enable", {"enableUI": False})
    key = driver.execute_cdp_cmd("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    yield driver
    driver.execute_cdp_cmd("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": key["authenticatorId"]})
    driver.execute_cdp_cmd("WebAuthn.disable", {})


def log_in_with_password(driver, url: str, email: str) -> None:
    driver.get(f"{url}/accounts/login/?next=/c/nord/")
    driver.find_element(By.NAME, "login").send_keys(email, Keys.TAB, PASSWORD, Keys.ENTER)


@pytest.mark.django_db(transaction=True)
def test_an_administrator_sets_up_a_security_key_and_logs_in_with_it(security_key, live_url):
    council = Council.objects.create(slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f")
    admin = User.objects.create(
        email="ada@example.org", display_name="Ada", password=_hashed_password(), preferred_language="en"
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    role_grant(actor=None, council=council, user=admin, role=Role.ADMINISTRATOR)
    driver, url = security_key, live_url.replace("127.0.0.1", "localhost")

    # required to set up a second factor: the security key instead of an authenticator app
    log_in_with_password(driver, url, admin.email)
    wait(driver, ec.url_contains("/accounts/reauthenticate/"), "the password is asked again")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
    wait(driver, ec.url_contains("/accounts/2fa/totp/activate/"), "the set-up of a second factor")
    driver.find_element(By.PARTIAL_LINK_TEXT, "security key").send_keys(Keys.ENTER)
    wait(driver, ec.url_contains("/accounts/2fa/webauthn/add/"), "the page to add a security key")
    assert serious_violations(driver) == []
    driver.find_element(By.ID, "id_name").send_keys(Keys.CONTROL, "a", Keys.DELETE, "Clé bleue")
    assert press(driver, Keys.TAB)["id"] == "mfa_webauthn_add"  # the name, then the button, by keyboard
    press(driver, Keys.ENTER)
    wait(driver, ec.url_contains("/accounts/2fa/recovery-codes/"), "the key is added, recovery codes shown")
    assert list(Authenticator.objects.filter(user=admin).values_list("type", flat=True).order_by("type")) == [
        "recovery_codes", "webauthn",
    ]
    driver.find_element(By.ID, "mfa-continue").send_keys(Keys.ENTER)
    wait(driver, ec.url_to_be(f"{url}/c/nord/"), "on to the council's page")

    # log out, then in again: the password, then the key
    driver.get(f"{url}/accounts/logout/")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").send_keys(Keys.ENTER)
    wait(driver, ec.url_to_be(f"{url}/"), "logged out")
    log_in_with_password(driver, url, admin.email)
    wait(driver, ec.url_contains("/accounts/2fa/authenticate/"), "the second factor is asked")
    assert serious_violations(driver) == []
    driver.find_element(By.ID, "mfa_webauthn_authenticate").send_keys(Keys.ENTER)

    wait(driver, ec.url_to_be(f"{url}/c/nord/"), "logged in with the key, on to the council's page")
    assert "Conseil de quartier Nord" in driver.find_element(By.TAG_NAME, "h1").text
