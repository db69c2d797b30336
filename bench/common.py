"""What the benchmarks set up the same way: their own database, accounts logged in, Daphne
processes, load processes holding the clients."""

import asyncio
import contextlib
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def create_database(database_url: str) -> None:
    """Create the benchmark's own database if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    name = database_url.rsplit("/", 1)[1]
    connection = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def daphne_env(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings against the benchmark's database and Redis, without the rate limit."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="council.settings.base",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ALLOWED_HOSTS="127.0.0.1",
        ROOM_RATE_LIMIT="100000/10",
        DEBUG="False",
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        PYTHONPATH=str(ROOT),
    )
    return env


def setup_django(database_url: str, redis_url: str) -> None:
    """Create and migrate the benchmark's database, then set Django up in this process."""
    create_database(database_url)
    env = daphne_env(database_url, redis_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def council_accounts(*, slug: str, name: str, emails: list[str], display_name) -> tuple[Any, list[Any]]:
    """A council with one account per e-mail (created once): the first facilitates, the others are members."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from council.councils.models import Council
    from council.councils.models import Role
    from council.councils.selectors import roles_of
    from council.councils.services import role_grant

    user_model = get_user_model()
    council, _ = Council.objects.get_or_create(slug=slug, defaults={"name": name})
    existing = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    user_model.objects.bulk_create(
        [
            user_model(email=email, display_name=display_name(email), password=make_password(None))
            for email in emails
            if email not in existing
        ]
    )
    by_email = {u.email: u for u in user_model.objects.filter(email__in=emails)}
    users = [by_email[email] for email in emails]
    granted = roles_of(council=council, user_ids=[u.pk for u in users])
    for index, user in enumerate(users):
        if user.pk not in granted:
            role_grant(actor=None, council=council, user=user, role=Role.FACILITATOR if index == 0 else Role.MEMBER)
    return council, users


def login_sessions(users: list[Any]) -> list[str]:
    """A logged-in session key per person, written straight to the session store (the old ones go)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    Session.objects.all().delete()  # this database is the benchmark's own
    store, expires = SessionStore(), timezone.now() + datetime.timedelta(days=1)
    keys = [get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789") for _ in users]
    Session.objects.bulk_create(
        [
            Session(
                session_key=key,
                session_data=store.encode(
                    {
                        "_auth_user_id": str(user.pk),
                        "_auth_user_backend": AUTH_BACKEND,
                        "_auth_user_hash": user.get_session_auth_hash(),
                    }
                ),
                expire_date=expires,
            )
            for key, user in zip(keys, users, strict=True)
        ],
        batch_size=500,
    )
    return keys


def start_daphnes(commands: dict[int, list[str]], env: dict[str, str], log_name: str) -> list[subprocess.Popen]:
    """Start one server per port (its command line), logging to /tmp/<log_name>-<port>.log; wait until each listens."""
    procs = []
    for port, command in commands.items():
        log = open(f"/tmp/{log_name}-{port}.log", "ab")  # noqa: SIM115
        procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log))
    deadline = time.monotonic() + 60
    for port in commands:
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                stop_servers(procs)
                raise RuntimeError(f"Daphne did not listen on {port}; see /tmp/{log_name}-{port}.log")
            time.sleep(0.1)
    return procs


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time used so far by each of these processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return used


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings by the processes alive at both (others would count negative)."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def spy(pid: int, output: str, *, seconds: int) -> subprocess.Popen:
    """Sample a process with py-spy (pip install py-spy) for `seconds`, as collapsed stacks, in the background.

    BENCH_SPY_GIL=1 keeps only the samples of the thread holding the GIL (where the CPU of
    Python code goes, not the threads waiting on PostgreSQL); BENCH_SPY_RATE sets the rate.
    """
    beside = Path(sys.executable).with_name("py-spy")
    spy_bin = str(beside) if beside.exists() else shutil.which("py-spy") or str(beside)
    extra = ["--gil"] if os.environ.get("BENCH_SPY_GIL") else []
    extra += ["-r", os.environ.get("BENCH_SPY_RATE", "100")]
    return subprocess.Popen(
        [spy_bin, "record", "-p", str(pid), "-d", str(seconds), "-f", "raw", "-o", output, "--nonblocking", "-t", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends come and go; measure over a burst)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
    return found


def stop_servers(procs: list[subprocess.Popen], wait: float = 30) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class LoadProcess:
    """A child process running `script --load-process`: configured by one JSON line, then asked line by line."""

    def __init__(self, script: str) -> None:
        self.script = script

    async def start(self, config: dict) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, self.script, "--load-process",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**26,
        )
        self.proc.stdin.write(json.dumps(config).encode() + b"\n")
        await self.proc.stdin.drain()

    async def ask(self, command: str) -> dict:
        self.proc.stdin.write(command.encode() + b"\n")
        await self.proc.stdin.drain()
        return json.loads(await self.proc.stdout.readline())

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.stdin.write(b"quit\n")
            await self.proc.stdin.drain()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def ask_all(loads: list[LoadProcess], command: str, counters: tuple[str, ...]) -> tuple[list[dict], dict]:
    """Every load process's answer, and their `counters` summed with the slowest connect time."""
    answers = await asyncio.gather(*(load.ask(command) for load in loads))
    total = {key: sum(a.get(key, 0) for a in answers) for key in counters}
    seconds = [a["connect_seconds"] for a in answers]
    total["connect_seconds"] = None if None in seconds else max(seconds)
    return answers, total
