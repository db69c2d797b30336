"""Browser tests: a real Daphne process on the pytest-django database, headless Chromium.

The server is started once per session with the production settings module
(`council.settings.base`) pointed at the test database and at a Redis database of
its own. Tests write their data with `django_db(transaction=True)` so the server
sees it. Browsers are kept in a small pool (at most three at once, the machine has
two cores) and reset between tests.
"""

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.hashers import make_password
from django.db import connection
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support import wait as selenium_wait
from selenium.webdriver.support.wait import WebDriverWait

from council.accounts.models import User
from council.councils.models import Council
from council.councils.models import Role
from council.councils.services import role_grant
from council.rooms.models import Room
from tests.mfa_helpers import totp_code
from tests.mfa_helpers import totp_give_if_required
from tests.protocol import logged_violations
from tests.protocol import violations_text

# Every wait reads again an element the page replaced while it was read (a form's answer loading,
# a list re-rendered), as it already does one not there yet: a stale read is a moment, not a failure.
selenium_wait.IGNORED_EXCEPTIONS = (NoSuchElementException, StaleElementReferenceException)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "réunion-publique-2026"
# A Redis database of these tests' own (others use 0 and nearby numbers); another for a second run at once.
REDIS_DB = int(os.environ.get("TEST_BROWSER_REDIS_DB", "13"))
MAX_BROWSERS = 3
WAIT = 15
# How long a page may take to load after a navigation or a script that starts one. Longer than
# WAIT: with two test workers, Daphnes, aiortc peers and browsers on two cores, a page's load
# has taken over 15 s (the whole suite, once in a run), which is the machine's moment, not a
# behaviour; what a test waits for on the page still has WAIT.
PAGE_LOAD_WAIT = 60

os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never go online


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


def _redis_url() -> str:
    base = urlparse(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")
    return f"redis://{base.hostname or '127.0.0.1'}:{base.port or 6379}/{REDIS_DB}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


_server_log: list[str] = []


@pytest.fixture
def server_env() -> dict[str, str]:
    """Extra environment of the Daphne process; a test module may override this fixture."""
    return {}


@pytest.fixture
def live_url(transactional_db, server_env, tmp_path):
    """Base URL of a Daphne process serving the test database, one per test.

    Each transactional test ends with a flush that recreates content types under new
    ids; a server kept across tests would keep the old ones in its ContentType cache
    (and guardian would then find no grant), so every test gets a fresh process.
    A frame the server sent that docs/asyncapi.yaml does not describe fails the test
    (the server writes every frame to its FRAME_LOG; checked once it has stopped).
    """
    assert connection.vendor == "postgresql", "browser tests need DATABASE_URL=postgres://…"
    import redis

    redis_url = _redis_url()
    redis.Redis.from_url(redis_url).flushdb()  # rate-limit counters of an earlier run
    port = _free_port()
    frame_log = tmp_path / "frames.jsonl"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "council.settings.base",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "PYTHONUNBUFFERED": "1",
        "FRAME_LOG": str(frame_log),
        **server_env,
    }
    log = tempfile.NamedTemporaryFile(prefix="council-daphne-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _server_log[:] = [log.name]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    break
        except (OSError, urllib.error.URLError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("Daphne did not start:\n" + Path(log.name).read_text())
        time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        output = Path(log.name).read_text()
        if "Traceback" in output:
            print("Daphne log (contains a traceback):\n" + output)  # noqa: T201
        os.unlink(log.name)
    violations = logged_violations(frame_log)
    if violations:
        pytest.fail(violations_text(violations), pytrace=False)


# Video tests: a fake camera (640x480 test pattern) and microphone (beeps) granted without a
# prompt, ICE candidates on loopback, and real addresses rather than mDNS names for pages
# that never asked for the camera (residents who follow receive-only).
VIDEO_FLAGS = (
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
)


def _launch(extra_args: tuple[str, ...] = ()) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--lang=en",
        f"--user-data-dir={tempfile.mkdtemp(prefix='council-chromium-')}",
        *extra_args,
    ):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en"})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(PAGE_LOAD_WAIT)
    driver.set_script_timeout(PAGE_LOAD_WAIT)  # a script that submits a form waits for the page it loads
    return driver


@pytest.fixture(scope="session")
def _browser_pool():
    pool: list[webdriver.Chrome] = []
    yield pool
    for driver in pool:
        driver.quit()


def _websocket_frames(driver) -> list[str]:
    frames = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"].startswith("Network.webSocket"):
            payload = message["params"].get("response", {}).get("payloadData", "")
            frames.append(f"{message['method'].removeprefix('Network.')} {payload[:200]}")
    return frames


def _diagnose(drivers: list[webdriver.Chrome], consoles: list[list[dict]]) -> None:
    """On failure, show what each browser received and what the server said."""
    for number, (driver, console) in enumerate(zip(drivers, consoles, strict=True), 1):
        print(f"--- browser {number}: {driver.current_url}")  # noqa: T201
        print("\n".join(_websocket_frames(driver)))  # noqa: T201
        print("console:", console)  # noqa: T201
    if _server_log:
        print("--- Daphne log (end):\n" + Path(_server_log[0]).read_text()[-6000:])  # noqa: T201


def _after_test(request, drivers: list[webdriver.Chrome]) -> list[str]:
    """Read each browser's console once: diagnose a failure, return the CSP violations.

    Chromium logs a blocked inline script, handler or source as "Refused to … because it
    violates the following Content Security Policy directive: …".
    """
    consoles = [driver.get_log("browser") for driver in drivers]
    if getattr(request.node, "browser_test_failed", False):
        _diagnose(drivers, consoles)
    return [
        entry["message"]
        for console in consoles
        for entry in console
        if "Content Security Policy" in entry.get("message", "")
    ]


def _fail_on_csp_violations(violations: list[str]) -> None:
    if violations:
        pytest.fail("The page broke its Content-Security-Policy:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def browser(request, _browser_pool, live_url):
    """`browser()` gives a clean Chromium (no cookies, blank page); at most three per test."""
    used: list[webdriver.Chrome] = []

    def open_browser() -> webdriver.Chrome:
        assert len(used) < MAX_BROWSERS, "keep to three browsers at once on this machine"
        if len(_browser_pool) <= len(used):
            _browser_pool.append(_launch())
        driver = _browser_pool[len(used)]
        used.append(driver)
        return driver

    for driver in _browser_pool:
        driver.get_log("performance")  # drop what earlier tests left
        driver.get_log("browser")
    yield open_browser
    violations = _after_test(request, used)
    for driver in used:
        driver.get("about:blank")  # closes the room's WebSocket
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        # a test that emulated a phone leaves the next one a laptop (a map drawn at phone size
        # put the zone test's corners off the map)
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    _fail_on_csp_violations(violations)


@pytest.fixture
def video_browser(request, live_url):
    """`video_browser()` gives a Chromium with fake camera and microphone; quit after the test.

    Not pooled: the media flags must not leak into other tests' browsers. Count them with
    any `browser()` of the same test: three at most on this machine.
    """
    used: list[webdriver.Chrome] = []

    def open_browser() -> webdriver.Chrome:
        assert len(used) < MAX_BROWSERS, "keep to three browsers at once on this machine"
        driver = _launch(VIDEO_FLAGS)
        used.append(driver)
        return driver

    yield open_browser
    violations = _after_test(request, used)
    for driver in used:
        driver.quit()
    _fail_on_csp_violations(violations)


_password_hash: list[str] = []


def _hashed_password() -> str:
    """The server runs with the default hashers, not the test settings' MD5: hash once."""
    if not _password_hash:
        _password_hash.append(make_password(PASSWORD, hasher=PBKDF2PasswordHasher()))
    return _password_hash[0]


def make_person(council: Council, email: str, name: str, role: Role) -> User:
    """Someone who chose English in their profile: the browser tests read English text."""
    user = User.objects.create(
        email=email, display_name=name, password=_hashed_password(), preferred_language="en"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    role_grant(actor=None, council=council, user=user, role=role)
    totp_give_if_required(user)
    return user


@pytest.fixture
def meeting(transactional_db):
    """A council with a room, a facilitator and two members (committed for the server)."""
    council = Council.objects.create(
        slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f"
    )
    room = Room.objects.create(council=council, name="Séance du 3 décembre")
    return {
        "council": council,
        "room": room,
        "path": f"/c/{council.slug}/rooms/{room.pk}/",
        "facilitator": make_person(
            council, "fatou@example.org", "Fatou Facilitatrice", Role.FACILITATOR
        ),
        "member": make_person(council, "marc@example.org", "Marc Membre", Role.MEMBER),
        "other_member": make_person(council, "lea@example.org", "Léa Lemaire", Role.MEMBER),
    }


def log_in(driver, live_url: str, user: User, next_path: str) -> None:
    """Log in through the real form and land on `next_path`."""
    driver.get(f"{live_url}/accounts/login/?next={quote(next_path)}")
    form = driver.find_element(By.CSS_SELECTOR, "form:has(input[name=login])")
    form.find_element(By.NAME, "login").send_keys(user.email)
    form.find_element(By.NAME, "password").send_keys(PASSWORD)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, WAIT).until(lambda d: urlparse(d.current_url).path != "/accounts/login/")
    if urlparse(driver.current_url).path == "/accounts/2fa/authenticate/":
        enter_second_factor(driver, user)
    WebDriverWait(driver, WAIT).until(
        lambda d: urlparse(d.current_url).path == next_path,
        message=f"log-in of {user.email} did not reach {next_path}",
    )


def enter_second_factor(driver, user: User) -> None:
    """Type the code of the person's authenticator app, as officials must at log-in.

    A code is accepted once: a second log-in of the same person within its 30 seconds types
    the next period's, which the site accepts as a phone's clock running ahead would show it.
    """
    secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
    for steps_ahead in (0, 1):
        # the page may still be replacing itself (the log-in's redirect, a refused code's answer):
        # a field found in a document being left is gone before it is typed into
        WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")
        field = driver.find_element(By.NAME, "code")
        field.clear()
        field.send_keys(totp_code(secret, steps_ahead=steps_ahead))
        field.submit()
        WebDriverWait(driver, WAIT).until(ec.staleness_of(field))
        if urlparse(driver.current_url).path != "/accounts/2fa/authenticate/":
            return
    raise AssertionError(f"the second factor of {user.email} was refused")


def wait_synced(driver, user: User) -> None:
    """Wait until the room is connected and its snapshot shows this person present."""
    wait = WebDriverWait(driver, WAIT)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#room[data-connection=open]")))
    wait.until(
        # textContent: the participants' tab may not be the one shown
        lambda d: user.public_name in d.find_element(By.ID, "presence-list").get_attribute("textContent"),
        message=f"{user.email} never saw themself in the presence list",
    )


def enter_room(driver, live_url: str, user: User, path: str) -> None:
    log_in(driver, live_url, user, path)
    wait_synced(driver, user)


def room_strings(driver) -> dict:
    """The room's strings, with the workshops' and the notes' (each panel has its own block)."""
    strings = {}
    for block in ("notes-strings", "workshops-strings", "room-strings"):
        found = driver.find_elements(By.ID, block)
        if found:
            strings.update(json.loads(found[0].get_attribute("textContent")))
    return strings


def message_item(driver, text: str):
    """The chat-log entry showing `text`, or None."""
    for item in driver.find_elements(By.CSS_SELECTOR, "#chat-log li"):
        if text in item.find_element(By.CSS_SELECTOR, ".text").text:
            return item
    return None


def wait_for_message(driver, text: str):
    return WebDriverWait(driver, WAIT).until(
        lambda d: message_item(d, text), message=f"message {text!r} never appeared"
    )


def show_tab(driver, name: str) -> None:
    """Open the side panel's tab `name` ("chat", "people", "agenda", "workshops", "notes")."""
    if driver.find_element(By.ID, "side-toggle").get_attribute("aria-expanded") != "true":
        driver.find_element(By.ID, "side-toggle").click()
    tab = WebDriverWait(driver, WAIT).until(
        lambda d: (t := d.find_element(By.ID, f"tab-{name}")).is_displayed() and t,
        message=f"the tab {name} is not shown",
    )
    tab.click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, f"panel-{name}").is_displayed())


@pytest.fixture
def ui(live_url):
    """The helpers above, bound to the running server (test modules cannot import conftest)."""

    class Ui:
        url = live_url
        strings = staticmethod(room_strings)
        find_message = staticmethod(message_item)
        wait_for_message = staticmethod(wait_for_message)
        wait_synced = staticmethod(wait_synced)
        make_person = staticmethod(make_person)
        show_tab = staticmethod(show_tab)

        @staticmethod
        def log_in(driver, user, next_path):
            log_in(driver, live_url, user, next_path)

        @staticmethod
        def enter_room(driver, user, path):
            enter_room(driver, live_url, user, path)

    return Ui
