"""Video in a live room with real browsers: headless Chromium with a fake camera and microphone.

Members join with video and each decodes the other's frames (the `framesDecoded` of the
subscribe connection's inbound video grows); a resident follows receive-only and sees
both without sending anything. A facilitator mutes a member and ends the call; the room
page stays free of serious accessibility violations with the video on.
"""

import json
import time

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from council.councils.models import Role
from tests.browser.axe import describe
from tests.browser.axe import serious_violations
from tests.browser.video_ui import join_with_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 30  # ICE, DTLS and the first keyframe on a loaded two-core machine

# The subscribe connection's inbound video streams, {ssrc: counters}; null before joining.
INBOUND_VIDEO = """
const done = arguments[arguments.length - 1];
const pc = window.councilVideo && window.councilVideo.subscribe;
if (!pc) { done(null); return; }
pc.getStats().then((stats) => {
  const streams = {};
  stats.forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") streams[s.ssrc] = {
      framesDecoded: s.framesDecoded || 0, framesReceived: s.framesReceived || 0,
      keyFramesDecoded: s.keyFramesDecoded || 0, packetsReceived: s.packetsReceived || 0,
      packetsLost: s.packetsLost || 0, pliCount: s.pliCount || 0, firCount: s.firCount || 0,
    };
  });
  done(streams);
}).catch((e) => done({error: String(e)}));
"""

# What the publish connection sends of video, and the keyframe requests it got.
OUTBOUND_VIDEO = """
const done = arguments[arguments.length - 1];
const pc = window.councilVideo && window.councilVideo.publish;
if (!pc) { done(null); return; }
pc.getStats().then((stats) => {
  const out = [];
  stats.forEach((s) => {
    if (s.type === "outbound-rtp" && s.kind === "video") out.push({
      framesEncoded: s.framesEncoded || 0, keyFramesEncoded: s.keyFramesEncoded || 0,
      pliCount: s.pliCount || 0, firCount: s.firCount || 0, packetsSent: s.packetsSent || 0,
    });
  });
  done(out);
});
"""

# Everything this page sends: outbound RTP on any of its connections.
OUTBOUND = """
const done = arguments[arguments.length - 1];
const pcs = [window.councilVideo.publish, window.councilVideo.subscribe].filter(Boolean);
Promise.all(pcs.map((pc) => pc.getStats())).then((reports) => {
  const sent = [];
  for (const stats of reports) stats.forEach((s) => {
    if (s.type === "outbound-rtp") sent.push({kind: s.kind, packetsSent: s.packetsSent || 0});
  });
  done({publish: Boolean(window.councilVideo.publish), sent});
});
"""


@pytest.fixture
def server_env() -> dict[str, str]:
    """The media worker runs inside Daphne and offers loopback ICE candidates only."""
    return {"MEDIA_EMBEDDED_WORKER": "true", "MEDIA_TEST_LOOPBACK": "1"}


def inbound_video(driver) -> dict[str, dict[str, int]]:
    streams = driver.execute_async_script(INBOUND_VIDEO)
    assert not (streams and "error" in streams), streams
    return streams or {}


def frames_decoded(driver) -> dict[str, int]:
    return {ssrc: stream["framesDecoded"] for ssrc, stream in inbound_video(driver).items()}


def wait_decoding(driver, streams: int, who: str, publishers=()) -> None:
    """Wait until `streams` inbound videos decode frames, and keep decoding (>= 20 more)."""
    first: dict[str, int] = {}

    def started(d):
        live = {ssrc: n for ssrc, n in frames_decoded(d).items() if n > 0}
        if len(live) >= streams:
            first.update(live)
            return True
        return False

    def growing(d):
        frames = frames_decoded(d)
        return all(frames.get(ssrc, 0) >= count + 20 for ssrc, count in first.items())

    try:
        WebDriverWait(driver, WAIT, poll_frequency=0.5).until(started)
    except TimeoutException:
        sent = [p.execute_async_script(OUTBOUND_VIDEO) for p in publishers]
        pytest.fail(
            f"{who} never decoded {streams} video stream(s): {inbound_video(driver)};"
            f" the publishers sent {sent}"
        )
    try:
        WebDriverWait(driver, WAIT, poll_frequency=0.5).until(growing)
    except TimeoutException:
        pytest.fail(f"{who}'s decoding stopped: {first}, then {inbound_video(driver)}")


def video_of(driver, name: str):
    """The tile video labelled for `name` (its accessible name), or None."""
    label = json.loads(driver.find_element(By.ID, "room-strings").get_attribute("textContent"))[
        "video_of"
    ].replace("%(name)s", name)
    found = driver.find_elements(By.CSS_SELECTOR, "#video-tiles video")
    return next((v for v in found if v.get_attribute("aria-label") == label), None)


def page_state(driver) -> str:
    """What the page says and where its connections are, for failure messages."""
    return driver.execute_script(
        """
        const v = window.councilVideo;
        const pc = (p) => p && `${p.connectionState}/${p.signalingState}`;
        return JSON.stringify({
          status: document.getElementById("video-status").textContent,
          alert: document.getElementById("video-alert").textContent,
          publish: pc(v.publish), subscribe: pc(v.subscribe),
          tiles: [...document.querySelectorAll("#video-tiles video")].map((e) => e.ariaLabel),
        });
        """
    )


def wait_tile(driver, name: str, who: str):
    try:
        return WebDriverWait(driver, WAIT).until(lambda d: video_of(d, name))
    except TimeoutException:
        pytest.fail(f"{who} never showed a tile named {name!r}: {page_state(driver)}")


def test_members_see_each_other_and_a_resident_follows_without_publishing(
    video_browser, ui, meeting
):
    path = meeting["path"]
    marc, lea = meeting["member"], meeting["other_member"]
    resident = ui.make_person(
        meeting["council"], "hugo@example.org", "Hugo Habitant", Role.RESIDENT
    )

    first = video_browser()
    ui.enter_room(first, marc, path)
    # Before joining: a preview with device choice, then Join with video.
    first.find_element(By.ID, "video-preview-toggle").click()
    WebDriverWait(first, WAIT).until(
        lambda d: (
            d.find_element(By.ID, "video-preview").is_displayed()
            and d.execute_script("return document.getElementById('video-preview').readyState") >= 2
        ),
        message="the camera preview never played",
    )
    assert first.find_element(By.ID, "video-preview-toggle").get_attribute("aria-pressed") == "true"
    cameras = first.find_elements(By.CSS_SELECTOR, "#video-camera option")
    microphones = first.find_elements(By.CSS_SELECTOR, "#video-microphone option")
    assert cameras, "the camera list is filled in"
    assert microphones, "the microphone list is filled in"
    join_with_video(first)

    second = video_browser()
    ui.enter_room(second, lea, path)
    join_with_video(second)

    # Each member sees the other's video, labelled with their name, and decodes it.
    wait_tile(first, lea.public_name, "Marc")
    wait_tile(second, marc.public_name, "Léa")
    wait_decoding(first, 1, "Marc")
    wait_decoding(second, 1, "Léa")

    # A resident cannot publish: they follow the meeting and see both members.
    third = video_browser()
    ui.enter_room(third, resident, path)
    assert not third.find_element(By.ID, "video-setup").is_displayed(), "no camera for residents"
    assert third.find_element(By.ID, "video-follow-help").is_displayed()
    third.find_element(By.ID, "video-follow").click()
    wait_tile(third, marc.public_name, "the resident")
    wait_tile(third, lea.public_name, "the resident")
    wait_decoding(third, 2, "the resident", publishers=(first, second))
    sending = third.execute_async_script(OUTBOUND)
    assert sending == {"publish": False, "sent": []}, "the resident sends no media"
    # The members see no tile for the resident: only each other (and themselves).
    time.sleep(1)
    assert video_of(first, resident.public_name) is None
    assert len(first.find_elements(By.CSS_SELECTOR, "#video-tiles li")) == 2


def test_facilitator_mutes_a_member_and_ends_the_call(video_browser, ui, meeting):
    path = meeting["path"]
    marc, fatou = meeting["member"], meeting["facilitator"]
    member = video_browser()
    ui.enter_room(member, marc, path)
    join_with_video(member)
    facilitator = video_browser()
    ui.enter_room(facilitator, fatou, path)
    join_with_video(facilitator)
    wait_tile(facilitator, marc.public_name, "Fatou")
    wait_tile(member, fatou.public_name, "Marc")
    wait_decoding(facilitator, 1, "Fatou")

    # With the video on, the room page has no serious accessibility violation.
    for driver, who in ((member, "member"), (facilitator, "facilitator")):
        violations = serious_violations(driver)
        assert not violations, f"{who}'s view with video:\n" + describe(violations)

    # The facilitator mutes the member from the member's tile.
    strings = ui.strings(facilitator)
    tile = video_of(facilitator, marc.public_name).find_element(By.XPATH, "./ancestor::li")
    mute = tile.find_element(
        By.XPATH,
        f".//button[normalize-space()={json.dumps(strings['video_mute_person'].replace('%(name)s', marc.public_name))}]",
    )
    mute.click()
    WebDriverWait(member, WAIT).until(
        lambda d: d.find_element(By.ID, "video-mic").get_attribute("aria-pressed") == "true",
        message="the member's microphone did not show muted",
    )
    assert member.execute_script(
        "return window.councilVideo.state.local.getAudioTracks().every((t) => !t.enabled)"
    ), "the member's microphone really stops"
    WebDriverWait(facilitator, WAIT).until(
        lambda d: (
            strings["video_mic_off"] in tile.find_element(By.CSS_SELECTOR, ".tile-state").text
        ),
        message="the facilitator's tile of the member never showed the microphone off",
    )

    # Then ends the call for everyone, after confirming.
    facilitator.find_element(By.ID, "drawer-toggle").click()  # the facilitators' drawer
    facilitator.find_element(By.ID, "video-end").click()
    facilitator.find_element(By.CSS_SELECTOR, "#confirm-dialog button[value=confirm]").click()
    WebDriverWait(member, WAIT).until(
        lambda d: d.find_element(By.ID, "video-status").text == strings["video_call_ended"],
        message="the member was not told the call ended",
    )
    assert member.execute_script("return window.councilVideo.subscribe") is None
    assert not member.find_elements(By.CSS_SELECTOR, "#video-tiles li")
    # The chat goes on.
    member.find_element(By.ID, "chat-input").send_keys("On continue par écrit.")
    member.find_element(By.ID, "chat-send").click()
    ui.wait_for_message(facilitator, "On continue par écrit.")
