"""End-to-end fixtures: real Daphne and Celery processes on the test database and a real Redis.

The servers run the production settings module (`council.settings.base`) pointed at
the pytest-django test database, so tests write their data with
`django_db(transaction=True)` and the servers see it. They share a Redis database of
this run's own (chosen from the test database's name, away from the ones other
suites use). Rooms and people get random large ids: channel-layer groups
(`room.<id>`, `user.<id>`) and rate-limit counters (`ws:<id>`) are global in Redis,
so two runs at once on one machine must not meet there.
"""

import secrets
import subprocess
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth import SESSION_KEY

from council.accounts.models import User
from council.councils.models import Council
from council.councils.models import Role
from council.councils.services import role_grant
from council.rooms.models import Room
from tests.e2e.client import RoomClient
from tests.e2e.client import room_path
from tests.e2e.servers import BIN
from tests.e2e.servers import ROOT
from tests.e2e.servers import Server
from tests.e2e.servers import free_port
from tests.e2e.servers import server_env
from tests.e2e.servers import wait_until_serving
from tests.protocol import logged_violations
from tests.protocol import violations_text

SESSION_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@pytest.fixture
def daphne(transactional_db, tmp_path) -> Iterator[Callable[..., list[Server]]]:
    """`daphne(count, **env)` starts `count` Daphne processes at once and waits until they serve.

    They are stopped before the test database is flushed. A traceback in a server's
    log fails the test: bad input and crashes of other processes must never raise. So
    does a frame a server sent that docs/asyncapi.yaml does not describe (its FRAME_LOG).
    """
    started: list[Server] = []

    def start(count: int = 1, **env: str) -> list[Server]:
        servers = []
        for _ in range(count):
            port = free_port()
            log_path = tmp_path / f"daphne-{port}.log"
            frame_log = tmp_path / f"frames-{port}.jsonl"
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "asgi:application"],
                    cwd=ROOT,
                    env=server_env(
                        CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}", FRAME_LOG=str(frame_log), **env
                    ),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            servers.append(Server(port=port, process=process, log_path=log_path, frame_log=frame_log))
        started.extend(servers)
        for server in servers:
            wait_until_serving(server)
        return servers

    yield start
    for server in started:
        server.stop()
    for server in started:
        assert "Traceback" not in server.log(), (
            f"Daphne on port {server.port} raised:\n{server.log()}"
        )
    violations = [v for server in started for v in logged_violations(server.frame_log)]
    if violations:
        pytest.fail(violations_text(violations), pytrace=False)


@dataclass
class Person:
    user_id: int
    name: str
    cookie: str


@dataclass
class Meeting:
    """A council with one room and people holding roles there, committed for the servers."""

    council_id: int
    room_id: int
    people: dict[str, Person] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Person:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


def random_id() -> int:
    return 10**9 + secrets.randbelow(10**9)


def session_cookie(user: User) -> str:
    """Log `user` in as the log-in form would, and return the Cookie header value."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = SESSION_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def make_person(council: Council, key: str, name: str, role: Role) -> Person:
    email = f"{key}-{secrets.token_hex(4)}@example.org"
    user = User.objects.create_user(email, None, id=random_id(), display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    role_grant(actor=None, council=council, user=user, role=role)
    return Person(user_id=user.pk, name=name, cookie=session_cookie(user))


@pytest.fixture
def meeting(transactional_db) -> Meeting:
    """Room "Séance du 3 décembre" with a facilitator, members Alice and Bob, a resident."""
    council = Council.objects.create(
        id=random_id(), slug=f"nord-{secrets.token_hex(4)}", name="Conseil de quartier Nord"
    )
    room = Room.objects.create(id=random_id(), council=council, name="Séance du 3 décembre")
    result = Meeting(council_id=council.pk, room_id=room.pk)
    for key, name, role in (
        ("facilitator", "Fatou Facilitatrice", Role.FACILITATOR),
        ("alice", "Alice Martin", Role.MEMBER),
        ("bob", "Bob Lefèvre", Role.MEMBER),
        ("resident", "Hugo Habitant", Role.RESIDENT),
    ):
        result.people[key] = make_person(council, key, name, role)
    return result


@pytest.fixture
async def room_client(meeting) -> AsyncIterator[Callable[..., Awaitable[RoomClient]]]:
    """`await room_client(server, person, since=None)` opens a room socket; all are closed after."""
    opened: list[RoomClient] = []

    async def open_client(
        server: Server, person: Person, *, since: int | None = None, origin: str | None = None
    ) -> RoomClient:
        client = await RoomClient.open(
            server.ws_url(room_path(meeting.room_id, since=since)),
            cookie=person.cookie,
            origin=origin or server.origin,
            name=person.name,
        )
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.close()
