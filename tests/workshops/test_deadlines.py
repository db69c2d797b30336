"""Deadlines applied by the server: each warning, time-up and return once, whoever is connected."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db import transaction
from django.utils import timezone

from council.core import deadlines as core_deadlines
from council.workshops import deadlines
from council.workshops import services
from council.workshops.models import LogEntry
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(make_session, facilitator, members, settings):
    """An open session of 20 minutes with warnings at 5 minutes and 1 minute left."""
    settings.WORKSHOP_TIMER_WARNINGS = [300, 60]
    session = make_session(2, duration_seconds=20 * 60)
    first = Workshop.objects.filter(session=session).first()
    services.assignment_set(
        actor=facilitator, session_id=session.pk, user_id=members[0].pk, workshop_id=first.pk
    )
    services.session_open(actor=facilitator, session_id=session.pk)
    return WorkshopSession.objects.get(pk=session.pk)


def _clock(captured):
    """(group, type, payload) of the clock's events, in order."""
    return [
        (group, message["type"], message["payload"])
        for group, message in captured
        if message["type"] in ("workshops.timer_warning", "workshops.time_up")
    ]


def _statuses(captured):
    return [
        message["payload"]["status"]
        for _group, message in captured
        if message["type"] == "workshops.session_changed"
    ]


def _apply(at, callbacks):
    with callbacks(execute=True):
        return deadlines.deadlines_apply(now=at)


def test_each_warning_and_the_time_up_are_sent_once_at_their_moment(
    running, captured_events, django_capture_on_commit_callbacks
):
    ends_at = running.ends_at
    group = f"meeting.{running.room_id}"
    ends = ends_at.isoformat()

    done = [
        _apply(ends_at - timedelta(seconds=301), django_capture_on_commit_callbacks),
        _apply(ends_at - timedelta(seconds=300), django_capture_on_commit_callbacks),
        _apply(ends_at - timedelta(seconds=299), django_capture_on_commit_callbacks),
        _apply(ends_at - timedelta(seconds=60), django_capture_on_commit_callbacks),
        _apply(ends_at - timedelta(seconds=30), django_capture_on_commit_callbacks),
        _apply(ends_at, django_capture_on_commit_callbacks),
        _apply(ends_at + timedelta(seconds=5), django_capture_on_commit_callbacks),
    ]

    assert done == [0, 1, 0, 1, 0, 1, 0]
    assert _clock(captured_events) == [
        (group, "workshops.timer_warning", {"session_id": running.pk, "seconds_left": 300, "ends_at": ends}),
        (group, "workshops.timer_warning", {"session_id": running.pk, "seconds_left": 60, "ends_at": ends}),
        (group, "workshops.time_up", {"session_id": running.pk}),
    ]
    session = WorkshopSession.objects.get(pk=running.pk)
    assert (session.status, session.warned_seconds, session.time_up_sent_at) == ("open", 60, ends_at)


def test_a_late_sweep_sends_only_what_is_still_useful(
    running, captured_events, django_capture_on_commit_callbacks
):
    # Nothing ran for the last 10 minutes: the 5-minute warning is stale, the 1-minute one is due.
    assert _apply(running.ends_at - timedelta(seconds=50), django_capture_on_commit_callbacks) == 1
    # Nothing ran until after the end either: time up, and no warning any more.
    assert _apply(running.ends_at + timedelta(seconds=90), django_capture_on_commit_callbacks) == 1

    assert [(kind, payload.get("seconds_left")) for _g, kind, payload in _clock(captured_events)] == [
        ("workshops.timer_warning", 60),
        ("workshops.time_up", None),
    ]


def test_moving_the_end_resets_the_warnings_not_yet_due(
    running, facilitator, captured_events, django_capture_on_commit_callbacks
):
    _apply(running.ends_at - timedelta(seconds=59), django_capture_on_commit_callbacks)  # both given
    services.timer_set(actor=facilitator, session_id=running.pk, seconds_left=120)
    moved = WorkshopSession.objects.get(pk=running.pk)
    captured_events.clear()

    at_start = _apply(timezone.now(), django_capture_on_commit_callbacks)
    at_one_minute = _apply(moved.ends_at - timedelta(seconds=60), django_capture_on_commit_callbacks)
    at_end = _apply(moved.ends_at, django_capture_on_commit_callbacks)

    # 5 minutes left was already behind when 2 minutes were set: only the 1-minute warning comes.
    assert (at_start, at_one_minute, at_end) == (0, 1, 1)
    assert [(kind, payload.get("seconds_left")) for _g, kind, payload in _clock(captured_events)] == [
        ("workshops.timer_warning", 60),
        ("workshops.time_up", None),
    ]


def test_setting_the_timer_to_zero_makes_the_time_up_due_now(
    running, facilitator, captured_events, django_capture_on_commit_callbacks
):
    _apply(running.ends_at + timedelta(seconds=1), django_capture_on_commit_callbacks)  # time was up
    services.timer_set(actor=facilitator, session_id=running.pk, seconds_left=600)
    services.timer_set(actor=facilitator, session_id=running.pk, seconds_left=0)
    captured_events.clear()

    assert _apply(timezone.now(), django_capture_on_commit_callbacks) == 1
    assert _apply(timezone.now(), django_capture_on_commit_callbacks) == 0
    assert [kind for _g, kind, _p in _clock(captured_events)] == ["workshops.time_up"]


def test_an_overdue_countdown_closes_the_session_once_and_everyone_is_told(
    running, facilitator, captured_events, django_capture_on_commit_callbacks
):
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=60)
    closes_at = WorkshopSession.objects.get(pk=running.pk).closes_at
    captured_events.clear()

    early = _apply(closes_at - timedelta(seconds=1), django_capture_on_commit_callbacks)
    due = _apply(closes_at, django_capture_on_commit_callbacks)
    again = _apply(closes_at + timedelta(seconds=1), django_capture_on_commit_callbacks)

    session = WorkshopSession.objects.get(pk=running.pk)
    assert (early, due, again) == (0, 1, 0)
    assert (session.status, session.closed_at) == ("closed", closes_at)
    assert LogEntry.objects.filter(session=session, kind=LogEntry.Kind.CLOSED).count() == 1
    assert _statuses(captured_events) == ["closed"]
    assert _clock(captured_events) == []  # closed before its end: no time-up


@pytest.mark.django_db(transaction=True)
def test_a_session_locked_by_another_sweep_is_left_to_it(running, facilitator, captured_events):
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=60)
    closes_at = WorkshopSession.objects.get(pk=running.pk).closes_at
    locked, release = threading.Event(), threading.Event()

    def other_sweep():
        with transaction.atomic():
            WorkshopSession.objects.select_for_update().get(pk=running.pk)
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_sweep)
    thread.start()
    assert locked.wait(10)
    try:
        skipped = deadlines.deadlines_apply(now=closes_at)  # does not wait behind the lock
    finally:
        release.set()
        thread.join()
    applied = deadlines.deadlines_apply(now=closes_at)

    assert (skipped, applied) == (0, 1)
    assert WorkshopSession.objects.get(pk=running.pk).status == "closed"


def test_the_next_deadline_is_the_next_warning_then_the_end_then_the_return(
    running, facilitator, django_capture_on_commit_callbacks
):
    ends_at = running.ends_at

    first = deadlines.deadline_next()
    _apply(ends_at - timedelta(seconds=60), django_capture_on_commit_callbacks)
    then = deadlines.deadline_next()
    services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=30)
    closes_at = WorkshopSession.objects.get(pk=running.pk).closes_at
    last = deadlines.deadline_next()
    _apply(closes_at, django_capture_on_commit_callbacks)

    assert (first, then, last) == (ends_at - timedelta(seconds=300), ends_at, closes_at)
    assert deadlines.deadline_next() is None


def test_with_workers_each_coming_moment_gets_a_task_and_nothing_runs_in_the_server(
    running, facilitator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DEADLINE_SWEEP_IN_SERVER = False
    queued = []
    monkeypatch.setattr(
        "council.core.tasks.deadlines_apply_task.apply_async",
        lambda **options: queued.append((options["eta"], options["expires"])),
    )
    woken = []
    monkeypatch.setattr(core_deadlines, "sweep_wake", lambda: woken.append(True))

    with django_capture_on_commit_callbacks(execute=True):
        services.timer_set(actor=facilitator, session_id=running.pk, seconds_left=120)
    ends_at = WorkshopSession.objects.get(pk=running.pk).ends_at
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=30)
    closes_at = WorkshopSession.objects.get(pk=running.pk).closes_at

    minute = timedelta(minutes=1)
    assert queued == [
        (ends_at - timedelta(seconds=60), ends_at),  # the 1-minute warning (5 minutes is behind)
        (ends_at, ends_at + minute),
        (closes_at, closes_at + minute),
    ]
    assert woken == []


def test_with_workers_moments_beyond_half_the_visibility_timeout_are_left_to_the_sweep(
    running, facilitator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DEADLINE_SWEEP_IN_SERVER = False
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    queued = []
    monkeypatch.setattr(
        "council.core.tasks.deadlines_apply_task.apply_async",
        lambda **options: queued.append(options["eta"]),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.timer_set(actor=facilitator, session_id=running.pk, seconds_left=2 * 3600)
    ends_at = WorkshopSession.objects.get(pk=running.pk).ends_at

    # 2 h, and the warnings 5 and 1 minute before, are all beyond 30 minutes.
    assert queued == []
    assert deadlines.deadline_next() == ends_at - timedelta(seconds=300)  # the sweep still knows


def test_in_the_server_a_deadline_set_wakes_the_sweep_and_queues_no_task(
    running, facilitator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DEADLINE_SWEEP_IN_SERVER = True
    queued = []
    monkeypatch.setattr(
        "council.core.tasks.deadlines_apply_task.apply_async", lambda **o: queued.append(o)
    )
    woken = []
    monkeypatch.setattr(core_deadlines, "sweep_wake", lambda: woken.append(True))

    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(actor=facilitator, session_id=running.pk, grace_seconds=30)

    assert (woken, queued) == ([True], [])


@pytest.mark.parametrize(
    ("environment", "in_server"),
    [
        ({}, "True"),  # the embedded default: no Redis, eager tasks
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "False"),  # workers and `celery beat`
        ({"REDIS_URL": "redis://127.0.0.1:6379/0", "DEADLINE_SWEEP_IN_SERVER": "true"}, "True"),
    ],
)
def test_where_the_sweep_runs_by_default(environment, in_server):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "DEADLINE_SWEEP_IN_SERVER")
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEADLINE_SWEEP_IN_SERVER, s.CELERY_BEAT_SCHEDULE['deadlines']['task'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "council.settings.base", **environment},
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True,
    )  # fmt: skip

    assert result.stdout.split() == [in_server, "council.core.tasks.deadlines_apply"]
