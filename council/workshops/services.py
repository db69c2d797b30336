"""Writes for workshops. Each checks one named permission, persists, then broadcasts.

Every change to a session is announced as one `workshops.session_changed` carrying the
whole session (selectors.session_payload): sockets apply it whole, so a lost event is
mended by the next one or by the snapshot on reconnect.
"""

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.realtime import send_event_on_commit
from council.core.realtime import send_state_on_commit
from council.councils.events import user_group
from council.rooms import services as room_services
from council.rooms.events import facilitators_group
from council.rooms.events import meeting_group
from council.rooms.models import Room
from council.rooms.permissions import access_room
from council.rooms.selectors import room_already_read
from council.workshops import assignment as draw
from council.workshops import deadlines
from council.workshops import events
from council.workshops.models import Assignment
from council.workshops.models import HelpRequest
from council.workshops.models import LogEntry
from council.workshops.models import Notes
from council.workshops.models import Report
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from council.workshops.permissions import access_session
from council.workshops.permissions import access_workshop
from council.workshops.permissions import assigned_workshop_id
from council.workshops.permissions import takes_part_in_draws
from council.workshops.permissions import workshops_of_rooms_remember
from council.workshops.selectors import assignment_pool
from council.workshops.selectors import choosers
from council.workshops.selectors import memberships_of
from council.workshops.selectors import session_payload
from council.workshops.selectors import strata_of

Mode = WorkshopSession.Mode
Status = WorkshopSession.Status
MAX_WORKSHOPS = 50


def announce(session: WorkshopSession) -> None:
    """Tell every socket of the meeting the session as it is once this transaction commits.

    Bumps the session's version in this transaction: the row stays locked until commit, so
    versions follow the order of commits, and a socket drops a state older than the one it
    holds (two facilitators moving the same person: the later commit's state may be built
    first and sent first).
    """
    session_id = session.pk
    WorkshopSession.objects.filter(pk=session_id).update(version=F("version") + 1)
    session.refresh_from_db(fields=["version"])  # a later save() of this instance keeps it

    def build() -> dict[str, Any]:
        session = WorkshopSession.objects.select_related("room__council").get(pk=session_id)
        return {**session_payload(session), "choosers": choosers(session=session)}

    send_state_on_commit(meeting_group(session.room_id), events.SESSION_CHANGED, build)


def _log(
    session: WorkshopSession,
    kind: str,
    *,
    actor: User | None = None,
    user: User | None = None,
    workshop: Workshop | None = None,
    text: str = "",
) -> None:
    LogEntry.objects.create(session=session, kind=kind, actor=actor, user=user, workshop=workshop, text=text)


# Types and bounds of what a client sends are the command schemas' (council/workshops/commands.py):
# services take typed values and keep the domain's checks (not blank, how many, who may).


def _required(text: str, *, field: str) -> str:
    """`text` without surrounding blanks; something must be left."""
    text = text.strip()
    if not text:
        raise InvalidInput(_("%(field)s is required.") % {"field": field})
    return text


def _workshop_create(session: WorkshopSession, position: int, spec: Mapping[str, Any]) -> Workshop:
    """A workshop from the fields of a WorkshopSpec (name; topic and capacity if given)."""
    name = _required(spec["name"], field=_("The workshop's name"))
    room = Room.objects.create(council=session.room.council, name=name, parent=session.room)
    return Workshop.objects.create(
        session=session,
        position=position,
        name=name,
        topic=spec.get("topic", "").strip(),
        capacity=spec.get("capacity") or None,  # 0 means no limit, as None does
        room=room,
    )


def _settings(session: WorkshopSession, options: Mapping[str, Any]) -> None:
    """Apply the SessionSettings fields given (title, mode, durations, strata, followers)."""
    if "title" in options:
        session.title = _required(options["title"], field=_("The title"))
    for field in ("mode", "duration_seconds", "grace_seconds", "max_proposals", "strata", "include_followers"):
        if field in options:
            setattr(session, field, options[field])


@transaction.atomic
def session_create(
    *, actor: User, room_id: int, title: str, workshops: Sequence[Mapping[str, Any]], **options: Any
) -> WorkshopSession:
    """Prepare a session of breakout workshops for a plenary room (each gets its breakout room)."""
    room = access_room(actor, room_id, perm="rooms.view_room")
    if room.parent_id is not None:
        raise InvalidInput(_("Workshops are prepared from the plenary room."))
    if not actor.has_perm("workshops.prepare_workshops", WorkshopSession(room=room)):
        raise AccessDenied("workshops.prepare_workshops")
    if not 1 <= len(workshops) <= MAX_WORKSHOPS:
        raise InvalidInput(_("A session has between 1 and %(max)d workshops.") % {"max": MAX_WORKSHOPS})
    session = WorkshopSession(room=room, title="", created_by=actor, seed=draw.draw_seed())
    _settings(session, {"title": title, **options})
    session.save()
    for position, spec in enumerate(workshops, start=1):
        _workshop_create(session, position, spec)
    announce(session)
    return session


@transaction.atomic
def session_update(*, actor: User, session_id: int, **options: Any) -> dict[str, Any]:
    session = access_session(actor, session_id, perm="workshops.change_session", for_update=True)
    _settings(session, options)
    session.save()
    announce(session)
    return {}


@transaction.atomic
def workshop_add(*, actor: User, session_id: int, name: str, topic: str = "", capacity: int | None = None) -> dict[str, Any]:
    session = access_session(actor, session_id, perm="workshops.change_session", for_update=True)
    count = session.workshops.count()
    if count >= MAX_WORKSHOPS:
        raise InvalidInput(_("A session has between 1 and %(max)d workshops.") % {"max": MAX_WORKSHOPS})
    last = session.workshops.aggregate(last=Max("position"))["last"] or 0  # after removals too
    workshop = _workshop_create(session, last + 1, {"name": name, "topic": topic, "capacity": capacity})
    announce(session)
    return {"workshop_id": workshop.pk}


@transaction.atomic
def workshop_update(*, actor: User, workshop_id: int, **changes: Any) -> dict[str, Any]:
    workshop = Workshop.objects.select_related("room", "session").filter(pk=workshop_id).first()
    if workshop is None:
        raise AccessDenied("workshops.change_session")
    session = access_session(actor, workshop.session_id, perm="workshops.change_session", for_update=True)
    if "name" in changes:
        workshop.name = workshop.room.name = _required(changes["name"], field=_("The workshop's name"))
        workshop.room.save(update_fields=["name"])
    if "topic" in changes:
        workshop.topic = changes["topic"].strip()
    if "capacity" in changes:
        workshop.capacity = changes["capacity"] or None  # 0 means no limit
    if "group_ids" in changes:
        workshop.groups.set(_council_groups(session, changes["group_ids"]))
    workshop.save()
    announce(session)
    return {}


def _council_groups(session: WorkshopSession, group_ids: list[int]) -> list:
    """The council's groups a workshop is for (assignment by group sends their members there)."""
    from council.groups.models import NeighbourhoodGroup

    groups = list(NeighbourhoodGroup.objects.filter(council=session.room.council, pk__in=group_ids))
    if len(groups) != len(set(group_ids)):
        raise InvalidInput(_("Choose groups of this council."))
    return groups


@transaction.atomic
def workshop_remove(*, actor: User, workshop_id: int) -> dict[str, Any]:
    """Remove a workshop still in preparation, with its breakout room.

    A workshop that has met is kept: deleting it would erase its part of the log (who was
    where, when) and its notes and report, which outlive the meeting.
    """
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        raise AccessDenied("workshops.change_session")
    session = access_session(actor, workshop.session_id, perm="workshops.change_session", for_update=True)
    if session.is_running:
        raise InvalidInput(_("Close the workshops before removing one."))
    if _has_met(workshop):
        raise InvalidInput(
            _("This workshop has met: its log and outputs are kept. Duplicate the session to prepare another.")
        )
    room = workshop.room
    workshop.delete()
    room.delete()
    announce(session)
    return {}


def _has_met(workshop: Workshop) -> bool:
    """Someone was in it, or a round left outputs (notes written in preparation do not count)."""
    met = (LogEntry.Kind.ENTERED, LogEntry.Kind.VISITED, LogEntry.Kind.OBSERVED, LogEntry.Kind.HELP, LogEntry.Kind.MORE_TIME)
    if LogEntry.objects.filter(workshop=workshop, kind__in=met).exists():
        return True
    return workshop.session.round > 0 and (
        Notes.objects.filter(workshop=workshop).exclude(text="").exists()
        or Report.objects.filter(workshop=workshop).exists()
    )


@transaction.atomic
def cofacilitator_set(*, actor: User, workshop_id: int, user_id: int | None) -> dict[str, Any]:
    """Give a workshop its own co-facilitator (they run its chat and video), or none.

    A co-facilitator runs their workshop instead of taking part in one: an assignment of
    theirs in this session is dropped (and logged).
    """
    from council.accounts.models import User

    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        raise AccessDenied("workshops.change_session")
    session = access_session(actor, workshop.session_id, perm="workshops.change_session", for_update=True)
    person = None
    if user_id is not None:
        person = User.objects.filter(pk=user_id).first()
        if person is None or not person.has_perm("rooms.view_room", session.room):
            raise InvalidInput(_("Choose someone who takes part in the meeting."))
        if not person.has_perm("workshops.cofacilitate_workshop", session):
            raise InvalidInput(
                _("Residents follow the meeting: choose a member of the council to co-facilitate a workshop.")
            )
        _place(session, person.pk, None, actor)
    workshop.cofacilitator = person
    workshop.save(update_fields=["cofacilitator"])
    announce(session)
    return {}


# ---------------------------------------------------------------- assignment


def _sizes(session: WorkshopSession) -> dict[int, int]:
    sizes = dict.fromkeys(session.workshops.values_list("pk", flat=True), 0)
    for workshop_id in Assignment.objects.filter(session=session).values_list("workshop_id", flat=True):
        sizes[workshop_id] += 1
    return sizes


def _place(session: WorkshopSession, user_id: int, workshop: Workshop | None, actor: User | None) -> bool:
    """Put one person in a workshop (None: back to the plenary); True if anything changed."""
    current = Assignment.objects.filter(session=session, user_id=user_id).first()
    if workshop is None:
        if current is None:
            return False
        current.delete()
        _log(session, LogEntry.Kind.UNASSIGNED, actor=actor, user=current.user, workshop=current.workshop)
        return True
    if current is not None and current.workshop_id == workshop.pk:
        return False
    if workshop.capacity is not None and workshop.assignments.count() >= workshop.capacity:
        raise InvalidInput(_("%(name)s is full.") % {"name": workshop.name})
    Assignment.objects.update_or_create(
        session=session, user_id=user_id, defaults={"workshop": workshop, "assigned_by": actor}
    )
    LogEntry.objects.create(session=session, kind=LogEntry.Kind.ASSIGNED, actor=actor, user_id=user_id, workshop=workshop)
    return True


def _workshop_in(session: WorkshopSession, workshop_id: int | None) -> Workshop | None:
    if workshop_id is None:
        return None
    workshop = session.workshops.filter(pk=workshop_id).first()
    if workshop is None:
        raise InvalidInput(_("There is no such workshop in this session."))
    return workshop


@transaction.atomic
def assignment_set(*, actor: User, session_id: int, user_id: int, workshop_id: int | None) -> dict[str, Any]:
    """Put someone in a workshop by hand, or move them while workshops run.

    The session row is locked: two facilitators moving the same person one after the
    other leave the person where the second put them, never in two workshops.
    """
    from council.accounts.models import User

    session = access_session(actor, session_id, perm="workshops.assign_participants", for_update=True)
    workshop = _workshop_in(session, workshop_id)
    person = User.objects.filter(pk=user_id).first()
    if person is None or not person.has_perm("rooms.view_room", session.room):
        raise InvalidInput(_("Choose someone who takes part in the meeting."))
    if _place(session, person.pk, workshop, actor):
        announce(session)
    return {}


@transaction.atomic
def workshop_choose(*, actor: User, session_id: int, workshop_id: int) -> dict[str, Any]:
    """A participant picks their workshop (sessions where participants choose), within capacity."""
    session = access_session(actor, session_id, perm="workshops.choose_workshop", for_update=True)
    if _place(session, actor.pk, _workshop_in(session, workshop_id), actor):
        announce(session)
    return {}


def _slots(session: WorkshopSession) -> list[draw.Slot]:
    workshops = session.workshops.prefetch_related("groups")
    return [
        draw.Slot(workshop_id=w.pk, capacity=w.capacity, group_ids=frozenset(g.pk for g in w.groups.all()))
        for w in workshops
    ]


def _memberships(session: WorkshopSession, user_ids: list[int]) -> dict[int, set[int]]:
    return memberships_of(session=session, user_ids=user_ids)


@transaction.atomic
def assignments_draw(*, actor: User, session_id: int, mode: str | None = None, seed: str | None = None) -> dict[str, Any]:
    """Assign everyone present by the session's rule (random, by group, stratified lottery).

    Replaces earlier assignments. The seed is published with the session, so anyone can
    draw again from the same list and seed and get the same workshops.
    """
    session = access_session(actor, session_id, perm="workshops.assign_participants", for_update=True)
    if mode is not None:
        _settings(session, {"mode": mode})
    if session.mode not in (Mode.RANDOM, Mode.GROUPS, Mode.LOTTERY):
        raise InvalidInput(_("Only random, by-group and lottery assignments are drawn."))
    session.seed = _required(seed, field=_("The seed")) if seed else draw.draw_seed()
    session.save()
    people = assignment_pool(session=session)
    slots = _slots(session)
    if session.mode == Mode.RANDOM:
        placement = draw.assign_random(people, slots, session.seed)
    elif session.mode == Mode.GROUPS:
        placement = draw.assign_by_group(people, slots, _memberships(session, people), session.seed)
    else:
        placement = draw.assign_stratified(people, slots, strata_of(session=session, user_ids=people), session.seed)
    _replace_assignments(session, placement.assigned, actor)
    announce(session)
    return {"assigned": len(placement.assigned), "unplaced": placement.unplaced, "seed": session.seed}


def _replace_assignments(session: WorkshopSession, placement: dict[int, int], actor: User) -> None:
    Assignment.objects.filter(session=session).delete()
    Assignment.objects.bulk_create(
        [Assignment(session=session, user_id=uid, workshop_id=wid, assigned_by=actor) for uid, wid in placement.items()]
    )
    LogEntry.objects.bulk_create(
        [
            LogEntry(session=session, kind=LogEntry.Kind.ASSIGNED, actor=actor, user_id=uid, workshop_id=wid)
            for uid, wid in placement.items()
        ]
    )


@transaction.atomic
def assignments_import(*, actor: User, session_id: int, csv_text: str) -> dict[str, Any]:
    """Pre-assign from a list of `e-mail, workshop` rows; report what could not be used."""
    from council.accounts.models import User

    session = access_session(actor, session_id, perm="workshops.assign_participants", for_update=True)
    workshops = {w.name.casefold(): w for w in session.workshops.all()}
    rows, errors = draw.parse_assignment_csv(csv_text, [w.name for w in workshops.values()])
    # Addresses keep the case people typed them in; a list matches them in any case.
    users = {
        u.email.lower(): u
        for u in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=[email for email, _name in rows])
    }
    assigned = 0
    for email, name in rows:
        person = users.get(email)
        if person is None or not person.has_perm("rooms.view_room", session.room):
            errors.append(_("%(email)s has no access to this meeting.") % {"email": email})
            continue
        try:
            _place(session, person.pk, workshops[name.casefold()], actor)
            assigned += 1
        except InvalidInput as error:
            errors.append(f"{email}: {error.message}")
    session.mode = Mode.LIST
    session.save(update_fields=["mode"])
    announce(session)
    return {"assigned": assigned, "errors": draw.capped_errors(errors)}


def late_arrival_place(*, user: User, session: WorkshopSession) -> Workshop | None:
    """Place someone who arrives while workshops run by the session's rule (None: plenary)."""
    with transaction.atomic():
        session = (
            WorkshopSession.objects.select_for_update(of=("self",)).select_related("room__council").get(pk=session.pk)
        )
        # During the closing countdown a newcomer stays in the plenary everyone is coming back to.
        if session.effective_status() != Status.OPEN:
            return None
        if Assignment.objects.filter(session=session, user=user).exists():
            return None
        if not takes_part_in_draws.test(user, session):  # as a draw now would (assignment_pool)
            return None
        sizes = _sizes(session)
        stratum, stratum_sizes, groups = None, None, None
        if session.mode == Mode.LOTTERY:
            stratum = strata_of(session=session, user_ids=[user.pk]).get(user.pk, ("",))
            assigned = dict(Assignment.objects.filter(session=session).values_list("user_id", "workshop_id"))
            strata = strata_of(session=session, user_ids=list(assigned))
            stratum_sizes = {pk: {} for pk in sizes}
            for uid, wid in assigned.items():
                key = strata.get(uid, ("",))
                stratum_sizes[wid][key] = stratum_sizes[wid].get(key, 0) + 1
        if session.mode == Mode.GROUPS:
            groups = _memberships(session, [user.pk]).get(user.pk, set())
        workshop_id = draw.place_late_arrival(
            user.pk, _slots(session), sizes, mode=session.mode, seed=session.seed,
            groups=groups, stratum=stratum, stratum_sizes=stratum_sizes,
        )
        if workshop_id is None:
            return None
        workshop = session.workshops.get(pk=workshop_id)
        _place(session, user.pk, workshop, None)
        announce(session)
        return workshop


# ---------------------------------------------------------------- running


@transaction.atomic
def session_open(*, actor: User, session_id: int) -> dict[str, Any]:
    """Open every workshop at once: assigned people's sockets move to their breakout rooms."""
    session = access_session(actor, session_id, perm="workshops.open_workshops", for_update=True)
    if session.is_running:
        raise InvalidInput(_("These workshops are already open."))
    if session.status == Status.CLOSING:  # its countdown ran out unnoticed: the log says when it ended
        _finish(session)
    if WorkshopSession.objects.filter(room=session.room, status__in=(Status.OPEN, Status.CLOSING)).exclude(pk=session.pk).exists():
        stale = WorkshopSession.objects.select_for_update().filter(room=session.room, status__in=(Status.OPEN, Status.CLOSING)).exclude(pk=session.pk)
        for other in stale:
            if other.is_running:
                raise InvalidInput(_("Another set of workshops is running in this room."))
            _finish(other)
    now = timezone.now()
    session.status = Status.OPEN
    session.round += 1
    session.opened_at = now
    session.ends_at = now + timedelta(seconds=session.duration_seconds)
    session.closes_at = session.closed_at = None
    deadlines.deadlines_reset(session, now=now)
    session.save()
    _log(session, LogEntry.Kind.OPENED, actor=actor)
    announce(session)
    return {}


@transaction.atomic
def session_close(*, actor: User, session_id: int, grace_seconds: int | None = None) -> dict[str, Any]:
    """Start the countdown after which everyone returns to the plenary."""
    session = access_session(actor, session_id, perm="workshops.close_workshops", for_update=True)
    if session.effective_status() != Status.OPEN:
        raise InvalidInput(_("These workshops are not open."))
    if grace_seconds is not None:
        _settings(session, {"grace_seconds": grace_seconds})
    session.status = Status.CLOSING
    session.closes_at = timezone.now() + timedelta(seconds=session.grace_seconds)
    session.save()
    _log(session, LogEntry.Kind.CLOSING, actor=actor)
    if session.grace_seconds == 0:
        _finish(session)
    else:
        deadlines.deadline_schedule(session.closes_at)
    announce(session)
    return {}


def _finish(session: WorkshopSession) -> None:
    """Record the end of a session (at its countdown's end); the caller announces it."""
    session.status = Status.CLOSED
    session.closed_at = session.closes_at or timezone.now()
    session.save(update_fields=["status", "closed_at"])
    _log(session, LogEntry.Kind.CLOSED)


@transaction.atomic
def session_reopen(*, actor: User, session_id: int, shuffle: bool = False) -> dict[str, Any]:
    """Open closed workshops again, with the same people or drawn again."""
    session = access_session(actor, session_id, perm="workshops.open_workshops", for_update=True)
    if session.effective_status() != Status.CLOSED:
        raise InvalidInput(_("Only closed workshops can be reopened."))
    if session.status == Status.CLOSING:
        _finish(session)
    if shuffle:
        session.status = Status.DRAFT
        session.save(update_fields=["status"])
        assignments_draw(actor=actor, session_id=session.pk)
    return session_open(actor=actor, session_id=session.pk)


@transaction.atomic
def session_duplicate(*, actor: User, session_id: int, keep_assignments: bool = False, room_id: int | None = None) -> dict[str, Any]:
    """A new session prepared like this one (for the next meeting, or to recreate it).

    Workshops keep their names, topics, capacities, groups and co-facilitators (where
    they may follow the new room); kept assignments are logged as made by `actor`.
    """
    source = access_session(actor, session_id, perm="workshops.change_session")
    options = {
        f: getattr(source, f)
        for f in ("mode", "strata", "include_followers", "duration_seconds", "grace_seconds", "max_proposals")
    }
    specs = [{"name": w.name, "topic": w.topic, "capacity": w.capacity} for w in source.workshops.all()]
    room_id = room_id or source.room_id
    copy = session_create(actor=actor, room_id=room_id, title=source.title, workshops=specs, **options)
    pairs = zip(source.workshops.select_related("cofacilitator"), copy.workshops.all(), strict=True)
    kept: dict[int, int] = {}
    for old, new in pairs:
        new.groups.set(old.groups.all())
        if old.cofacilitator is not None and old.cofacilitator.has_perm("rooms.view_room", copy.room):
            new.cofacilitator = old.cofacilitator
            new.save(update_fields=["cofacilitator"])
        if keep_assignments:
            kept.update(dict.fromkeys(old.assignments.values_list("user_id", flat=True), new.pk))
    if kept:
        _replace_assignments(copy, kept, actor)
    return {"session_id": copy.pk}


@transaction.atomic
def timer_set(*, actor: User, session_id: int, seconds_left: int) -> dict[str, Any]:
    """Change the time left while workshops run (every workshop's countdown follows)."""
    session = access_session(actor, session_id, perm="workshops.set_timer", for_update=True)
    if session.effective_status() != Status.OPEN:
        raise InvalidInput(_("These workshops are not open."))
    now = timezone.now()
    session.ends_at = now + timedelta(seconds=seconds_left)
    deadlines.deadlines_reset(session, now=now)
    session.save(update_fields=["ends_at", "warned_seconds", "time_up_sent_at"])
    _log(session, LogEntry.Kind.TIMER, actor=actor, text=str(seconds_left))
    announce(session)
    return {}


@transaction.atomic
def broadcast_send(*, actor: User, session_id: int, text: str) -> dict[str, Any]:
    """A message shown in every workshop (and the plenary)."""
    session = access_session(actor, session_id, perm="workshops.broadcast_message")
    if not session.is_running:
        raise InvalidInput(_("These workshops are not open."))
    text = _required(text, field=_("The message"))
    if len(text) > settings.ROOM_MESSAGE_MAX_CHARS:  # a setting of the instance, as for the chat
        raise InvalidInput(
            _("%(field)s is too long (at most %(max)d characters).")
            % {"field": _("The message"), "max": settings.ROOM_MESSAGE_MAX_CHARS}
        )
    _log(session, LogEntry.Kind.BROADCAST, actor=actor, text=text)
    send_event_on_commit(
        meeting_group(session.room_id),
        events.BROADCAST_SENT,
        {"session_id": session.pk, "text": text, "by": {"id": actor.pk, "name": str(actor.public_name)}, "at": timezone.now().isoformat()},
    )
    return {}


def _to_those_who_run(workshop: Workshop, event_type: str, payload: dict[str, Any]) -> None:
    """Send to the meeting's facilitators' group, and to the workshop's co-facilitator.

    The audience of workshops.see_help_requests, by membership: the facilitators' group is
    kept by the sockets as rights change; a co-facilitator hears only their own workshop.
    """
    session = workshop.session
    send_event_on_commit(facilitators_group(session.room_id), event_type, payload)
    cofacilitator = workshop.cofacilitator
    if cofacilitator is not None and not cofacilitator.has_perm("rooms.moderate_room", session.room):
        send_event_on_commit(user_group(cofacilitator.pk), event_type, payload)


def _workshop_alert(workshop: Workshop, actor: User, kind: str, event_type: str) -> dict[str, Any]:
    session = workshop.session
    _log(session, kind, actor=actor, user=actor, workshop=workshop)
    payload = {
        "session_id": session.pk,
        "workshop": {"id": workshop.pk, "name": workshop.name, "room_id": workshop.room_id},
        "by": {"id": actor.pk, "name": str(actor.public_name)},
        "at": timezone.now().isoformat(),
    }
    return payload


@transaction.atomic
def help_ask(*, actor: User, workshop_id: int) -> dict[str, Any]:
    """Ask the facilitators for help from a workshop: they are alerted wherever they are."""
    workshop = access_workshop(actor, workshop_id, perm="workshops.ask_help")
    request = HelpRequest.objects.filter(workshop=workshop, answered_at__isnull=True).first()
    if request is None:
        request = HelpRequest.objects.create(workshop=workshop, user=actor)
    payload = _workshop_alert(workshop, actor, LogEntry.Kind.HELP, events.HELP_REQUESTED)
    payload["help_id"] = request.pk
    _to_those_who_run(workshop, events.HELP_REQUESTED, payload)
    return {"help_id": request.pk}


@transaction.atomic
def more_time_ask(*, actor: User, workshop_id: int) -> dict[str, Any]:
    """Ask for more time (the facilitators decide, with timer_set)."""
    workshop = access_workshop(actor, workshop_id, perm="workshops.ask_help")
    payload = _workshop_alert(workshop, actor, LogEntry.Kind.MORE_TIME, events.MORE_TIME_REQUESTED)
    _to_those_who_run(workshop, events.MORE_TIME_REQUESTED, payload)
    return {}


@transaction.atomic
def help_answer(*, actor: User, help_id: int) -> dict[str, Any]:
    request = (
        HelpRequest.objects.select_related("workshop__session__room")
        .filter(pk=help_id)
        .first()
    )
    if request is None:
        raise AccessDenied("workshops.answer_help")
    session = access_session(actor, request.workshop.session_id, perm="workshops.answer_help")
    if request.answered_at is None:
        request.answered_at = timezone.now()
        request.answered_by = actor
        request.save(update_fields=["answered_at", "answered_by"])
        _to_those_who_run(
            request.workshop,
            events.HELP_ANSWERED,
            {"session_id": session.pk, "help_id": request.pk, "workshop_id": request.workshop_id,
             "by": {"id": actor.pk, "name": str(actor.public_name)}},
        )
    return {}


# ---------------------------------------------------------------- sockets moving


def visit_check(*, actor: User, workshop_id: int, hidden: bool = False) -> int:
    """May the facilitator go into this workshop (listening in: only where the council allows it)?"""
    workshop = access_workshop(actor, workshop_id, perm="workshops.view_workshop")
    perm = "workshops.listen_in" if hidden else "workshops.visit_workshop"
    if not actor.has_perm(perm, workshop.session) and not (
        not hidden and workshop.cofacilitator_id == actor.pk
    ):
        raise AccessDenied(perm)
    return workshop.room_id


@transaction.atomic
def breakouts_join(*, entries: list[room_services.Entry], join=room_services.rooms_join) -> list[Room | None]:
    """Move sockets into rooms of the meeting (many at once) and log who was where, when.

    Someone coming back from a workshop to its plenary needs only to follow the plenary
    (rooms.view_room): a plenary locked meanwhile does not keep its own people out.
    """
    room_ids = {entry.room_id for entry in entries} | {entry.previous_room_id for entry in entries}
    # read as workshop_of_room reads them and remembered: the snapshot that follows asks it;
    # a connect to a plenary, whose room it has read already, reads nothing here
    plenaries = frozenset(
        room_id for room_id in room_ids - {None} if (room := room_already_read(room_id)) and room.parent_id is None
    )
    workshops = workshops_of_rooms_remember(room_ids - {None}, plenaries=plenaries)

    def back_to_plenary(entry: room_services.Entry) -> bool:
        left = workshops.get(entry.previous_room_id)
        return left is not None and left.session.room_id == entry.room_id

    entries = [replace(entry, perm="rooms.view_room") if back_to_plenary(entry) else entry for entry in entries]
    rooms = join(entries=entries)
    log = []
    for entry, room in zip(entries, rooms, strict=True):
        if room is None:
            continue
        left = workshops.get(entry.previous_room_id) if entry.previous_room_id != entry.room_id else None
        if left is not None:
            log.append(LogEntry(session=left.session, workshop=left, kind=LogEntry.Kind.LEFT, user=entry.actor))
        entered = workshops.get(entry.room_id)
        if entered is not None:
            kind = _entry_kind(entered, entry.actor, entry.hidden)
            log.append(LogEntry(session=entered.session, workshop=entered, kind=kind, user=entry.actor))
    LogEntry.objects.bulk_create(log)
    return rooms


def _entry_kind(workshop: Workshop, person: User, hidden: bool) -> str:
    """Listening in, a visit (a facilitator dropping by), or taking part."""
    if hidden:
        return LogEntry.Kind.OBSERVED
    takes_part = workshop.cofacilitator_id == person.pk or assigned_workshop_id(person, workshop.session_id) == workshop.pk
    return LogEntry.Kind.ENTERED if takes_part else LogEntry.Kind.VISITED


def breakout_left(*, actor: User, room_id: int) -> None:
    """A socket in a workshop closed: log that the person left it."""
    workshop = Workshop.objects.select_related("session").filter(room_id=room_id).first()
    if workshop is not None:
        LogEntry.objects.create(session=workshop.session, workshop=workshop, kind=LogEntry.Kind.LEFT, user=actor)
