"""One trusted-proxy rule for every protocol: the client address is read from X-Forwarded-For
right to left, over TRUSTED_PROXY_COUNT hops, so a forged leftmost entry changes nothing."""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from council.accounts.models import User
from council.core.proxy import TrustedProxyMiddleware

PASSWORD = "un-mot-de-passe-solide-42"
PROXY = ("10.0.0.5", 41000)  # the TCP peer Daphne sees: the reverse proxy


async def _scope_seen(scope_type: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def inner(scope, receive, send):
        seen.update(scope)

    scheme = "ws" if scope_type == "websocket" else "http"
    scope = {"type": scope_type, "path": "/", "headers": headers, "client": PROXY, "scheme": scheme}
    await TrustedProxyMiddleware(inner)(scope, None, None)
    return seen


@pytest.mark.parametrize("scope_type", ["http", "websocket"])
@override_settings(TRUSTED_PROXY_COUNT=1)
async def test_the_address_one_hop_from_the_right_is_the_client(scope_type):
    seen = await _scope_seen(scope_type, [(b"x-forwarded-for", b"6.6.6.6, 1.2.3.4")])

    assert seen["client"] == ("1.2.3.4", 0)


@pytest.mark.parametrize("scope_type", ["http", "websocket"])
@override_settings(TRUSTED_PROXY_COUNT=2)
async def test_two_proxies_count_two_hops_and_headers_repeated_are_joined(scope_type):
    headers = [(b"x-forwarded-for", b"6.6.6.6, 1.2.3.4"), (b"x-forwarded-for", b"10.0.0.9")]

    seen = await _scope_seen(scope_type, headers)

    assert seen["client"] == ("1.2.3.4", 0)


@pytest.mark.parametrize("scope_type", ["http", "websocket"])
@override_settings(TRUSTED_PROXY_COUNT=0)
async def test_without_a_proxy_the_header_is_ignored(scope_type):
    seen = await _scope_seen(scope_type, [(b"x-forwarded-for", b"1.2.3.4"), (b"x-forwarded-proto", b"https")])

    assert seen["client"] == PROXY
    assert seen["scheme"] == ("ws" if scope_type == "websocket" else "http")


@pytest.mark.parametrize(
    ("header", "client"),
    [(b"", PROXY), (b"not-an-address", PROXY), (b"1.2.3.4, 5.6.7.8", ("5.6.7.8", 0)), (b"[2001:db8::1]:443", ("2001:db8::1", 0))],
    ids=["empty", "garbage", "plain", "ipv6-with-port"],
)
@override_settings(TRUSTED_PROXY_COUNT=1)
async def test_a_header_that_names_no_address_leaves_the_peer(header, client):
    seen = await _scope_seen("http", [(b"x-forwarded-for", header)])

    assert seen["client"] == client


@override_settings(TRUSTED_PROXY_COUNT=2)
async def test_fewer_hops_than_proxies_leaves_the_peer():
    """As werkzeug's ProxyFix does: a header too short was not written by all our proxies."""
    seen = await _scope_seen("http", [(b"x-forwarded-for", b"1.2.3.4")])

    assert seen["client"] == PROXY


@pytest.mark.parametrize(("scope_type", "scheme"), [("http", "https"), ("websocket", "wss")])
@pytest.mark.parametrize("count", [1, 2])
async def test_the_proxy_tells_the_scheme(scope_type, scheme, count):
    """The edge proxy overwrites X-Forwarded-Proto, the ones behind it pass it on: one value."""
    with override_settings(TRUSTED_PROXY_COUNT=count):
        seen = await _scope_seen(scope_type, [(b"x-forwarded-proto", b"https")])

    assert seen["scheme"] == scheme


def test_the_application_is_wrapped_whole():
    import asgi

    assert isinstance(asgi.application, TrustedProxyMiddleware)


# The log-in limit, through the whole ASGI application as Daphne runs it.


async def _request(method: str, path: str, *, forwarded_for: str, cookies: str = "", body: bytes = b""):
    import asgi

    headers = [(b"host", b"127.0.0.1"), (b"accept-language", b"en"), (b"x-forwarded-for", forwarded_for.encode())]
    if cookies:
        headers.append((b"cookie", cookies.encode()))
    if body:
        headers.append((b"content-type", b"application/x-www-form-urlencoded"))
    communicator = HttpCommunicator(asgi.application, method, path, body=body, headers=headers)
    communicator.scope["client"] = PROXY
    response = await communicator.get_response(timeout=10)
    await communicator.wait(timeout=10)  # Django closes the request's connection after the response
    return response


async def _log_in(email: str, password: str, *, forwarded_for: str) -> str:
    """Log in through the login page; return "in", "refused" or "throttled"."""
    login = reverse("account_login")
    page = await _request("GET", login, forwarded_for=forwarded_for)
    cookie = next(v.decode() for k, v in page["headers"] if k == b"Set-Cookie" and v.startswith(b"csrftoken="))
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    body = f"login={email}&password={password}&csrfmiddlewaretoken={token}".replace("@", "%40").encode()
    response = await _request("POST", login, forwarded_for=forwarded_for, cookies=f"csrftoken={token}", body=body)
    if response["status"] == 302:
        return "in"
    assert response["status"] == 200
    return "throttled" if b"Too many failed login attempts" in response["body"] else "refused"


@pytest.fixture
async def people():
    def create():
        cache.clear()
        people = []
        for i in range(12):
            user = User.objects.create_user(f"p{i}@example.org", PASSWORD, display_name=f"P{i}")
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            people.append(user)
        return people

    yield await sync_to_async(create)()
    cache.clear()


@pytest.mark.django_db(transaction=True)
@override_settings(TRUSTED_PROXY_COUNT=1)
async def test_a_forged_leftmost_address_does_not_reset_the_log_in_limit(people):
    for i in range(10):  # the per-address limit is 10 failures a minute
        assert await _log_in(people[i].email, "wrong", forwarded_for=f"6.6.6.{i}, 1.2.3.4") == "refused"

    blocked = await _log_in(people[10].email, PASSWORD, forwarded_for="7.7.7.7, 1.2.3.4")
    someone_else = await _log_in(people[11].email, PASSWORD, forwarded_for="6.6.6.6, 5.6.7.8")

    assert (blocked, someone_else) == ("throttled", "in")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("count", "status"), [(0, 301), (1, 200)], ids=["forged-without-proxy", "from-our-proxy"])
async def test_https_is_believed_only_from_a_configured_proxy(count, status):
    from django.core.handlers.asgi import ASGIHandler

    with override_settings(TRUSTED_PROXY_COUNT=count, SECURE_SSL_REDIRECT=True):
        # A handler of its own: SecurityMiddleware reads SECURE_SSL_REDIRECT when it is built.
        application = TrustedProxyMiddleware(ASGIHandler())
        headers = [(b"host", b"127.0.0.1"), (b"x-forwarded-proto", b"https")]
        communicator = HttpCommunicator(application, "GET", reverse("account_login"), headers=headers)
        communicator.scope["client"] = PROXY
        response = await communicator.get_response(timeout=10)
        await communicator.wait(timeout=10)

    assert response["status"] == status


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_COUNT=1)
def test_allauth_s_own_proxy_count_is_refused_by_the_system_checks():
    from django.core import checks

    errors = [message for message in checks.run_checks() if message.id == "core.E001"]

    assert [error.msg for error in errors] == [
        "ALLAUTH_TRUSTED_PROXY_COUNT is set: allauth would read X-Forwarded-For by a rule of its own."
    ]
