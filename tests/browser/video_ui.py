"""Browser steps shared by the video tests."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

WAIT = 30  # ICE, DTLS and the first keyframe on a loaded two-core machine


def join_with_video(driver) -> None:
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.ID, "video-join").is_displayed(),
        message="no Join with video button",
    )
    driver.find_element(By.ID, "video-join").click()
    WebDriverWait(driver, WAIT).until(
        lambda d: (
            d.find_element(By.ID, "video-mic").is_displayed()
            and d.execute_script("return window.councilVideo.publish?.connectionState")
            == "connected"
        ),
        message="the publish connection never connected",
    )
