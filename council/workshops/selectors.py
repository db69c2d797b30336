"""Reads for workshops: the session as sockets see it, where a person belongs, the log."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.utils import timezone

from council.accounts.models import User
from council.core.memo import recall
from council.core.memo import remember
from council.core.memo import remembered
from council.core.process_cache import room_view
from council.rooms.models import Presence
from council.rooms.models import Room
from council.workshops.models import Assignment
from council.workshops.models import LogEntry
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession

SESSION_CURRENT = room_view("session_current")  # kept across arrival waves (council/core/process_cache.py)


RUNNING = (WorkshopSession.Status.OPEN, WorkshopSession.Status.CLOSING)


def _fresh_presences(room_ids) -> QuerySet[Presence]:
    """Open sockets, not hidden listeners; rows of a crashed process go stale after the TTL."""
    cutoff = timezone.now() - timedelta(seconds=settings.ROOM_PRESENCE_TTL_SECONDS)
    return Presence.objects.filter(room_id__in=room_ids, seen_at__gte=cutoff, hidden=False)


def plenary_of(room: Room) -> int:
    return room.parent_id or room.pk


def session_running(*, plenary_id: int) -> WorkshopSession | None:
    """The plenary's open or closing session, if its countdown has not run out."""
    session = (
        WorkshopSession.objects.select_related("room__council")
        .filter(room_id=plenary_id, status__in=RUNNING)
        .first()
    )
    return session if session is not None and session.is_running else None


def session_current(*, plenary_id: int) -> WorkshopSession | None:
    """The session a meeting shows: the running one, else the newest draft, else the newest.

    One query for the three candidates (every connect asks it): the newest of each kind.
    """
    sessions = WorkshopSession.objects.filter(room_id=plenary_id)

    def newest(kind: QuerySet[WorkshopSession]) -> Subquery:
        return Subquery(kind.values("pk")[:1])

    candidates = list(
        sessions.select_related("room__council").filter(
            Q(pk=newest(sessions.filter(status__in=RUNNING)))
            | Q(pk=newest(sessions.filter(status=WorkshopSession.Status.DRAFT)))
            | Q(pk=newest(sessions))
        )
    )  # in the model's order, newest first, as each kind's newest was chosen
    running = next((session for session in candidates if session.status in RUNNING), None)
    if running is not None and running.is_running:
        return running
    drafts = [session for session in candidates if session.status == WorkshopSession.Status.DRAFT]
    return drafts[0] if drafts else next(iter(candidates), None)


def running_among(session: WorkshopSession | None) -> WorkshopSession | None:
    """session_running, from the session a meeting shows (session_shown): no second read."""
    return session if session is not None and session.status in RUNNING and session.is_running else None


def session_shown(*, plenary_id: int) -> WorkshopSession | None:
    """session_current, read once per unit of work (a wave of moves builds many snapshots)."""
    return recall((SESSION_CURRENT, plenary_id), lambda: session_current(plenary_id=plenary_id))


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": str(user.public_name)} if user else None


def session_payload(session: WorkshopSession) -> dict[str, Any]:
    """Everything about a session, sent to every socket of the meeting on every change.

    Consumers keep `assignments` and `people` for facilitators and give everyone else
    only their own workshop (council/workshops/consumers.py).
    """
    workshops = list(
        Workshop.objects.filter(session=session)
        .select_related("cofacilitator")
        .prefetch_related("groups")
        .annotate(size=Count("assignments"))
        .order_by("position", "pk")  # an aggregate drops the model's default ordering
    )
    assignments = list(
        Assignment.objects.filter(session=session).select_related("user").order_by("user_id")
    )
    return {
        "session_id": session.pk,
        "version": session.version,
        "room_id": session.room_id,
        "title": session.title,
        "status": session.effective_status(),
        "mode": session.mode,
        "seed": session.seed,
        "strata": session.strata,
        "round": session.round,
        "duration_seconds": session.duration_seconds,
        "grace_seconds": session.grace_seconds,
        "max_proposals": session.max_proposals,
        "opened_at": _iso(session.opened_at),
        "ends_at": _iso(session.ends_at),
        "closes_at": _iso(session.closes_at),
        "server_now": timezone.now().isoformat(),
        "listening_in_allowed": session.room.council.workshops_allow_listening_in,
        "workshops": [
            {
                "id": w.pk,
                "name": w.name,
                "topic": w.topic,
                "capacity": w.capacity,
                "room_id": w.room_id,
                "size": w.size,
                "cofacilitator": _person(w.cofacilitator),
                "groups": [{"id": g.pk, "name": g.name} for g in w.groups.all()],
            }
            for w in workshops
        ],
        "include_followers": session.include_followers,
        "assignments": [[a.user_id, a.workshop_id] for a in assignments],
        "people": [{"id": a.user_id, "name": str(a.user.public_name), "workshop_id": a.workshop_id} for a in assignments],
    }


def cofacilitated_workshop(payload: dict[str, Any], user_id: int) -> int | None:
    """The workshop of a session payload the person co-facilitates (None: none)."""
    return next((w["id"] for w in payload["workshops"] if (w["cofacilitator"] or {}).get("id") == user_id), None)


def place_in(payload: dict[str, Any], user_id: int) -> int | None:
    """The breakout room a person belongs in, from a session payload: their assigned
    workshop's, else the one they co-facilitate; None for the plenary.

    The one answer to "where does this person go": for a socket that connects (destination)
    and for every socket that follows a change of the session (council/workshops/socket.py).
    """
    workshop_id = next((w for u, w in payload["assignments"] if u == user_id), None) or cofacilitated_workshop(
        payload, user_id
    )
    return next((w["room_id"] for w in payload["workshops"] if w["id"] == workshop_id), None)


def session_payload_remembered(session: WorkshopSession, *, fresh: bool = False) -> dict[str, Any]:
    """session_payload, read once per unit of work (`fresh`: read again, after a write of this unit)."""
    if fresh:
        remember(("session_payload", session.pk), session_payload(session))
    return recall(("session_payload", session.pk), lambda: session_payload(session))


def destination(*, user: User, plenary_id: int) -> int | None:
    """The breakout room the person belongs in now in the plenary's running session, or None."""
    session = session_running(plenary_id=plenary_id)
    if session is None:
        return None
    return place_in(session_payload_remembered(session), user.pk)


def choosers(*, session: WorkshopSession) -> dict[str, list[int]]:
    """Whom the rule workshops.choose_workshop lets choose, asked for everyone present in the meeting.

    Sent with the session to every socket (`asked`, `may`): a socket shows its person the
    rule's answer rather than restating it; one whose person was not asked (arrived since)
    keeps what its snapshot asked.
    """
    asked, may = _present_asking(session, lambda person: person.has_perm("workshops.choose_workshop", session))
    return {"asked": asked, "may": may}


def _present_asking(session: WorkshopSession, rule: Callable[[User], bool]) -> tuple[list[int], list[int]]:
    """The ids of everyone present in the plenary or its workshops, and of those `rule(person)` lets.

    The rules' facts are read for everyone at once (roles, room facts, co-facilitation),
    not person by person.
    """
    from council.councils.selectors import roles_remember
    from council.rooms.permissions import room_facts_remember
    from council.workshops.permissions import cofacilitates

    room = session.room
    rooms = [room.pk, *Workshop.objects.filter(session=session).values_list("room_id", flat=True)]
    people = list(User.objects.filter(pk__in=_fresh_presences(rooms).values("user_id")).order_by("pk"))
    with remembered():
        roles_remember(council=room.council, user_ids=[person.pk for person in people])
        room_facts_remember(users=people, rooms=[room])
        cofacilitates.remember(people, [session.pk])
        return [person.pk for person in people], [person.pk for person in people if rule(person)]


def whereabouts(*, session: WorkshopSession) -> dict[int, list[dict[str, Any]]]:
    """Who is in which workshop right now (fresh presences), for the facilitator's overview."""
    rooms = dict(Workshop.objects.filter(session=session).values_list("room_id", "pk"))
    present: dict[int, list[dict[str, Any]]] = {pk: [] for pk in rooms.values()}
    rows = (
        _fresh_presences(rooms)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )
    seen = set()
    for row in rows:
        if (row.room_id, row.user_id) not in seen:
            seen.add((row.room_id, row.user_id))
            present[rooms[row.room_id]].append(_person(row.user))
    return present


def session_log(*, session: WorkshopSession) -> list[dict[str, Any]]:
    entries = LogEntry.objects.filter(session=session).select_related("user", "actor", "workshop")
    return [
        {
            "at": e.at.isoformat(),
            "kind": e.kind,
            "label": str(e.get_kind_display()),
            "workshop": e.workshop.name if e.workshop else "",
            "user": _person(e.user),
            "actor": _person(e.actor),
            "text": e.text,
        }
        for e in entries
    ]


def assignment_pool(*, session: WorkshopSession) -> list[int]:
    """Who a draw places: people present in the plenary or its workshops whom the rule
    takes_part_in_draws lets take part (not those who run the workshops; residents who
    follow only when the session says so)."""
    from council.workshops.permissions import takes_part_in_draws

    return _present_asking(session, lambda person: takes_part_in_draws.test(person, session))[1]


def memberships_of(*, session: WorkshopSession, user_ids: list[int]) -> dict[int, set[int]]:
    """{user id: ids of the session's workshop groups they are in} (static or rule-based)."""
    from council.groups.models import NeighbourhoodGroup
    from council.groups.selectors import group_members

    groups = NeighbourhoodGroup.objects.filter(workshops__session=session).distinct()
    found: dict[int, set[int]] = {uid: set() for uid in user_ids}
    for group in groups:
        for uid in group_members(group).filter(pk__in=user_ids).values_list("pk", flat=True):
            found[uid].add(group.pk)
    return found


def strata_of(*, session: WorkshopSession, user_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each person's values of the session's lottery strata ("zone" or a profile attribute key).

    A missing answer is its own stratum (""), so people who did not answer are spread too.
    """
    from council.groups.models import ProfileValue
    from council.groups.models import ResidentProfile

    council = session.room.council
    keys = list(session.strata)
    values: dict[int, dict[str, str]] = {uid: {} for uid in user_ids}
    profiles = ResidentProfile.objects.filter(council=council, user_id__in=user_ids).select_related("zone")
    for profile in profiles:
        values[profile.user_id]["zone"] = profile.zone.name if profile.zone else ""
    answers = ProfileValue.objects.filter(
        profile__council=council, profile__user_id__in=user_ids, attribute__key__in=keys
    ).values_list("profile__user_id", "attribute__key", "value")
    for uid, key, value in answers:
        values[uid][key] = value
    return {uid: tuple(values[uid].get(key, "") for key in keys) for uid in user_ids}
