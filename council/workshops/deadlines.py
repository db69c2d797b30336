"""Deadlines of a meeting, applied by the server whoever is connected.

A workshop session stores its deadlines (`ends_at`, `closes_at`) and what was already done
about them (`warned_seconds`, `time_up_sent_at`, `status`); so does the agenda item under way
(`ends_at`, `time_up_sent_at`). `deadlines_apply` does what is
due, once, and announces it; `deadline_next` says when. Both are registered with the
server's sweep (council/core/deadlines.py: Celery beat where workers run, a loop inside the
Daphne process where tasks run eagerly), and a task scheduled for the deadline is the fast
path. Browsers only display countdowns.
"""

from datetime import datetime
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from council.core.deadlines import deadline_schedule
from council.core.realtime import send_event_on_commit
from council.rooms.events import meeting_group
from council.workshops import events
from council.workshops.models import AgendaItem
from council.workshops.models import WorkshopSession

Status = WorkshopSession.Status


def _marks() -> list[int]:
    return settings.WORKSHOP_TIMER_WARNINGS


def deadlines_reset(session: WorkshopSession, *, now: datetime) -> None:
    """Start afresh for a new `ends_at`: warnings already behind it are not given (the caller saves).

    Schedules the new moments after commit.
    """
    left = (session.ends_at - now).total_seconds()
    session.warned_seconds = min((s for s in _marks() if s >= left), default=None)
    session.time_up_sent_at = None
    coming = [session.ends_at - timedelta(seconds=s) for s in _marks() if s < left]
    deadline_schedule(*coming, session.ends_at)


def deadlines_apply(now: datetime | None = None) -> int:
    """Apply every deadline due at `now`, each once; return how many things were done.

    Each session is handled in its own short transaction, locked with SKIP LOCKED: two
    sweeps at once (two workers, two Daphne processes) never both act on one session, and
    none waits behind a facilitator's command; what one skips, the next sweep finds.
    """
    now = now or timezone.now()
    ahead = timedelta(seconds=max(_marks(), default=0))
    due = WorkshopSession.objects.filter(
        Q(status=Status.OPEN, time_up_sent_at__isnull=True, ends_at__lte=now + ahead)
        | Q(status=Status.CLOSING, closes_at__lte=now)
    ).values_list("pk", flat=True)
    done = sum(_apply_one(session_id, now) for session_id in list(due))
    items = _agenda_running().filter(ends_at__lte=now).values_list("pk", flat=True)
    return done + sum(_agenda_time_up(item_id, now) for item_id in list(items))


def _agenda_running():
    """Agenda items under way whose time-up is still to be announced."""
    return AgendaItem.objects.filter(
        started_at__isnull=False, ended_at__isnull=True, ends_at__isnull=False, time_up_sent_at__isnull=True
    )


@transaction.atomic
def _agenda_time_up(item_id: int, now: datetime) -> int:
    """Announce once to the meeting that the item's planned time is up (the mark is saved first)."""
    item = _agenda_running().select_for_update(skip_locked=True).filter(pk=item_id, ends_at__lte=now).first()
    if item is None:
        return 0  # ended, moved, already announced, or held by another sweep
    item.time_up_sent_at = now
    item.save(update_fields=["time_up_sent_at"])
    payload = {"item_id": item.pk, "title": item.title, "planned_minutes": item.planned_minutes}
    send_event_on_commit(meeting_group(item.room_id), events.AGENDA_TIME_UP, payload)
    return 1


@transaction.atomic
def _apply_one(session_id: int, now: datetime) -> int:
    session = WorkshopSession.objects.select_for_update(skip_locked=True).filter(pk=session_id).first()
    if session is None:
        return 0  # another sweep holds it (or it was deleted)
    if session.status == Status.CLOSING:
        return _close_due(session, now)
    if session.status != Status.OPEN or session.ends_at is None or session.time_up_sent_at is not None:
        return 0
    group = meeting_group(session.room_id)
    if session.ends_at <= now:
        session.time_up_sent_at = now
        session.save(update_fields=["time_up_sent_at"])
        send_event_on_commit(group, events.TIME_UP, {"session_id": session.pk})
        return 1
    left = (session.ends_at - now).total_seconds()
    # A late sweep gives only the nearest of the warnings it missed.
    due = [s for s in _marks() if s >= left and (session.warned_seconds is None or s < session.warned_seconds)]
    if not due:
        return 0
    session.warned_seconds = min(due)
    session.save(update_fields=["warned_seconds"])
    payload = {"session_id": session.pk, "seconds_left": session.warned_seconds, "ends_at": session.ends_at.isoformat()}
    send_event_on_commit(group, events.TIMER_WARNING, payload)
    return 1


def _close_due(session: WorkshopSession, now: datetime) -> int:
    """The countdown ran out: closed, and every socket follows the session back to the plenary."""
    from council.workshops.services import _finish  # services schedule deadlines: imported here
    from council.workshops.services import announce

    if session.closes_at is None or session.closes_at > now:
        return 0
    _finish(session)
    announce(session)
    return 1


def deadline_next() -> datetime | None:
    """The next moment something falls due (in the past if a sweep skipped it), or None."""
    moments = list(
        WorkshopSession.objects.filter(status=Status.CLOSING, closes_at__isnull=False).values_list(
            "closes_at", flat=True
        )
    )
    running = WorkshopSession.objects.filter(
        status=Status.OPEN, ends_at__isnull=False, time_up_sent_at__isnull=True
    ).values_list("ends_at", "warned_seconds")
    for ends_at, warned in running:
        marks = [s for s in _marks() if warned is None or s < warned]
        moments += [ends_at - timedelta(seconds=s) for s in marks] + [ends_at]
    moments += list(_agenda_running().values_list("ends_at", flat=True))
    return min(moments, default=None)
