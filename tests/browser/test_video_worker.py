"""Killing the media worker under two real browsers: the pages say so, the chat goes on, the call comes back.

Daphne runs on Redis with no embedded worker; the media worker is its own process
(`python -m council.rooms.media`), as on a deployment with workers on other machines.
Two members decode each other's video, the worker is killed (SIGKILL: no goodbye), and
within a few heartbeats both pages say in their status region that video is unavailable,
while a chat message still goes from one to the other live. A new worker starts and both
pages join the call again by themselves (same document, new peer connections) and decode
each other's video again.
"""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import redis
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from council.rooms.media.assignment import MISSED_HEARTBEATS
from tests.browser.video_ui import join_with_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Apart from the other browser tests (13) and the media worker tests (11); under xdist, the
# worker's media database (tests/conftest.py), which its tests use one after the other.
REDIS_DB = int(os.environ["TEST_MEDIA_REDIS_DB"]) if "TEST_MEDIA_REDIS_DB" in os.environ else 12
HEARTBEAT = 0.5  # MEDIA_WORKER_HEARTBEAT_SECONDS of Daphne and of the worker
# Lost after MISSED_HEARTBEATS beats without news, noticed at Daphne's next check; then the
# event crosses Redis, the socket and a loaded page: a little slack on a two-core machine.
LOSS_NOTICED_WITHIN = (MISSED_HEARTBEATS + 2) * HEARTBEAT + 3.0
WAIT = 30  # ICE, DTLS and the first keyframe on a loaded two-core machine
CHAT = "La vidéo est coupée, on continue par écrit."

# The subscribe connection's inbound video streams, {ssrc: framesDecoded}; null before joining.
FRAMES_DECODED = """
const done = arguments[arguments.length - 1];
const pc = window.councilVideo && window.councilVideo.subscribe;
if (!pc) { done(null); return; }
pc.getStats().then((stats) => {
  const streams = {};
  stats.forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") streams[s.ssrc] = s.framesDecoded || 0;
  });
  done(streams);
}).catch((e) => done({error: String(e)}));
"""

PAGE_STATE = """
const v = window.councilVideo;
const pc = (p) => p && `${p.connectionState}/${p.signalingState}`;
return JSON.stringify({
  status: document.getElementById("video-status").textContent,
  alert: document.getElementById("video-alert").textContent,
  publish: pc(v.publish), subscribe: pc(v.subscribe),
  tiles: [...document.querySelectorAll("#video-tiles video")].map((e) => e.ariaLabel),
});
"""


@pytest.fixture
def media_redis_url() -> str:
    base = urlparse(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")
    url = f"redis://{base.hostname or '127.0.0.1'}:{base.port or 6379}/{REDIS_DB}"
    redis.Redis.from_url(url).flushdb()  # rate-limit counters and channels of an earlier run
    return url


@pytest.fixture
def media_env(media_redis_url) -> dict[str, str]:
    """What Daphne and the media worker share: Redis, the key prefix, the heartbeat."""
    return {
        "REDIS_URL": media_redis_url,
        "MEDIA_KEY_PREFIX": f"test-media-browser-{secrets.token_hex(4)}",
        "MEDIA_WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT),
        "MEDIA_EMBEDDED_WORKER": "false",
        "MEDIA_TEST_LOOPBACK": "1",
    }


@pytest.fixture
def server_env(media_env) -> dict[str, str]:
    return dict(media_env)


class MediaWorkers:
    """Media worker processes on the shared Redis; each logs to a file shown on failure."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "council.settings.base",
            "MEDIA_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.redis = redis.Redis.from_url(env["REDIS_URL"], decode_responses=True)
        self.workers_key = f"{env['MEDIA_KEY_PREFIX']}:workers"
        self.started: list[tuple[subprocess.Popen, str]] = []

    def live(self) -> set[str]:
        return set(self.redis.zrangebyscore(self.workers_key, time.time(), "+inf"))

    def start(self) -> tuple[subprocess.Popen, str]:
        """Start a worker; return its process and id once it announced itself."""
        known = self.live()
        log = tempfile.NamedTemporaryFile(prefix="council-media-", suffix=".log", delete=False)  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "council.rooms.media"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.started.append((process, log.name))
        deadline = time.monotonic() + 30
        while not (fresh := self.live() - known):
            assert process.poll() is None, "the media worker exited:\n" + Path(log.name).read_text()
            assert time.monotonic() < deadline, "the media worker never announced itself"
            time.sleep(0.05)
        return process, fresh.pop()

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(10)

    def close(self, show_logs: bool) -> None:
        for process, log in self.started:
            self.kill(process)
            if show_logs:
                print(f"--- media worker {process.pid} log:\n" + Path(log).read_text()[-4000:])  # noqa: T201
            os.unlink(log)
        self.redis.close()


@pytest.fixture
def media_workers(request, media_env, live_url):
    workers = MediaWorkers(media_env)
    yield workers
    workers.close(show_logs=getattr(request.node, "browser_test_failed", False))


def frames_decoded(driver) -> dict[str, int]:
    streams = driver.execute_async_script(FRAMES_DECODED)
    assert not (streams and "error" in streams), streams
    return streams or {}


def wait_decoding(driver, who: str) -> None:
    """Wait until the subscribe connection decodes a video and keeps decoding (>= 20 more frames)."""
    first: dict[str, int] = {}

    def started(d):
        first.update({ssrc: n for ssrc, n in frames_decoded(d).items() if n > 0})
        return bool(first)

    def growing(d):
        frames = frames_decoded(d)
        return any(frames.get(ssrc, 0) >= count + 20 for ssrc, count in first.items())

    try:
        WebDriverWait(driver, WAIT, poll_frequency=0.5).until(started)
        WebDriverWait(driver, WAIT, poll_frequency=0.5).until(growing)
    except TimeoutException:
        pytest.fail(
            f"{who} does not decode the other's video: {first}, then {frames_decoded(driver)};"
            f" {driver.execute_script(PAGE_STATE)}"
        )


def video_of(driver, strings: dict[str, str], name: str):
    """The tile video labelled for `name` (its accessible name), or None."""
    label = strings["video_of"].replace("%(name)s", name)
    found = driver.find_elements(By.CSS_SELECTOR, "#video-tiles video")
    return next((v for v in found if v.get_attribute("aria-label") == label), None)


def wait_in_call(driver, strings: dict[str, str], other: str, who: str) -> None:
    """Both connections connected, the page says so and shows the other's tile."""
    try:
        WebDriverWait(driver, WAIT, poll_frequency=0.2).until(
            lambda d: (
                d.find_element(By.ID, "video-status").text == strings["video_joined"]
                and d.execute_script(
                    "const v = window.councilVideo;"
                    " return v.publish?.connectionState === 'connected'"
                    " && v.subscribe?.connectionState === 'connected'"
                )
                and video_of(d, strings, other) is not None
            )
        )
    except TimeoutException:
        pytest.fail(
            f"{who} is not back in the call with {other}: {driver.execute_script(PAGE_STATE)}"
        )


def test_a_killed_media_worker_is_announced_the_chat_goes_on_and_the_call_comes_back(
    video_browser, ui, meeting, media_workers
):
    path = meeting["path"]
    marc, lea = meeting["member"], meeting["other_member"]
    worker, worker_id = media_workers.start()

    first = video_browser()
    ui.enter_room(first, marc, path)
    join_with_video(first)
    second = video_browser()
    ui.enter_room(second, lea, path)
    join_with_video(second)
    strings = ui.strings(first)
    pages = ((first, "Marc", lea.public_name), (second, "Léa", marc.public_name))
    for driver, who, other in pages:
        wait_in_call(driver, strings, other, who)
        wait_decoding(driver, who)
        # Marks that a reload or a reused connection would lose or keep.
        driver.execute_script(
            "window.councilSameDocument = true; window.councilVideo.subscribe.councilOld = true;"
        )

    # The worker dies without a word: the pages hear of it within a few heartbeats.
    media_workers.kill(worker)
    killed = time.monotonic()
    noticed: dict[str, float] = {}
    unavailable = strings["video_unavailable"]
    while len(noticed) < len(pages):
        for driver, who, _other in pages:
            if (
                who not in noticed
                and unavailable in driver.find_element(By.ID, "video-status").text
            ):
                noticed[who] = time.monotonic() - killed
        if time.monotonic() - killed > LOSS_NOTICED_WITHIN:
            states = {who: driver.execute_script(PAGE_STATE) for driver, who, _other in pages}
            pytest.fail(
                f"not told within {LOSS_NOTICED_WITHIN} s that video is unavailable: {states}"
            )
        time.sleep(0.1)
    for driver, who, other in pages:
        status = driver.find_element(By.ID, "video-status")
        assert status.get_attribute("role") == "status", "the state is announced politely"
        assert status.text == unavailable, f"{who}'s page shows a plain sentence: {status.text!r}"
        # No frozen picture of the other left on screen, no connection to a dead server.
        assert video_of(driver, strings, other) is None, f"{who} still shows {other}'s tile"
        assert driver.execute_script("return window.councilVideo.subscribe") is None

    # The chat does not depend on the media worker.
    first.find_element(By.ID, "chat-input").send_keys(CHAT)
    first.find_element(By.ID, "chat-send").click()
    ui.wait_for_message(second, CHAT)

    # A new worker: both pages join the call again by themselves, on new connections.
    _worker, new_id = media_workers.start()
    assert new_id != worker_id
    for driver, who, other in pages:
        wait_in_call(driver, strings, other, who)
        assert driver.execute_script("return window.councilSameDocument === true"), (
            f"{who} reloaded"
        )
        assert driver.execute_script("return !window.councilVideo.subscribe.councilOld"), (
            f"{who} kept the old subscribe connection"
        )
    for driver, who, _other in pages:
        wait_decoding(driver, who)
