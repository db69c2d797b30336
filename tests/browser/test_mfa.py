"""An administrator without a second factor is made to set one up at log-in, by keyboard."""

import pytest
from allauth.account.models import EmailAddress
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
from tests.browser.page import wait
from tests.mfa_helpers import totp_code


@pytest.mark.django_db(transaction=True)
def test_an_administrator_sets_up_an_authenticator_app_before_reaching_the_council(browser, live_url):
    council = Council.objects.create(slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f")
    admin = User.objects.create(
        email="ada@example.org", display_name="Ada", password=_hashed_password(), preferred_language="en"
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    role_grant(actor=None, council=council, user=admin, role=Role.ADMINISTRATOR)
    driver = browser()

    driver.get(f"{live_url}/accounts/login/?next=/c/nord/")
    driver.find_element(By.NAME, "login").send_keys(admin.email, Keys.TAB, PASSWORD, Keys.ENTER)
    # sent to set up the second factor; allauth first asks for the password again
    wait(driver, ec.url_contains("/accounts/reauthenticate/"), "the password is asked again")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
    wait(driver, ec.url_contains("/accounts/2fa/totp/activate/"), "the set-up of an authenticator app")
    assert serious_violations(driver) == []
    secret = driver.find_element(By.ID, "authenticator_secret").get_attribute("value")
    assert secret in driver.find_element(By.CSS_SELECTOR, "main img").get_attribute("alt")

    code_field = driver.find_element(By.NAME, "code")
    code_field.send_keys("000000", Keys.ENTER)
    error = wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")), "a wrong code is refused")
    assert error.text
    driver.find_element(By.NAME, "code").send_keys(totp_code(secret), Keys.ENTER)
    wait(driver, ec.url_contains("/accounts/2fa/recovery-codes/"), "the recovery codes are shown")
    assert serious_violations(driver) == []

    driver.find_element(By.ID, "mfa-continue").send_keys(Keys.ENTER)
    wait(driver, ec.url_to_be(f"{live_url}/c/nord/"), "on to the council's page")
    assert "Conseil de quartier Nord" in driver.find_element(By.TAG_NAME, "h1").text
