"""A notification to 2,000 people survives its Celery worker being killed midway.

Real worker processes on this run's Redis broker, writing e-mail with Django's
file-based backend. The first worker is killed with SIGKILL part-way through; a second
one picks the task up again (acks late: the message was never acknowledged, and the
broker hands it out again after CELERY_VISIBILITY_TIMEOUT) and finishes it. Everyone
gets exactly one in-app notification and exactly one e-mail.

SMTP cannot be made atomic with the database: a worker killed after handing a message
to the mail server and before recording it would send that message again (at most
`EMAIL_RECORD_EVERY` of them, see council/groups/notifications.py). So the test freezes
the worker (SIGSTOP) and kills it at a moment when every message written is recorded,
which is the guarantee under test: a re-run resumes from the database and repeats nothing
it recorded. bench/segments.py --restart measures an unaligned kill.
"""

import os
import re
import secrets
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from guardian.shortcuts import assign_perm

from council.accounts.models import User
from council.councils.models import Council
from council.councils.models import Role
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import Notification
from council.groups.models import NotificationSend
from council.groups.notifications import notification_send_create
from tests.e2e.conftest import make_person
from tests.e2e.conftest import random_id
from tests.e2e.servers import BIN
from tests.e2e.servers import ROOT
from tests.e2e.servers import redis_url
from tests.e2e.servers import server_env
from tests.e2e.servers import task_on_own_queue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PEOPLE = 2000
TASK = "council.groups.tasks.notification_send_deliver"
TO_HEADER = re.compile(rb"^To: (.+?)\r?$", re.MULTILINE)


def start_worker(name: str, queue: str, base: Path) -> tuple[subprocess.Popen, Path]:
    log_path = base / f"{name}.log"
    env = server_env(
        CELERY_BROKER_URL=redis_url("broker"),
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_VISIBILITY_TIMEOUT="1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(base / "mail"),
    )
    command = [
        str(BIN / "celery"), "-A", "council", "worker", "-P", "solo", "-c", "1",
        "--without-mingle", "--without-gossip", "--without-heartbeat", "-Q", queue,
        "-n", f"{name}-{queue}@%h", "--loglevel", "INFO",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 40
    while " ready." not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the Celery worker did not start:\n{log_path.read_text()}")
        time.sleep(0.05)
    return process, log_path


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def recipients_on_disk(mail_dir: Path) -> list[str]:
    found = []
    for path in mail_dir.glob("*.log"):
        found.extend(m.decode() for m in TO_HEADER.findall(path.read_bytes()))
    return found


def emailed(send_id: int) -> int:
    return Notification.objects.filter(send_id=send_id, emailed_at__isnull=False).count()


@pytest.fixture
def on_broker():
    """This process publishes the delivery task to a queue of its own on the run's broker."""
    with task_on_own_queue(TASK, "notify") as queue:
        yield queue


@pytest.fixture
def crowd(transactional_db):
    """A council and a static group of PEOPLE active members, and a facilitator."""
    council = Council.objects.create(id=random_id(), slug=f"nord-{secrets.token_hex(4)}", name="Conseil Nord")
    facilitator = User.objects.get(pk=make_person(council, "fatou", "Fatou", Role.FACILITATOR).user_id)
    group = NeighbourhoodGroup.objects.create(council=council, name="Tout le quartier")
    tag = secrets.token_hex(3)
    users = User.objects.bulk_create(
        User(email=f"habitant{n}-{tag}@example.org", display_name=f"Habitant {n}", password="!")
        for n in range(PEOPLE)
    )
    # Residents of the council (one bulk grant): a group only counts people in its council.
    assign_perm("councils.follow_council", User.objects.filter(pk__in=[u.pk for u in users]), council)
    Membership.objects.bulk_create(
        Membership(group=group, user=user, status=Membership.Status.ACTIVE) for user in users
    )
    return facilitator, group, {user.email for user in users}


def test_a_killed_worker_is_replaced_and_nobody_gets_anything_twice(crowd, on_broker, tmp_path):
    facilitator, group, addresses = crowd
    (tmp_path / "mail").mkdir()
    first, first_log = start_worker("first", on_broker, tmp_path)
    second = None
    try:
        send = notification_send_create(
            actor=facilitator, group=group, subject="Travaux rue des Lilas", body="La rue sera fermée lundi."
        )

        # Wait until some, not all, are e-mailed; then kill the worker at a recorded point.
        deadline = time.monotonic() + 30
        while True:
            assert first.poll() is None, first_log.read_text()
            assert time.monotonic() < deadline, f"no progress:\n{first_log.read_text()}"
            if emailed(send.pk) >= 200:
                os.kill(first.pid, signal.SIGSTOP)
                on_disk, recorded = len(recipients_on_disk(tmp_path / "mail")), emailed(send.pk)
                if on_disk == recorded:
                    first.send_signal(signal.SIGKILL)
                    first.wait(timeout=10)
                    break
                os.kill(first.pid, signal.SIGCONT)
            time.sleep(0.003)
        assert 200 <= recorded < PEOPLE, "the worker finished before it could be killed"
        assert NotificationSend.objects.get(pk=send.pk).status == NotificationSend.Status.SENDING

        time.sleep(1.2)  # past the visibility timeout: the broker hands the task out again
        second, second_log = start_worker("second", on_broker, tmp_path)
        deadline = time.monotonic() + 30
        while NotificationSend.objects.get(pk=send.pk).status != NotificationSend.Status.DONE:
            assert second.poll() is None, second_log.read_text()
            assert time.monotonic() < deadline, f"not finished:\n{second_log.read_text()}"
            time.sleep(0.1)
    finally:
        stop(first)
        if second is not None:
            stop(second)

    notes = Notification.objects.filter(send=send)
    assert notes.count() == PEOPLE
    assert set(notes.values_list("user__email", flat=True)) == addresses
    assert not notes.filter(emailed_at__isnull=True).exists()
    sent = Counter(recipients_on_disk(tmp_path / "mail"))
    assert set(sent) == addresses
    assert [address for address, count in sent.items() if count != 1] == []
    assert NotificationSend.objects.get(pk=send.pk).total == PEOPLE
    assert "Traceback" not in second_log.read_text(), second_log.read_text()
