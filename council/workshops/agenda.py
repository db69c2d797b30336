"""The meeting's agenda and speaking turns: services (writes) and selectors (reads).

Both belong to the plenary room. Every change is broadcast whole to the meeting group
(the plenary and its breakouts) once committed, built from the committed rows, so two
facilitators acting at once both end with the latest state on every screen. Countdowns
are displayed by browsers from `started_at`, `planned_minutes` and `server_now`; the item's
end (`ends_at`) is stored and its time-up announced once by the server's deadline sweep
(council/workshops/deadlines.py), whoever is connected.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import DateTimeField
from django.db.models import DurationField
from django.db.models import ExpressionWrapper
from django.db.models import F
from django.db.models import Max
from django.db.models import Sum
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import InvalidInput
from council.core.memo import recall
from council.core.process_cache import room_view
from council.core.realtime import send_event_on_commit
from council.rooms import agenda_links
from council.rooms import services as room_services
from council.rooms.events import meeting_group
from council.rooms.models import Room
from council.rooms.permissions import access_room
from council.rooms.selectors import room_remembered
from council.workshops import deadlines
from council.workshops import events
from council.workshops import services as workshop_services
from council.workshops.models import AgendaItem
from council.workshops.models import SpeakingTurn
from council.workshops.models import WorkshopSession

AGENDA = room_view("agenda")  # kept across arrival waves (council/core/process_cache.py)


MANAGE_AGENDA = "workshops.manage_agenda"
MANAGE_SPEAKERS = "workshops.manage_speakers"
MAX_TITLE_CHARS = 200
MAX_PLANNED_MINUTES = 600
SESSIONS_OFFERED = 20  # recent workshop sessions a facilitator can attach to an item
UNCHANGED: Any = object()  # `session_id=None` unlinks the workshops, so "not given" needs its own value


# -- selectors


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def agenda_items(*, room: Room) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(room=room).select_related("session").order_by("position", "pk"))


def agenda_current(*, room: Room) -> AgendaItem | None:
    """The item under way: started and not ended (at most one; the latest if data disagrees)."""
    return (
        AgendaItem.objects.filter(room=room, started_at__isnull=False, ended_at__isnull=True)
        .order_by("-started_at", "-pk")
        .first()
    )


def _current_among(items: list[AgendaItem]) -> AgendaItem | None:
    """agenda_current, found among the items already read."""
    started = [item for item in items if item.started_at is not None and item.ended_at is None]
    return max(started, key=lambda item: (item.started_at, item.pk), default=None)


def agenda_refs(room_id: int) -> list[agenda_links.AgendaItemRef]:
    """The room's items as the host offers them to other modules (council/rooms/agenda_links.py)."""
    items = list(AgendaItem.objects.filter(room_id=room_id).order_by("position", "pk"))
    current = _current_among(items)
    return [
        agenda_links.AgendaItemRef(id=item.pk, title=item.title, position=index, current=item is current)
        for index, item in enumerate(items)
    ]


def agenda_payload(*, room: Room) -> dict[str, Any]:
    """The whole agenda as every socket of the meeting receives it, with what other modules attached
    to each item (a poll, a binding vote: only what everyone may see, nothing in preparation)."""
    items = agenda_items(room=room)
    current = _current_among(items)
    attached = agenda_links.attached(room.pk)
    return {
        "room_id": room.pk,
        "items": [
            {
                "id": item.pk,
                "position": index,
                "title": item.title,
                "planned_minutes": item.planned_minutes,
                "session_id": item.session_id,
                "session_title": item.session.title if item.session else None,
                "started_at": _iso(item.started_at),
                "ended_at": _iso(item.ended_at),
                "attached": [attachment.to_dict() for attachment in attached.get(item.pk, [])],
            }
            for index, item in enumerate(items)
        ],
        "current_id": current.pk if current else None,
        "server_now": timezone.now().isoformat(),
    }


def agenda_sessions(*, room: Room) -> list[dict[str, Any]]:
    """The room's recent workshop sessions, which an item can open (for facilitators)."""
    sessions = WorkshopSession.objects.filter(room=room).order_by("-created_at")[:SESSIONS_OFFERED]
    return [{"id": s.pk, "title": s.title, "status": s.effective_status()} for s in sessions]


def speaking_times(*, room: Room, now=None) -> dict[int, int]:
    """Seconds each person has spoken in the room: closed turns plus the running one."""
    now = now or timezone.now()
    spoken = ExpressionWrapper(
        Coalesce("ended_at", Value(now, output_field=DateTimeField())) - F("started_at"),
        output_field=DurationField(),
    )
    rows = SpeakingTurn.objects.filter(room=room).values("user_id").annotate(total=Sum(spoken))
    return {row["user_id"]: max(0, int(row["total"].total_seconds())) for row in rows}


def speaker_current(*, room: Room) -> SpeakingTurn | None:
    return SpeakingTurn.objects.filter(room=room, ended_at__isnull=True).select_related("user").first()


def speakers_payload(*, room: Room) -> dict[str, Any]:
    """Who speaks now and how long everyone has spoken, longest first."""
    from council.accounts.models import User

    now = timezone.now()
    times = speaking_times(room=room, now=now)
    names = {user.pk: str(user.public_name) for user in User.objects.filter(pk__in=times)}
    current = speaker_current(room=room)
    totals = [{"user_id": uid, "name": names.get(uid, ""), "seconds": seconds} for uid, seconds in times.items()]
    totals.sort(key=lambda total: (-total["seconds"], total["name"]))
    return {
        "room_id": room.pk,
        "current": None
        if current is None
        else {"user_id": current.user_id, "name": str(current.user.public_name), "started_at": _iso(current.started_at)},
        "totals": totals,
        "server_now": now.isoformat(),
    }


def agenda_snapshot(*, user: User, room_id: int) -> dict[str, Any]:
    """What a socket of the meeting adds to its snapshot: the agenda and the speakers."""
    room = room_remembered(room_id)
    if not user.has_perm("workshops.view_agenda", room):
        return {"agenda": None, "speakers": None}
    can_manage = user.has_perm(MANAGE_AGENDA, room)
    # the same for everyone of the meeting: read once per unit of work (a wave of moves)
    agenda = {**recall((AGENDA, room.pk), lambda: agenda_payload(room=room)), "can_manage": can_manage}
    if can_manage:
        agenda["sessions"] = recall(("agenda_sessions", room.pk), lambda: agenda_sessions(room=room))
    speakers = {
        **recall(("speakers", room.pk), lambda: speakers_payload(room=room)),
        "can_manage": user.has_perm(MANAGE_SPEAKERS, room),
    }
    return {"agenda": agenda, "speakers": speakers}


# -- broadcasting


def _announce(room_id: int, event_type: str, build) -> None:
    """After commit, send the state as committed (not as this transaction last saw it)."""

    def send() -> None:
        room = Room.objects.get(pk=room_id)
        send_event_on_commit(meeting_group(room_id), event_type, build(room=room))

    transaction.on_commit(send)


def _announce_agenda(room: Room) -> None:
    """The agenda to everyone after commit; modules depending on it (polls offered for the current item) are told now."""
    _announce(room.pk, events.AGENDA_CHANGED, agenda_payload)
    agenda_links.agenda_changed(room.pk)


def agenda_announce(room_id: int) -> None:
    """Announce the agenda again (something attached to an item changed: council/rooms/agenda_links.py)."""
    _announce(room_id, events.AGENDA_CHANGED, agenda_payload)


def _announce_speakers(room: Room) -> None:
    _announce(room.pk, events.SPEAKERS_CHANGED, speakers_payload)


# -- validation


def _plenary(actor: User, room_id: int, perm: str) -> Room:
    """Lock the plenary room: agenda and turns of one room change one at a time."""
    room = access_room(actor, room_id, perm=perm, for_update=True)
    if room.parent_id is not None:
        raise InvalidInput(_("The agenda and speaking turns belong to the plenary room."))
    return room


# Types and bounds (MAX_TITLE_CHARS, 1 to MAX_PLANNED_MINUTES minutes) are the command schemas'
# (council/workshops/commands.py); what is left here is the domain's.


def _title(value: str) -> str:
    title = value.strip()
    if not title:
        raise InvalidInput(_("Give the item a title."))
    return title


def _session(room: Room, session_id: int | None) -> WorkshopSession | None:
    if session_id is None:
        return None
    session = WorkshopSession.objects.filter(pk=session_id, room=room).first()
    if session is None:
        raise InvalidInput(_("These workshops were not prepared in this room."))
    return session


def _item(room: Room, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().filter(pk=item_id, room=room).first()
    if item is None:
        raise InvalidInput(_("There is no such agenda item."))
    return item


# -- agenda services


@transaction.atomic
def agenda_item_add(
    *, actor: User, room_id: int, title: str, planned_minutes: int = 10, session_id: int | None = None
) -> dict[str, Any]:
    """Add an item at the end of the agenda; broadcasts the agenda after commit."""
    room = _plenary(actor, room_id, MANAGE_AGENDA)
    last = AgendaItem.objects.filter(room=room).aggregate(Max("position"))["position__max"]
    item = AgendaItem.objects.create(
        room=room,
        position=0 if last is None else last + 1,
        title=_title(title),
        planned_minutes=planned_minutes,
        session=_session(room, session_id),
    )
    _announce_agenda(room)
    return {"item_id": item.pk}


@transaction.atomic
def agenda_item_append(room_id: int, title: str) -> int:
    """Append an item another module brings (council/rooms/agenda_links.py `add_item`): that module
    asked its own rule; the item goes on the plenary's agenda, announced after commit."""
    room = Room.objects.select_for_update().get(pk=room_id)
    if room.parent_id is not None:
        room = Room.objects.select_for_update().get(pk=room.parent_id)
    last = AgendaItem.objects.filter(room=room).aggregate(Max("position"))["position__max"]
    item = AgendaItem.objects.create(
        room=room, position=0 if last is None else last + 1, title=_title(title[:MAX_TITLE_CHARS])
    )
    _announce_agenda(room)
    return item.pk


@transaction.atomic
def agenda_item_update(
    *,
    actor: User,
    room_id: int,
    item_id: int,
    title: str | None = None,
    planned_minutes: int | None = None,
    session_id: int | None = UNCHANGED,
) -> dict[str, Any]:
    """Change an item's title, planned duration or workshops (`session_id=None` unlinks them)."""
    room = _plenary(actor, room_id, MANAGE_AGENDA)
    item = _item(room, item_id)
    changed = []
    if title is not None:
        item.title = _title(title)
        changed.append("title")
    if planned_minutes is not None:
        item.planned_minutes = planned_minutes
        changed.append("planned_minutes")
        if item.started_at is not None and item.ended_at is None:
            changed += _plan_end(item)
    if session_id is not UNCHANGED:
        item.session = _session(room, session_id)
        changed.append("session")
    if changed:
        item.save(update_fields=changed)
        _announce_agenda(room)
    return {}


@transaction.atomic
def agenda_item_remove(*, actor: User, room_id: int, item_id: int) -> dict[str, Any]:
    room = _plenary(actor, room_id, MANAGE_AGENDA)
    _item(room, item_id).delete()
    _announce_agenda(room)
    return {}


@transaction.atomic
def agenda_reorder(*, actor: User, room_id: int, item_ids: list[int]) -> dict[str, Any]:
    """Put the items in the given order; items not named keep their order after them."""
    room = _plenary(actor, room_id, MANAGE_AGENDA)
    items = {item.pk: item for item in agenda_items(room=room)}
    ordered = [pk for pk in dict.fromkeys(item_ids) if pk in items]
    ordered += [pk for pk in items if pk not in ordered]
    for position, pk in enumerate(ordered):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])
    _announce_agenda(room)
    return {}


def _end_current(room: Room, now) -> AgendaItem | None:
    current = agenda_current(room=room)
    AgendaItem.objects.filter(room=room, started_at__isnull=False, ended_at__isnull=True).update(ended_at=now)
    return current


def _plan_end(item: AgendaItem) -> list[str]:
    """Set the end of the item under way from its start and plan; return the fields changed.

    A time-up already announced is announced again at a new end still ahead (five more
    minutes given); the sweep is woken for it after commit.
    """
    item.ends_at = item.started_at + timedelta(minutes=item.planned_minutes)
    if item.ends_at > timezone.now():
        item.time_up_sent_at = None
    deadlines.deadline_schedule(item.ends_at)
    return ["ends_at", "time_up_sent_at"]


def _start(actor: User, room: Room, item: AgendaItem) -> dict[str, Any]:
    """End the item under way, start `item`, and open its workshops if still in preparation."""
    now = timezone.now()
    _end_current(room, now)
    item.started_at, item.ended_at = now, None
    item.save(update_fields=["started_at", "ended_at", *_plan_end(item)])
    if item.session_id is not None and item.session.status == WorkshopSession.Status.DRAFT:
        # Same transaction: if the workshops cannot open, the item does not start either.
        workshop_services.session_open(actor=actor, session_id=item.session_id)
    _announce_agenda(room)
    return {"current_id": item.pk}


@transaction.atomic
def agenda_item_start(*, actor: User, room_id: int, item_id: int) -> dict[str, Any]:
    """Make `item_id` the current item (its countdown starts again if it ran before).

    Starting the item already under way changes nothing, so a command sent twice is harmless.
    """
    room = _plenary(actor, room_id, MANAGE_AGENDA)
    item = _item(room, item_id)
    if item.started_at is not None and item.ended_at is None:
        return {"current_id": item.pk}
    return _start(actor, room, item)


@transaction.atomic
def agenda_item_finish(*, actor: User, room_id: int) -> dict[str, Any]:
    """End the current item without starting another."""
    room = _plenary(actor, room_id, MANAGE_AGENDA)
    if _end_current(room, timezone.now()) is not None:
        _announce_agenda(room)
    return {"current_id": None}


def _next_item(room: Room) -> AgendaItem | None:
    """The first item not yet started after the current one (or after the last finished)."""
    items = agenda_items(room=room)
    anchor = agenda_current(room=room)
    if anchor is None:
        anchor = max((i for i in items if i.ended_at), key=lambda i: i.ended_at, default=None)
    after = items[[i.pk for i in items].index(anchor.pk) + 1 :] if anchor else items
    return next((i for i in after if i.started_at is None), None) or next(
        (i for i in items if i.started_at is None), None
    )


@transaction.atomic
def agenda_next(*, actor: User, room_id: int) -> dict[str, Any]:
    """End the current item and start the next one not yet taken up (none left: just end it)."""
    room = _plenary(actor, room_id, MANAGE_AGENDA)
    following = _next_item(room)
    if following is not None:
        return _start(actor, room, following)
    if _end_current(room, timezone.now()) is not None:
        _announce_agenda(room)
    return {"current_id": None}


# -- speaking turns


def _speaker(room: Room, user_id: int) -> User:
    target = User.objects.filter(pk=user_id).first()
    if target is None or not target.has_perm("rooms.view_room", room):
        raise InvalidInput(_("Choose a participant of this room."))
    return target


@transaction.atomic
def speaker_give(*, actor: User, room_id: int, user_id: int) -> dict[str, Any]:
    """Give someone the floor: the current turn ends, theirs starts, their raised hand is lowered.

    Broadcasts the speakers (and, through rooms, the hands queue) after commit.
    """
    room = _plenary(actor, room_id, MANAGE_SPEAKERS)
    target = _speaker(room, user_id)
    current = SpeakingTurn.objects.filter(room=room, ended_at__isnull=True).first()
    if current is None or current.user_id != target.pk:
        now = timezone.now()
        if current is not None:
            current.ended_at = now
            current.save(update_fields=["ended_at"])
        SpeakingTurn.objects.create(room=room, user=target, given_by=actor, started_at=now)
        _announce_speakers(room)
    room_services.hand_lower(actor=actor, room_id=room.pk, user_id=target.pk)
    return {}


@transaction.atomic
def speaker_end(*, actor: User, room_id: int) -> dict[str, Any]:
    """End the current turn; nobody has the floor until the next one is given."""
    room = _plenary(actor, room_id, MANAGE_SPEAKERS)
    if SpeakingTurn.objects.filter(room=room, ended_at__isnull=True).update(ended_at=timezone.now()):
        _announce_speakers(room)
    return {}
