"""The session a meeting shows, read in one query (every connect asks it).

The running one, else the newest draft, else the newest: the three candidates come
together, and the choice among them must stay the one the three reads made.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from council.workshops.models import WorkshopSession
from council.workshops.selectors import running_among
from council.workshops.selectors import session_current
from council.workshops.selectors import session_running

pytestmark = pytest.mark.django_db

Status = WorkshopSession.Status


def _session(room, title, status, **fields):
    return WorkshopSession.objects.create(room=room, title=title, status=status, **fields)


def _shown(room):
    current = session_current(plenary_id=room.pk)
    return None if current is None else current.title


def test_no_session_shows_none(room):
    assert session_current(plenary_id=room.pk) is None


def test_the_running_session_comes_before_a_newer_draft(room):
    _session(room, "Ancienne", Status.CLOSED)
    _session(room, "En cours", Status.OPEN)
    _session(room, "Brouillon", Status.DRAFT)
    assert _shown(room) == "En cours"


def test_a_countdown_run_out_gives_way_to_the_newest_draft(room):
    _session(room, "Brouillon ancien", Status.DRAFT)
    _session(room, "Brouillon récent", Status.DRAFT)
    _session(room, "Finie", Status.CLOSING, closes_at=timezone.now() - timedelta(seconds=1))
    assert _shown(room) == "Brouillon récent"
    assert running_among(session_current(plenary_id=room.pk)) is None
    assert session_running(plenary_id=room.pk) is None


def test_without_running_session_nor_draft_the_newest_is_shown(room, room_factory):
    _session(room, "Première", Status.CLOSED)
    _session(room, "Seconde", Status.CLOSED)
    _session(room_factory(council=room.council), "Autre réunion", Status.DRAFT)
    assert _shown(room) == "Seconde"


def test_a_countdown_run_out_with_no_draft_shows_that_session(room):
    _session(room, "Close", Status.CLOSED)
    _session(room, "Finie", Status.CLOSING, closes_at=timezone.now() - timedelta(seconds=1))
    assert _shown(room) == "Finie"
    assert running_among(session_current(plenary_id=room.pk)) is None


def test_running_among_is_session_running(room):
    _session(room, "Brouillon", Status.DRAFT)
    running = _session(room, "En cours", Status.CLOSING, closes_at=timezone.now() + timedelta(minutes=1))
    assert running_among(session_current(plenary_id=room.pk)) == running == session_running(plenary_id=room.pk)


def test_one_query(room, django_assert_num_queries):
    _session(room, "Close", Status.CLOSED)
    _session(room, "Brouillon", Status.DRAFT)
    with django_assert_num_queries(1):
        assert _shown(room) == "Brouillon"
