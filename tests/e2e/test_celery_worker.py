"""Account e-mail goes through a real Celery worker on the Redis broker, not eagerly in the request."""

import email
import email.policy
import re
import secrets
import subprocess
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from kombu import pools as kombu_pools

from council import celery_app
from council.accounts.models import User
from council.accounts.tasks import email_send
from tests.e2e.servers import BIN
from tests.e2e.servers import ROOT
from tests.e2e.servers import redis_url
from tests.e2e.servers import server_env

# xdist_group: the module's tests stay on one worker, which starts the Celery worker once
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery_worker")]

MAIL_TIMEOUT = 30
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # written by the file-based e-mail backend after each message


class Worker:
    def __init__(self, process: subprocess.Popen, log_path: Path, mail_dir: Path) -> None:
        self.process = process
        self.log_path = log_path
        self.mail_dir = mail_dir

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def mail_to(self, recipient: str) -> email.message.EmailMessage:
        """Wait for the worker to write a message to `recipient`; return it parsed."""
        deadline = time.monotonic() + MAIL_TIMEOUT
        while time.monotonic() < deadline:
            for path in sorted(self.mail_dir.glob("*.log")):
                for raw in path.read_bytes().split(SEPARATOR):
                    if raw.strip():
                        message = email.message_from_bytes(raw, policy=email.policy.default)
                        if recipient in str(message["To"]):
                            return message
            assert self.process.poll() is None, f"the Celery worker died:\n{self.log()}"
            time.sleep(0.1)
        raise AssertionError(f"no e-mail to {recipient} within {MAIL_TIMEOUT} s:\n{self.log()}")


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    """A Celery worker consuming the `celery` queue on this run's Redis broker."""
    base = tmp_path_factory.mktemp("celery")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    log_path = base / "worker.log"
    env = server_env(
        CELERY_BROKER_URL=redis_url("broker"),
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    command = [
        str(BIN / "celery"), "-A", "council", "worker", "-P", "solo", "-c", "1",
        "--without-mingle", "--without-gossip", "--without-heartbeat", "-Q", "celery",
        "-n", f"e2e-{base.name}@%h", "--loglevel", "INFO",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    result = Worker(process, log_path, mail_dir)
    deadline = time.monotonic() + 40
    while " ready." not in result.log():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the Celery worker did not start:\n{result.log()}")
        time.sleep(0.1)
    yield result
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    assert "Traceback" not in result.log(), result.log()


def _reset_producer_pool() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()  # the global producer pools would keep the closed connections


@pytest.fixture
def celery_on_broker():
    """This process's Celery app publishes to the worker's broker instead of running eagerly."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    _reset_producer_pool()
    celery_app.conf.broker_url = redis_url("broker")
    celery_app.conf.task_always_eager = False
    yield
    _reset_producer_pool()
    celery_app.conf.update(saved)


def test_queued_email_is_sent_by_the_worker(worker, celery_on_broker):
    result = email_send.delay(
        {
            "subject": "Ordre du jour de la séance du 3 décembre",
            "body": "Bonjour, voici l'ordre du jour.",
            "from_email": "Council <noreply@example.org>",
            "to": ["habitante@example.org"],
        }
    )
    assert result.id  # queued, not run here: nothing was written yet by this process
    message = worker.mail_to("habitante@example.org")
    assert message["Subject"] == "Ordre du jour de la séance du 3 décembre"
    assert message["From"] == "Council <noreply@example.org>"
    assert "voici l'ordre du jour" in message.get_body(("plain",)).get_content()


def _form_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_signup_through_the_server_sends_the_verification_email_by_the_worker(worker, daphne):
    (server,) = daphne(1, CELERY_BROKER_URL=redis_url("broker"), CELERY_TASK_ALWAYS_EAGER="false")
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    browser.addheaders = [("Accept-Language", "en")]
    with browser.open(f"{server.http_url}/accounts/signup/", timeout=10) as response:
        page = response.read().decode()
    # unique: allauth's limit on confirmation e-mails per address lives in Redis across runs
    address = f"nouvelle-habitante-{secrets.token_hex(4)}@example.org"
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": _form_token(page),
            "email": address,
            "password1": "Une-place-pour-les-arbres-2026",
            "password2": "Une-place-pour-les-arbres-2026",
        }
    ).encode()
    with browser.open(f"{server.http_url}/accounts/signup/", data=form, timeout=20) as response:
        assert response.status == 200
        assert urllib.parse.urlparse(response.url).path == "/accounts/confirm-email/"

    message = worker.mail_to(address)
    assert "Please Confirm Your Email Address" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(server.http_url)}/accounts/confirm-email/[^\s]+", body)
    assert link, body
    confirm_url = link.group(0)
    assert not EmailAddress.objects.get(email=address).verified

    # The link in the e-mail verifies the address.
    with browser.open(confirm_url, timeout=10) as response:
        page = response.read().decode()
    confirm = urllib.parse.urlencode({"csrfmiddlewaretoken": _form_token(page)}).encode()
    with browser.open(confirm_url, data=confirm, timeout=20) as response:
        assert response.status == 200
    assert EmailAddress.objects.get(email=address).verified
    assert User.objects.filter(email=address).count() == 1
