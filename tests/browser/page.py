"""Small waits and reads shared by the browser tests of the meeting stage (polls, ballots)."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

WAIT = 20
#: a phone's screen, as Chromium's device emulation takes it
PHONE = {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True}
#: an element's rendered width and height, to check touch targets
BOX = "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];"


def wait(driver, condition, message):
    """Until `condition(driver)`; an element replaced while it was read is read again (as every wait: conftest)."""
    return WebDriverWait(driver, WAIT, poll_frequency=0.2).until(condition, message=message)


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).get_attribute("textContent")
