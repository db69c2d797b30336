"""Server processes for end-to-end tests: where they find the test database and Redis.

Import these helpers from test modules; the fixtures that start processes live in conftest.py.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from council import celery_app

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
START_TIMEOUT = 40
#: pairs of Redis databases (channel layer and cache, Celery broker); 0, 1, 12 and 13 are left
#: to the other suites and to anyone running the app by hand
REDIS_DB_PAIRS = ((2, 3), (4, 5), (6, 7), (8, 9), (10, 11), (14, 15))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the pytest-django test database, for the server processes."""
    db = connection.settings_dict
    assert connection.vendor == "postgresql", (
        "end-to-end tests share the database with server processes: run them with "
        "DATABASE_URL=postgres://…"
    )
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def redis_url(purpose: str = "channels") -> str:
    """A Redis database of this run: `channels` (layer and cache) or `broker` (Celery)."""
    base = urlparse(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")
    worker_pair = os.environ.get("TEST_E2E_REDIS_DBS")  # an xdist worker's own (tests/conftest.py)
    if worker_pair:
        pair = tuple(int(db) for db in worker_pair.split(","))
    else:
        pair = REDIS_DB_PAIRS[
            zlib.crc32(connection.settings_dict["NAME"].encode()) % len(REDIS_DB_PAIRS)
        ]
    db = pair[0] if purpose == "channels" else pair[1]
    return base._replace(path=f"/{db}", query="").geturl()


@contextlib.contextmanager
def task_on_own_queue(task: str, prefix: str) -> Iterator[str]:
    """This process publishes `task` to a queue of its own (yielded) on the run's broker, so that
    only the worker a test starts on that queue runs it; the app's settings come back after."""
    queue = f"{prefix}-{secrets.token_hex(4)}"
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "task_routes")}

    def reset_pool() -> None:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        kombu_pools.reset()  # the global producer pools would keep the closed connections

    def reset_routes() -> None:
        celery_app.amqp.flush_routes()  # the router caches the routes it was first built with
        celery_app.amqp.__dict__.pop("router", None)

    reset_pool()
    celery_app.conf.broker_url = redis_url("broker")
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_routes = {task: {"queue": queue}}
    reset_routes()
    try:
        yield queue
    finally:
        reset_pool()
        celery_app.conf.update(saved)
        reset_routes()


def server_env(**overrides: str) -> dict[str, str]:
    """Environment of a server process: production settings on the test database and Redis."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "council.settings.base",
        "SECRET_KEY": settings.SECRET_KEY,  # the session auth hash is signed with it
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url("channels"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


@dataclass
class Server:
    """One Daphne process serving the project's ASGI application."""

    port: int
    process: subprocess.Popen
    log_path: Path
    #: the file the server appends every frame it sends to (settings.FRAME_LOG)
    frame_log: Path

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.http_url

    def ws_url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """End the process at once, as a crash would (no close frames, no cleanup)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(
                f"{server.http_url}/accounts/login/", timeout=2
            ) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise AssertionError(f"Daphne on port {server.port} did not start:\n{server.log()}")
        time.sleep(0.1)


@dataclass
class RedisServer:
    """A redis-server of the test's own on a free port, which the test may kill and start again.

    Nothing is kept on disk: started again, it has forgotten everything, as a restarted Redis
    without persistence (the channel layer's groups, queued messages, counters).
    """

    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
        assert binary, "redis-server is needed (Debian: apt-get install redis-server; or set REDIS_SERVER)"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while True:  # serving once it answers PING
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(64).startswith(b"+PONG"):
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"redis-server on port {self.port} did not start:\n{self.log_path.read_text()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """End it at once, as a crash would: every connection to it breaks."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
