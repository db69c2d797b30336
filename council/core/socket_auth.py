"""The session's user for a WebSocket, read in batches on the sockets' database threads.

Channels' AuthMiddleware reads each socket's session and then its user, two queries on
Channels' single sync thread: a crowd connecting at once (a meeting starting, a server
restarting and its sockets coming back) queued there one by one. Here the sockets that
connect together are authenticated together: one query for their sessions, one for their
users (council/core/batching.py), with the same checks as Channels' get_user (the backend
is one of the settings', the user may log in, the session's hash matches the user's).

The process keeps each logged-in session's user (council/core/process_cache.py) until the
session expires or the person logs out, or their account is saved or deleted, anywhere: a
page reloaded, or a socket coming back after a restart, is let in without a query.
"""

import copy
from typing import Any

from channels.auth import AuthMiddleware
from channels.auth import CookieMiddleware
from channels.auth import SessionMiddleware
from channels.auth import get_user
from channels.sessions import InstanceSessionWrapper
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.auth import load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from council.core import process_cache
from council.core.batching import Batcher
from council.core.threads import run_in_database_thread

DATABASE_SESSIONS = "django.contrib.sessions.backends.db"


def users_of_sessions(session_keys: list[str | None]) -> list[Any]:
    """The user each session key is logged in as (AnonymousUser if none), in two queries (database thread).

    Sessions and users the process keeps are not read again (none when nothing may be kept).
    """
    kept = process_cache.people if process_cache.enabled() and process_cache.people.catch_up() else None
    generation = None if kept is None else kept.generation
    logins: dict[str, tuple[Any, str, Any]] = {}  # session key -> (user, session hash, expiry)
    if kept is not None:
        for key in {key for key in session_keys if key}:
            found, login = kept.get(_session_key(key))
            if found and login[2] > timezone.now():
                logins[key] = login
    missing = {key for key in session_keys if key and key not in logins}
    if missing:
        logins.update(_read_logins(missing))
        if kept is not None and generation is not None:
            for key in missing & logins.keys():
                user = logins[key][0]
                kept.put(_session_key(key), logins[key], generation=generation, tags=(process_cache.person_tag(user.pk),))
    found_users: list[Any] = []
    for session_key in session_keys:
        login = logins.get(session_key) if session_key else None
        if login is None:
            found_users.append(AnonymousUser())
            continue
        user, session_hash, _expiry = login
        verified = session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())
        found_users.append(copy.copy(user) if verified else AnonymousUser())  # a socket's own copy
    return found_users


def _session_key(session_key: str) -> tuple[str, str]:
    return ("session", session_key)


def _read_logins(keys: set[str]) -> dict[str, tuple[Any, str, Any]]:
    """The active user, session hash and expiry of each of these sessions logged in (two queries)."""
    from django.contrib.sessions.models import Session

    stored = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
    store = SessionStore()
    sessions = {key: (store.decode(data), expiry) for key, data, expiry in stored.values_list("session_key", "session_data", "expire_date")}
    claimed = {}
    for key, (data, _expiry) in sessions.items():
        backend_path = data.get(BACKEND_SESSION_KEY)
        if SESSION_KEY in data and backend_path in settings.AUTHENTICATION_BACKENDS:
            if not isinstance(load_backend(backend_path), ModelBackend):
                raise NotImplementedError(backend_path)  # Batcher's caller falls back to one by one
            claimed[key] = get_user_model()._meta.pk.to_python(data[SESSION_KEY])
    users = get_user_model()._default_manager.in_bulk(set(claimed.values()))
    logins = {}
    for key, user_id in claimed.items():
        user = users.get(user_id)
        if user is not None and getattr(user, "is_active", True):
            data, expiry = sessions[key]
            logins[key] = (user, data.get(HASH_SESSION_KEY) or "", expiry)
    return logins


_sessions = Batcher(users_of_sessions, max_items=500)


class BatchedAuthMiddleware(AuthMiddleware):  # type: ignore[misc]  # channels ships no types
    """Channels' AuthMiddleware, authenticating the sockets that connect together in one batch."""

    async def resolve_scope(self, scope: dict[str, Any]) -> None:
        if settings.SESSION_ENGINE == DATABASE_SESSIONS:
            try:
                user = await _sessions.submit(scope["session"].session_key)
            except NotImplementedError:  # a backend of another kind: as Channels does
                user = await run_in_database_thread(get_user.func, scope)
        else:
            user = await run_in_database_thread(get_user.func, scope)
        scope["user"]._wrapped = user
        # The user itself from now on: every frame reads it (rate limit, language), and each
        # attribute read through the lazy object costs a failed lookup and a proxy call.
        scope["user"] = user


class SocketSessionMiddleware(SessionMiddleware):  # type: ignore[misc]  # channels ships no types
    """Channels' SessionMiddleware without its wrapper around every frame sent.

    The wrapper saves the session on `http.response.start` only, which a socket never sends,
    yet it read the lazy session twice for every frame (each vote's ack, each tally delivered).
    """

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        wrapper = InstanceSessionWrapper(scope, send)
        await wrapper.resolve_session()
        return await self.inner(wrapper.scope, receive, send)


def AuthMiddlewareStack(inner: Any) -> Any:  # noqa: N802 - named as Channels' own
    return CookieMiddleware(SocketSessionMiddleware(BatchedAuthMiddleware(inner)))
