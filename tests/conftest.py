"""Fixtures shared by every test: factories, roles, captured broadcasts, a fresh channel layer."""

import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from channels.layers import channel_layers
from django.utils import translation
from pytest_factoryboy import register

from council.core import consumers
from council.core import deadlines
from council.core import process_cache
from council.councils.models import Council
from council.councils.models import Role
from council.councils.services import role_grant
from council.rooms import presence
from tests.factories import CouncilFactory
from tests.factories import MessageFactory
from tests.factories import RoomFactory
from tests.factories import UserFactory
from tests.mfa_helpers import totp_give_if_required
from tests.protocol import violations_text
from tests.protocol import watch_frames

pytest_plugins = ["tests.identity.provider"]  # the FranceConnect-like provider, shared

register(UserFactory)
register(CouncilFactory)
register(RoomFactory)
register(MessageFactory)

OUTSIDER = "outsider"


#: Redis databases each pytest-xdist worker takes, from TEST_REDIS_URL's own: the suite's (that
#: URL), the browser tests', the media worker tests' and the end-to-end pair (channels, broker).
REDIS_DBS_PER_WORKER = 5


def _redis_databases_of_this_worker() -> None:
    """Under pytest-xdist, give this worker Redis databases of its own.

    Worker N takes the REDIS_DBS_PER_WORKER databases after TEST_REDIS_URL's own plus
    N x REDIS_DBS_PER_WORKER (0-4 and 5-9 for two workers from /0; a fresh Redis has 16,
    so at most three workers from /0), so two workers never
    flush, count or queue in each other's databases. Called when this conftest is imported:
    before any lower conftest or test module reads the environment.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    base_url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    match = re.search(r"/(\d*)$", base_url)
    base = int(match.group(1) or 0) if match else 0
    first = base + int(worker[2:]) * REDIS_DBS_PER_WORKER
    os.environ["TEST_REDIS_URL"] = (base_url[: match.start()] if match else base_url.rstrip("/")) + f"/{first}"
    os.environ["TEST_BROWSER_REDIS_DB"] = str(first + 1)
    os.environ["TEST_MEDIA_REDIS_DB"] = str(first + 2)
    os.environ["TEST_E2E_REDIS_DBS"] = f"{first + 3},{first + 4}"


_redis_databases_of_this_worker()


@pytest.fixture
def user_with_role(db) -> Callable[..., Any]:
    """Return a maker: `user_with_role(role, council)` gives a new person holding `role` there.

    `role` is a Role, its value ("member"), or "outsider"/None for no role at all.
    """

    def make(role: Role | str | None, council: Council, **fields: Any) -> Any:
        user = UserFactory(**fields)
        if role not in (None, OUTSIDER):
            role_grant(actor=None, council=council, user=user, role=Role(role))
            totp_give_if_required(user)
        return user

    return make


@pytest.fixture
def captured_events(monkeypatch) -> list[tuple[str, dict[str, Any]]]:
    """Record (group, message) pairs instead of sending them (cf. Zulip capture_send_event_calls)."""
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        "council.core.realtime._broadcast", lambda group, message: sent.append((group, message))
    )
    return sent


@pytest.fixture(autouse=True)
def _fresh_realtime_state():
    """Give each test its own in-memory channel layer, no presence state and no deadline sweep from earlier tests."""
    channel_layers.backends.clear()
    process_cache.drop_everything()  # what an earlier test's connects kept
    yield
    channel_layers.backends.clear()
    presence._pending.clear()
    consumers._sockets_per_person.clear()  # a test that never closed its sockets
    presence._last_count.clear()
    presence._local_channels.clear()
    presence._local_counts.clear()
    presence._heartbeat = None
    if deadlines._sweep is not None and not deadlines._sweep.loop.is_closed():
        deadlines._sweep.task.cancel()  # the sweep of this test's event loop
    deadlines._sweep = None


@pytest.fixture(autouse=True)
def _frames_follow_asyncapi(request, monkeypatch):
    """Check every frame a consumer sends against docs/asyncapi.yaml (tests/protocol.py).

    A frame that does not validate fails the test that sent it (pytest_runtest_call below),
    or its teardown when a closing socket sent it.
    """
    violations = watch_frames(monkeypatch)
    request.node.frame_violations = violations
    yield
    reported = getattr(request.node, "frame_violations_reported", 0)
    if len(violations) > reported:
        pytest.fail(violations_text(violations[reported:]), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    violations = getattr(item, "frame_violations", [])
    item.frame_violations_reported = len(violations)
    if violations:
        pytest.fail(violations_text(violations), pytrace=False)
    return result


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services called directly speak English in tests; pages still follow the request's language."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session", autouse=True)
def _close_socket_threads_connections(django_db_setup, django_db_blocker):
    """Close the connections consumers opened in asgiref's database thread, so the test
    database can be dropped at the end of the run."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    with django_db_blocker.unblock():
        SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)



@pytest.fixture
def redis_layer(settings):
    """A Redis channel layer on TEST_REDIS_URL's database, emptied before and after: for what is
    sent from a timer's thread (coalesced counts and results), which the in-memory layer cannot hear."""
    import redis
    from channels.layers import channel_layers

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url)
    client.flushdb()
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
    client.flushdb()

@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own on a free port, to kill and start again (Redis faults)."""
    from tests.e2e.servers import RedisServer
    from tests.e2e.servers import free_port

    server = RedisServer(port=free_port(), log_path=tmp_path / "redis.log")
    server.start()
    yield server
    server.kill()
