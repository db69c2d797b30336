"""Who the client is, behind our own reverse proxies: one rule for HTTP and WebSockets.

Daphne's `--proxy-headers` takes the *leftmost* X-Forwarded-For entry, which the client
writes itself (daphne/utils.py `parse_x_forwarded_for`), so the log-in limit, logs and
anything reading the address could be dodged by sending a new forged entry each time.
Each proxy *appends* the address it saw, so only the entries our own proxies wrote can
be trusted: with TRUSTED_PROXY_COUNT proxies in front of Daphne, the client is the entry
that many hops from the right (werkzeug's ProxyFix reads it the same way); the scheme is
X-Forwarded-Proto as the proxy facing the Internet wrote it. Daphne runs
without `--proxy-headers`; Django's REMOTE_ADDR, allauth's rate limits (which read
REMOTE_ADDR while ALLAUTH_TRUSTED_PROXY_COUNT is 0) and consumers then see scope["client"]
as set here.
"""

import ipaddress
from typing import Any

from django.conf import settings
from django.core import checks
from django.http.request import split_domain_port

ASGIApp = Any

_SECURE = {"http": "https", "websocket": "wss"}
_PLAIN = {"http": "http", "websocket": "ws"}


def _header(scope: dict[str, Any], name: bytes) -> list[str]:
    """Every comma-separated entry of the header `name`, in order, over repeated headers."""
    entries: list[str] = []
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            entries.extend(part.strip() for part in value.decode("latin-1").split(","))
    return entries


def _trusted_entry(entries: list[str], count: int) -> str | None:
    """The entry `count` hops from the right, or None if our proxies did not write that many."""
    if len(entries) < count:
        return None
    return entries[-count]


def _address(entry: str) -> str | None:
    """The IP address in `entry` ("1.2.3.4", "1.2.3.4:80", "[2001:db8::1]:443"), or None."""
    host = entry
    if host.count(":") <= 1 or host.startswith("["):  # IPv4 with port, or bracketed IPv6
        host, _port = split_domain_port(entry)
        host = host.removeprefix("[").removesuffix("]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def client_scope(scope: dict[str, Any], count: int) -> dict[str, Any]:
    """A copy of `scope` with the client address and scheme our proxies reported."""
    if count <= 0 or scope["type"] not in _SECURE:
        return scope
    scope = dict(scope)
    forwarded = _trusted_entry(_header(scope, b"x-forwarded-for"), count)
    address = _address(forwarded) if forwarded else None
    if address is not None:
        scope["client"] = (address, 0)
    # The proxy facing the Internet overwrites X-Forwarded-Proto and the others pass it on
    # (nginx `proxy_set_header X-Forwarded-Proto $scheme;` on the edge only), so it holds one
    # value, ours, whatever the client sent.
    protos = _header(scope, b"x-forwarded-proto")
    proto = protos[-1] if protos else None
    if proto is not None and proto.lower() in ("http", "https"):
        kinds = _SECURE if proto.lower() == "https" else _PLAIN
        scope["scheme"] = kinds[scope["type"]]
    return scope


class TrustedProxyMiddleware:
    """Set scope["client"] and scope["scheme"] from the headers our TRUSTED_PROXY_COUNT proxies wrote.

    With no proxy configured (0, the default) the headers are ignored: the client is the
    TCP peer. The count is read on each connection, so tests can change it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        return await self.app(client_scope(scope, settings.TRUSTED_PROXY_COUNT), receive, send)


def check_one_proxy_rule(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse allauth's own proxy count: it reads X-Forwarded-For itself, beside ours."""
    if getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0):
        return [
            checks.Error(
                "ALLAUTH_TRUSTED_PROXY_COUNT is set: allauth would read X-Forwarded-For by a rule of its own.",
                hint="Remove it and set TRUSTED_PROXY_COUNT: allauth then reads REMOTE_ADDR, set by "
                "council.core.proxy for every request.",
                id="core.E001",
            )
        ]
    return []
