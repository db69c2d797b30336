"""Segments at scale: evaluate a three-condition segment over 100,000 residents, then notify it.

Prints figures; it is not a test. What it sets up by itself:

* a PostgreSQL database of its own (BENCH_SEGMENTS_DATABASE_URL, default council_bench_segments),
  migrated, with council "bench-segments": 100,000 residents (a "follow" grant each), 20 profile
  attributes (18 one-choice, one several-choices "interests", one yes/no), one answer per attribute
  per person (two for interests: 2.1 million ProfileValue rows) and 10 zones. Built with
  INSERT … SELECT generate_series in PostgreSQL (about a minute), then VACUUM ANALYZE; reused
  on the next run;
* a Redis database of its own (BENCH_SEGMENTS_REDIS_URL, default db 13), flushed first, for the
  Celery broker and the channel layer (progress events);
* one Celery worker (``celery -A council worker -P solo``, production settings), with Django's
  file-based e-mail backend writing to a directory on /dev/shm (memory), so every message is
  rendered in full and written, and can be counted afterwards.

Then:

1. the segment zone in 5 of 10 AND interests in {sport, culture} AND age in 4 of 5 brackets
   (about 20,000 people): time of `group_members(segment)` counted and listed (one query each),
   best and median of 5, and a summary of EXPLAIN ANALYZE;
2. a notification to the segment through the worker: people per second, from the commit of the
   send to the status "done" (in-app rows and e-mails);
3. with ``--restart``: a second send; the worker is killed (SIGKILL, at no chosen moment) once 40 %
   are e-mailed, a new worker started, and the people without a notification (lost), with more than
   one (impossible: unique), without an e-mail and with more than one e-mail are counted.

    .venv/bin/python bench/segments.py [--restart] [--rebuild]
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import common  # bench/common.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))
DATABASE_URL = os.environ.get(
    "BENCH_SEGMENTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/council_bench_segments"
)
REDIS_URL = os.environ.get("BENCH_SEGMENTS_REDIS_URL", "redis://127.0.0.1:6379/13")
PEOPLE = 100_000
ZONES = 10
SLUG = "bench-segments"
AGES = ["18-25", "26-40", "41-60", "61-75", "75+"]
INTERESTS = ["sport", "culture", "environment", "mobility", "schools", "housing", "shops", "safety"]
RULE = {
    "all": [
        {"field": "zone", "op": "in", "value": [f"zone-{n}" for n in range(5)]},
        {"field": "attribute:interests", "op": "in", "value": ["sport", "culture"]},
        {"field": "attribute:age", "op": "in", "value": AGES[:4]},
    ]
}
TO_HEADER = re.compile(rb"^To: (.+?)\r?$", re.MULTILINE)


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "council.settings.base",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def create_database() -> None:
    common.create_database(DATABASE_URL)


def setup_django() -> None:
    create_database()
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env(), check=True)
    os.environ.update(env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(rebuild: bool) -> None:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db import transaction

    from council.accounts.models import User
    from council.councils.models import ROLE_GRANTS
    from council.councils.models import Council
    from council.councils.models import Role
    from council.groups.models import ProfileAttribute
    from council.groups.models import ResidentProfile
    from council.groups.models import Zone

    council = Council.objects.filter(slug=SLUG).first()
    if council and not rebuild and ResidentProfile.objects.filter(council=council).count() == PEOPLE:
        print(f"reusing council {SLUG!r}: {PEOPLE:,} residents")
        return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if council:
            council.delete()
        # Role grants name the council by text, not by a key: deleting it leaves them behind;
        # the sender's audit entries keep no actor (SET_NULL, as the ORM would).
        bench_users = "(SELECT id FROM accounts_user WHERE email LIKE '%@segments.bench.invalid')"
        cursor.execute(f"DELETE FROM guardian_userobjectpermission WHERE user_id IN {bench_users}")
        cursor.execute(f"UPDATE councils_auditentry SET actor_id = NULL WHERE actor_id IN {bench_users}")
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", ["%@segments.bench.invalid"])
        council = Council.objects.create(slug=SLUG, name="Bench segments")
        attributes = [
            ProfileAttribute(council=council, key="age", label="Age", kind="choice", choices=AGES, purpose="bench"),
            ProfileAttribute(
                council=council, key="interests", label="Interests", kind="multi_choice", choices=INTERESTS, purpose="bench"
            ),
            ProfileAttribute(council=council, key="shopkeeper", label="Shopkeeper", kind="boolean", purpose="bench"),
        ]
        attributes += [
            ProfileAttribute(
                council=council, key=f"q{n:02d}", label=f"Question {n}", kind="choice",
                choices=[f"a{k}" for k in range(3 + n % 6)], purpose="bench",
            )
            for n in range(17)
        ]  # fmt: skip
        attributes = ProfileAttribute.objects.bulk_create(attributes)
        zones = Zone.objects.bulk_create(
            Zone(
                council=council, name=f"Zone {n}", slug=f"zone-{n}",
                geometry={"type": "Polygon", "coordinates": [[[n, 0], [n + 1, 0], [n + 1, 1], [n, 1], [n, 0]]]},
                min_lon=n, min_lat=0, max_lon=n + 1, max_lat=1,
            )
            for n in range(ZONES)
        )  # fmt: skip
        cursor.execute("SELECT setseed(0.42)")
        # the other columns take their model defaults (a field added later must not break the build)
        given = {"password", "is_superuser", "is_staff", "is_active", "date_joined", "email", "display_name", "preferred_language"}
        defaults = [f for f in User._meta.concrete_fields if f.column not in given and not f.primary_key and f.has_default()]
        cursor.execute(
            f"""INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined, email,
                                          display_name, preferred_language{"".join(", " + f.column for f in defaults)})
               SELECT '!', false, false, true, now(), 'r' || g || '@segments.bench.invalid', 'Habitant ' || g, 'fr'
                      {", %s" * len(defaults)}
               FROM generate_series(1, %s) g""",
            [*(f.get_db_prep_value(f.get_default(), connection) for f in defaults), PEOPLE],
        )
        permission = Permission.objects.get(codename=ROLE_GRANTS[Role.RESIDENT], content_type__app_label="councils")
        cursor.execute(
            """INSERT INTO guardian_userobjectpermission (object_pk, content_type_id, permission_id, user_id)
               SELECT %s, %s, %s, id FROM accounts_user WHERE email LIKE '%%@segments.bench.invalid'""",
            [str(council.pk), ContentType.objects.get_for_model(Council).pk, permission.pk],
        )
        cursor.execute(
            """INSERT INTO groups_residentprofile (council_id, user_id, zone_id, updated_at)
               SELECT %s, id, (%s::bigint[])[1 + floor(random() * %s)::int], now()
               FROM accounts_user WHERE email LIKE '%%@segments.bench.invalid'""",
            [council.pk, [z.pk for z in zones], ZONES],
        )
        for attribute in attributes:
            if attribute.kind == "multi_choice":
                # two different interests each
                cursor.execute(
                    """INSERT INTO groups_profilevalue (profile_id, attribute_id, value)
                       SELECT id, %s, (%s::text[])[1 + (i + k * (1 + j)) %% 8]
                       FROM (SELECT id, floor(random() * 8)::int i, floor(random() * 7)::int j
                             FROM groups_residentprofile WHERE council_id = %s) p,
                            generate_series(0, 1) k""",
                    [attribute.pk, INTERESTS, council.pk],
                )
                continue
            choices = attribute.choices or ["yes", "no"]
            cursor.execute(
                """INSERT INTO groups_profilevalue (profile_id, attribute_id, value)
                   SELECT id, %s, (%s::text[])[1 + floor(random() * %s)::int]
                   FROM groups_residentprofile WHERE council_id = %s""",
                [attribute.pk, choices, len(choices), council.pk],
            )
    with connection.cursor() as cursor:
        # As autovacuum leaves a table some time after a bulk load: statistics, and the
        # visibility map that lets a segment read profile ids from the index alone.
        cursor.execute("VACUUM ANALYZE")
    print(f"built council {SLUG!r}: {PEOPLE:,} residents, 20 attributes, {ZONES} zones in {time.perf_counter() - started:.0f} s")


def evaluate():
    from council.councils.models import Council
    from council.groups.models import NeighbourhoodGroup
    from council.groups.selectors import group_members

    council = Council.objects.get(slug=SLUG)
    segment, _created = NeighbourhoodGroup.objects.update_or_create(
        council=council, name="Sport or culture, zones 0-4, under 75",
        defaults={"kind": "segment", "rule": RULE},
    )
    counts, lists = [], []
    for _ in range(5):
        started = time.perf_counter()
        count = group_members(segment).count()
        counts.append(time.perf_counter() - started)
        started = time.perf_counter()
        ids = list(group_members(segment).values_list("pk", flat=True))
        lists.append(time.perf_counter() - started)
    print(f"\nsegment: {json_rule()}")
    print(f"  matches {count:,} of {PEOPLE:,} residents; id list of {len(ids):,}")
    print(f"  count:   best {min(counts) * 1000:.0f} ms, median {statistics.median(counts) * 1000:.0f} ms")
    print(f"  id list: best {min(lists) * 1000:.0f} ms, median {statistics.median(lists) * 1000:.0f} ms")
    plan = group_members(segment).values_list("pk", flat=True).explain(analyze=True)
    print("  EXPLAIN ANALYZE (id list), plan nodes:")
    for line in plan.splitlines():
        stripped = line.strip()
        if stripped.startswith("->") or line == plan.splitlines()[0] or "Time:" in stripped:
            node = re.sub(r"\s*\(cost=[^)]*\)", "", stripped.removeprefix("-> "))
            print("    " + ("  " * ((len(line) - len(line.lstrip())) // 6)) + node[:140])
    return segment, set(ids)


def json_rule() -> str:
    import json

    return json.dumps(RULE)


def start_worker(log_path: Path, mail_dir: Path) -> subprocess.Popen:
    worker_env = {
        **env(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    command = [
        CELERY, "-A", "council", "worker", "-P", "solo", "-c", "1", "--without-mingle",
        "--without-gossip", "--without-heartbeat", "-n", f"bench-segments-{os.getpid()}@%h", "--loglevel", "INFO",
    ]  # fmt: skip
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while log_path.read_text(errors="replace").count(" ready.") < 1 + _restarts.get(log_path, 0):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit(f"the worker did not start:\n{log_path.read_text()}")
        time.sleep(0.05)
    _restarts[log_path] = _restarts.get(log_path, 0) + 1
    return process


_restarts: dict[Path, int] = {}


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def notify(segment, recipients: set[int], *, restart: bool, work: Path) -> None:
    from council.accounts.models import User
    from council.councils.models import Role
    from council.councils.services import role_grant
    from council.groups.models import Notification
    from council.groups.models import NotificationSend
    from council.groups.notifications import notification_send_create

    mail_dir = work / ("mail-restart" if restart else "mail")
    mail_dir.mkdir()
    log_path = work / ("worker-restart.log" if restart else "worker.log")
    sender, created = User.objects.get_or_create(email="sender@segments.bench.invalid", defaults={"display_name": "Bench"})
    if created:
        role_grant(actor=None, council=segment.council, user=sender, role=Role.FACILITATOR)
    NotificationSend.objects.filter(group=segment).delete()
    worker = start_worker(log_path, mail_dir)
    second = None
    try:
        started = time.perf_counter()
        send = notification_send_create(
            actor=sender, group=segment, subject="Fête de quartier samedi", body="Rendez-vous place du marché à 15 h.\n" * 5
        )
        killed_at = None
        while True:
            state = NotificationSend.objects.filter(pk=send.pk).values_list("status", flat=True).get()
            if state == NotificationSend.Status.DONE:
                break
            if restart and killed_at is None:
                emailed = Notification.objects.filter(send=send, emailed_at__isnull=False).count()
                if emailed >= 0.4 * len(recipients):
                    worker.send_signal(signal.SIGKILL)
                    worker.wait()
                    killed_at = emailed
                    time.sleep(2.2)  # past the visibility timeout
                    second = start_worker(log_path, mail_dir)
            if time.perf_counter() - started > 300:
                sys.exit(f"the send did not finish in 5 minutes:\n{log_path.read_text()}")
            time.sleep(0.02 if restart and killed_at is None else 0.1)
        elapsed = time.perf_counter() - started
    finally:
        stop(worker)
        if second is not None:
            stop(second)
    rows = Notification.objects.filter(send=send)
    notified = Counter(rows.values_list("user_id", flat=True))
    mailed = Counter(m.decode() for path in mail_dir.glob("*.log") for m in TO_HEADER.findall(path.read_bytes()))
    addresses = set(User.objects.filter(pk__in=recipients).values_list("email", flat=True))
    title = "with the worker killed and restarted" if restart else "one worker"
    print(f"\nnotification to the segment, {title} (file-based e-mail backend on {mail_dir.parent}):")
    print(f"  {len(recipients):,} people in {elapsed:.1f} s from commit to done: {len(recipients) / elapsed:,.0f} people/s")
    if restart:
        print(f"  killed (SIGKILL) after {killed_at:,} e-mails recorded; new worker started {2.2:.1f} s later")
    print(
        f"  in-app: {len(notified):,} people, lost {len(recipients - set(notified)):,},"
        f" duplicated {sum(c - 1 for c in notified.values()):,}"
    )
    print(
        f"  e-mail: {sum(mailed.values()):,} messages to {len(mailed):,} people, lost {len(addresses - set(mailed)):,},"
        f" duplicated {sum(c - 1 for c in mailed.values()):,}"
    )
    shutil.rmtree(mail_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--restart", action="store_true", help="also kill the worker midway and restart it")
    parser.add_argument("--rebuild", action="store_true", help="build the council again")
    args = parser.parse_args()
    setup_django()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    build(args.rebuild)
    segment, recipients = evaluate()
    work = Path(tempfile.mkdtemp(prefix="council-bench-segments-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        notify(segment, recipients, restart=False, work=work)
        if args.restart:
            notify(segment, recipients, restart=True, work=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
