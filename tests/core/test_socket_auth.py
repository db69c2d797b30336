"""Sockets connecting together are authenticated together, with Channels' checks."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from council.core.socket_auth import users_of_sessions

pytestmark = pytest.mark.django_db

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _session(user, *, backend=BACKEND, expires_in=3600, auth_hash=None) -> str:
    store = SessionStore()
    store.update({
        "_auth_user_id": str(user.pk),
        "_auth_user_backend": backend,
        "_auth_user_hash": auth_hash if auth_hash is not None else user.get_session_auth_hash(),
    })
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=expires_in)
    )
    return store.session_key


def test_each_socket_gets_its_own_user_in_two_queries(user_factory, django_assert_num_queries):
    alice, bruno = user_factory(), user_factory()
    keys = [_session(alice), None, _session(bruno), "no-such-session"]

    with django_assert_num_queries(2):  # the sessions, the users
        users = users_of_sessions(keys)

    assert [getattr(user, "pk", None) for user in users] == [alice.pk, None, bruno.pk, None]
    assert users[1].is_anonymous
    assert users[3].is_anonymous


def test_sessions_that_no_longer_hold_are_anonymous(user_factory):
    expired, changed, inactive, foreign = user_factory(), user_factory(), user_factory(is_active=False), user_factory()
    keys = [
        _session(expired, expires_in=-1),
        _session(changed, auth_hash="the hash before the password changed"),
        _session(inactive),
        _session(foreign, backend="some.other.Backend"),
    ]

    assert all(user.is_anonymous for user in users_of_sessions(keys))
