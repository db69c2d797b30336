"""Fixtures shared by every test: factories, roles, captured broadcasts, a fresh channel layer."""

from collections.abc import Callable
from typing import Any

import pytest
from channels.layers import channel_layers
from django.utils import translation
from pytest_factoryboy import register

from council.core import consumers
from council.core import deadlines
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
def redis_server(tmp_path):
    """A redis-server of the test's own on a free port, to kill and start again (Redis faults)."""
    from tests.e2e.servers import RedisServer
    from tests.e2e.servers import free_port

    server = RedisServer(port=free_port(), log_path=tmp_path / "redis.log")
    server.start()
    yield server
    server.kill()
