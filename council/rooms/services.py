"""Writes for live rooms. Each checks one named permission and broadcasts after commit."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm
from guardian.shortcuts import get_user_perms
from guardian.shortcuts import remove_perm

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.memo import remembered
from council.core.permissions import require_perm
from council.core.realtime import send_event_on_commit
from council.councils.events import ROLE_CHANGED
from council.councils.events import user_group
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.selectors import role_get
from council.councils.services import audit_record
from council.rooms import events
from council.rooms.media.assignment import MEDIA_WORKERS_GROUP
from council.rooms.models import ChatMute
from council.rooms.models import MediaMute
from council.rooms.models import Message
from council.rooms.models import Presence
from council.rooms.models import RaisedHand
from council.rooms.models import Room
from council.rooms.models import RoomAttendance
from council.rooms.models import RoomFloor
from council.rooms.models import RoomRemoval
from council.rooms.permissions import access_room
from council.rooms.selectors import hands_queue
from council.rooms.selectors import room_payload
from council.rooms.selectors import rooms_remembered
from council.verifications.requirements import offered_requirement


def _check_groups(council_id: int, group_ids: Iterable[int]) -> list[int]:
    """Return the ids if every group is the council's own; refuse the lot otherwise."""
    from council.groups.models import NeighbourhoodGroup

    wanted = set(group_ids)
    own = set(NeighbourhoodGroup.objects.filter(council_id=council_id, pk__in=wanted).values_list("pk", flat=True))
    if own != wanted:
        raise ValidationError({"eligible_groups": _("Choose only groups of this council.")})
    return sorted(wanted)


@transaction.atomic
def room_create(
    *,
    actor: User,
    council: Council,
    name: str,
    description: str = "",
    starts_at: datetime | None = None,
    eligible_group_ids: Iterable[int] = (),
    verification_requirement: dict[str, Any] | None = None,
) -> Room:
    """Create a plenary room of the council, open to the given groups (everyone if none)."""
    require_perm(actor, "rooms.create_room", council)
    group_ids = _check_groups(council.pk, eligible_group_ids)
    room = Room(
        council=council, name=name.strip(), description=description.strip(), starts_at=starts_at,
        verification_requirement=offered_requirement(council, verification_requirement or {}),
    )
    room.full_clean()
    room.save()
    room.eligible_groups.set(group_ids)
    audit_record(actor=actor, action=AuditEntry.Action.ROOM_CREATED, target=room)
    return room


@transaction.atomic
def room_update(
    *,
    actor: User,
    room_id: int,
    name: str,
    description: str = "",
    starts_at: datetime | None = None,
    eligible_group_ids: Iterable[int] = (),
    verification_requirement: dict[str, Any] | None = None,
) -> Room:
    """Change what a room is called, when it meets, who may come in and with which verifications.

    Broadcasts room_updated: people already connected get their capabilities again with the
    event, and those no longer eligible are shut out by their socket
    (RoomConsumer.rooms_room_updated). A requirement, like a lock, applies to who comes in
    next. `verification_requirement` None keeps the current one.
    """
    room = access_room(actor, room_id, perm="rooms.moderate_room", for_update=True)
    group_ids = _check_groups(room.council_id, eligible_group_ids)
    room.name, room.description, room.starts_at = name.strip(), description.strip(), starts_at
    if verification_requirement is not None:
        room.verification_requirement = offered_requirement(
            room.council, verification_requirement, kept=room.verification_requirement
        )
    room.full_clean(exclude=["council", "parent", "eligible_groups"])
    room.save(update_fields=["name", "description", "starts_at", "verification_requirement"])
    room.eligible_groups.set(group_ids)
    send_event_on_commit(events.room_group(room.pk), events.ROOM_UPDATED, room_payload(room))
    audit_record(
        actor=actor, action=AuditEntry.Action.ROOM_CHANGED, target=room,
        details={"fields": ["name", "description", "starts_at", "eligible_groups", "verification_requirement"]},
    )
    return room


@transaction.atomic
def message_post(*, actor: User, room_id: int, text: str, request_id: str | None = None) -> dict[str, Any]:
    """Persist a chat message with the room's next seq, then broadcast it.

    The room row is locked so seqs have no gaps; a command re-sent with the same
    `request_id` returns the first message and is not applied twice.
    """
    room = access_room(actor, room_id, perm="rooms.send_message", for_update=True)
    if request_id:
        existing = Message.objects.filter(
            room=room, author=actor, client_request_id=request_id
        ).first()
        if existing is not None:
            return {"seq": existing.seq, "duplicate": True}
    text = text.strip()
    if not text:
        raise InvalidInput(_("The message is empty."))
    if len(text) > settings.ROOM_MESSAGE_MAX_CHARS:
        raise InvalidInput(
            _("The message is too long (%(count)d characters; at most %(max)d).")
            % {"count": len(text), "max": settings.ROOM_MESSAGE_MAX_CHARS}
        )
    room.last_seq += 1
    room.save(update_fields=["last_seq"])
    message = Message.objects.create(
        room=room, seq=room.last_seq, author=actor, text=text, client_request_id=request_id or ""
    )
    send_event_on_commit(
        events.room_group(room.pk), events.MESSAGE_POSTED, events.message_payload(message)
    )
    return {"seq": message.seq, "duplicate": False}


@transaction.atomic
def message_delete(*, actor: User, room_id: int, seq: int) -> dict[str, Any]:
    """Hide a message for everyone; its seq stays taken so no client sees a gap."""
    room = access_room(actor, room_id, perm="rooms.delete_message")
    message = Message.objects.select_for_update().filter(room=room, seq=seq).first()
    if message is None:
        raise InvalidInput(_("There is no such message."))
    if message.deleted_at is None:
        message.deleted_at = timezone.now()
        message.deleted_by = actor
        message.save(update_fields=["deleted_at", "deleted_by"])
        send_event_on_commit(
            events.room_group(room.pk), events.MESSAGE_DELETED, {"room_id": room.pk, "seq": seq}
        )
    return {"seq": seq}


@dataclass(frozen=True)
class Entry:
    """One socket going into a room: whose, where from, seen or not, under which permission.

    `perm` is rooms.view_room for someone coming back to the plenary they were in (a lock
    keeps newcomers out, not the people of the meeting); `hidden` is for a facilitator
    listening in (checked by the caller).
    """

    actor: User
    channel_name: str
    room_id: int
    hidden: bool = False
    perm: str = "rooms.join_room"
    previous_room_id: int | None = None
    tab: str = ""  # the page's id (RoomConsumer.connect): kept when the socket moves


@transaction.atomic
def rooms_join(*, entries: list[Entry]) -> list[Room | None]:
    """Record sockets entering rooms, each checked against its permission; None where refused.

    A socket is in one room at a time: entering another (a workshop, and back) moves its
    presence. Those let in are written in two statements whatever their number, since a
    workshop session moves everyone at once (presence is broadcast coalesced).
    """
    with remembered():
        rooms = rooms_remembered({entry.room_id for entry in entries})  # a connect read its room already
        admitted = [
            room if (room := rooms.get(entry.room_id)) is not None and entry.actor.has_perm(entry.perm, room) else None
            for entry in entries
        ]
    now = timezone.now()
    pairs = [(entry, room) for entry, room in zip(entries, admitted, strict=True) if room is not None]
    RoomAttendance.objects.bulk_create(
        [RoomAttendance(room=room, user=entry.actor) for entry, room in pairs], ignore_conflicts=True
    )
    Presence.objects.bulk_create(
        [
            Presence(
                room=room,
                user=entry.actor,
                channel_name=entry.channel_name,
                seen_at=now,
                hidden=entry.hidden,
                tab=entry.tab,
            )
            for entry, room in pairs
        ],
        update_conflicts=True,
        unique_fields=["channel_name"],
        update_fields=["room", "user", "seen_at", "hidden"],  # not tab: moves do not carry it
    )
    return admitted


def room_join(
    *, actor: User, room_id: int, channel_name: str, hidden: bool = False, perm: str = "rooms.join_room"
) -> Room:
    """Record one open socket of `actor` in the room (raises AccessDenied): see rooms_join."""
    entry = Entry(actor=actor, channel_name=channel_name, room_id=room_id, hidden=hidden, perm=perm)
    room = rooms_join(entries=[entry])[0]
    if room is None:
        raise AccessDenied(perm)
    return room


def room_leave(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()


def presences_forget_tabs(*, sockets: list[tuple[int, str, str]]) -> dict[str, set[int]]:
    """Delete the rows these pages left behind with sockets other than the ones entering now.

    `sockets` are (user id, tab, channel name) of sockets entering together (an arrival
    wave). A page has one socket at a time: another row of the same person's page belongs to
    a socket that died with its process (nobody deleted it). One query for the whole wave
    (a killed process's thousand pages come back together), a second if any was left behind.
    Returns, per entering channel, the rooms its ghosts were in, to be told.
    """
    entering = {(user_id, tab): channel_name for user_id, tab, channel_name in sockets if tab}
    if not entering:
        return {}
    rows = (
        Presence.objects.filter(user_id__in={user_id for user_id, _tab in entering}, tab__in={tab for _user_id, tab in entering})
        .exclude(channel_name__in=[channel_name for _user_id, _tab, channel_name in sockets])
        .values_list("pk", "user_id", "tab", "room_id")
    )
    ghosts = [(pk, entering[user_id, tab], room_id) for pk, user_id, tab, room_id in rows if (user_id, tab) in entering]
    if ghosts:
        Presence.objects.filter(pk__in=[pk for pk, _channel_name, _room_id in ghosts]).delete()
    rooms: dict[str, set[int]] = {}
    for _pk, channel_name, room_id in ghosts:
        rooms.setdefault(channel_name, set()).add(room_id)
    return rooms


def presence_touch(*, channel_names: list[str]) -> None:
    """Mark these sockets as still open (a crashed process's rows go stale instead)."""
    Presence.objects.filter(channel_name__in=channel_names).update(seen_at=timezone.now())


def _broadcast_hands(room: Room) -> None:
    send_event_on_commit(
        events.room_group(room.pk),
        events.HANDS_CHANGED,
        {"room_id": room.pk, "queue": hands_queue(room=room)},
    )


@transaction.atomic
def hand_raise(*, actor: User, room_id: int) -> dict[str, Any]:
    room = access_room(actor, room_id, perm="rooms.raise_hand", for_update=True)
    if not RaisedHand.objects.filter(room=room, user=actor).exists():
        last = RaisedHand.objects.filter(room=room).aggregate(Max("position"))["position__max"]
        RaisedHand.objects.create(room=room, user=actor, position=(last or 0) + 1)
        _broadcast_hands(room)
    return {}


@transaction.atomic
def hand_lower(*, actor: User, room_id: int, user_id: int | None = None) -> dict[str, Any]:
    """Lower one's own hand, or, for a facilitator, someone else's."""
    target_id = user_id or actor.pk
    perm = "rooms.view_room" if target_id == actor.pk else "rooms.manage_hands"
    room = access_room(actor, room_id, perm=perm, for_update=True)
    if RaisedHand.objects.filter(room=room, user_id=target_id).delete()[0]:
        _broadcast_hands(room)
    return {}


@transaction.atomic
def hands_reorder(*, actor: User, room_id: int, user_ids: list[int]) -> dict[str, Any]:
    """Put the queue in the given order; hands not named keep their order after them."""
    room = access_room(actor, room_id, perm="rooms.manage_hands", for_update=True)
    hands = {h.user_id: h for h in RaisedHand.objects.filter(room=room)}
    ordered = [uid for uid in dict.fromkeys(user_ids) if uid in hands]
    ordered += [uid for uid in sorted(hands, key=lambda u: hands[u].position) if uid not in ordered]
    for position, uid in enumerate(ordered, start=1):
        hands[uid].position = position
    RaisedHand.objects.bulk_update(hands.values(), ["position"])
    _broadcast_hands(room)
    return {}


@transaction.atomic
def hands_clear(*, actor: User, room_id: int) -> dict[str, Any]:
    room = access_room(actor, room_id, perm="rooms.manage_hands", for_update=True)
    RaisedHand.objects.filter(room=room).delete()
    _broadcast_hands(room)
    return {}


def _target_in_room(room: Room, user_id: int, actor: User) -> User:
    from council.accounts.models import User

    target = User.objects.filter(pk=user_id).first()
    if target is None or target.pk == actor.pk:
        raise InvalidInput(_("Choose another participant."))
    if target.has_perm("rooms.moderate_room", room):
        raise AccessDenied(_("Facilitators cannot be muted or removed."))
    return target


@transaction.atomic
def participant_mute(*, actor: User, room_id: int, user_id: int, muted: bool = True) -> dict[str, Any]:
    """Stop (or allow again) a participant writing in the chat; they keep following."""
    room = access_room(actor, room_id, perm="rooms.mute_participant")
    target = _target_in_room(room, user_id, actor)
    if muted:
        ChatMute.objects.get_or_create(room=room, user=target, defaults={"decided_by": actor})
    else:
        ChatMute.objects.filter(room=room, user=target).delete()
    send_event_on_commit(
        events.room_group(room.pk),
        events.PARTICIPANT_MUTED,
        {"room_id": room.pk, "user_id": target.pk, "muted": muted},
    )
    return {}


@transaction.atomic
def participant_remove(*, actor: User, room_id: int, user_id: int) -> dict[str, Any]:
    """Remove a participant: their sockets close with 4410 and they cannot rejoin."""
    room = access_room(actor, room_id, perm="rooms.remove_participant")
    target = _target_in_room(room, user_id, actor)
    RoomRemoval.objects.get_or_create(room=room, user=target, defaults={"decided_by": actor})
    Presence.objects.filter(room=room, user=target).delete()
    if RaisedHand.objects.filter(room=room, user=target).delete()[0]:
        _broadcast_hands(room)
    send_event_on_commit(
        events.room_group(room.pk),
        events.PARTICIPANT_REMOVED,
        {"room_id": room.pk, "user_id": target.pk},
    )
    return {}


@transaction.atomic
def participant_readmit(*, actor: User, room_id: int, user_id: int) -> dict[str, Any]:
    room = access_room(actor, room_id, perm="rooms.remove_participant")
    if RoomRemoval.objects.filter(room=room, user_id=user_id).delete()[0]:
        audit_record(
            actor=actor, action=AuditEntry.Action.PARTICIPANT_READMITTED, target=room, details={"user_id": user_id}
        )
    return {}


# Room facilitation: the guardian grant rooms.facilitate_room on one room, given to a member.

def _holds_own_grant(person: User, room: Room) -> bool:
    """The grant given to the person themselves (not through a group, nor a council role)."""
    return "facilitate_room" in get_user_perms(person, room)


@transaction.atomic
def room_facilitator_grant(*, actor: User, room_id: int, user_id: int) -> User:
    """Make a member of the room's council a facilitator of this room; a no-op if they are.

    Their open sockets get their new capabilities after commit (_audit_and_notify).
    """
    room = access_room(actor, room_id, perm="rooms.manage_facilitators", for_update=True)
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None or not person.has_perm("rooms.become_facilitator", room):
        raise ValidationError({"user": _("Choose a member of this council.")})
    if not _holds_own_grant(person, room):
        assign_perm("rooms.facilitate_room", person, room)
        _audit_and_notify(actor, room, person, AuditEntry.Action.FACILITATOR_GRANTED)
    return person


@transaction.atomic
def room_facilitator_revoke(*, actor: User, room_id: int, user_id: int) -> None:
    """Take this room's facilitation back from someone; a no-op if they did not hold it.

    Only the person's own grant goes: a council role or a group's grant stays. Their open
    sockets get their capabilities again after commit.
    """
    room = access_room(actor, room_id, perm="rooms.manage_facilitators", for_update=True)
    person = User.objects.filter(pk=user_id).first()
    if person is not None and _holds_own_grant(person, room):
        remove_perm("rooms.facilitate_room", person, room)
        _audit_and_notify(actor, room, person, AuditEntry.Action.FACILITATOR_REVOKED)


def _audit_and_notify(actor: User, room: Room, person: User, action: AuditEntry.Action) -> None:
    """Record who changed whose facilitation, then tell the person's open sockets after commit.

    They re-check their access and re-send their capabilities on councils.role_changed
    (RoomConsumer.councils_role_changed): the role is unchanged, the rights are not.
    """
    audit_record(actor=actor, action=action, target=room, details={"user_id": person.pk})
    role = role_get(user=person, council=room.council)
    payload = {"council_id": room.council_id, "role": role.value if role else None}
    send_event_on_commit(user_group(person.pk), ROLE_CHANGED, payload)


def _update_room(room: Room, **changes: bool) -> None:
    for field, value in changes.items():
        setattr(room, field, value)
    room.save(update_fields=list(changes))
    send_event_on_commit(events.room_group(room.pk), events.ROOM_UPDATED, room_payload(room))


@transaction.atomic
def room_lock(*, actor: User, room_id: int, locked: bool = True) -> dict[str, Any]:
    """A locked room keeps who is in it and lets only facilitators in."""
    room = access_room(actor, room_id, perm="rooms.lock_room", for_update=True)
    if room.is_locked != locked:
        action = AuditEntry.Action.ROOM_LOCKED if locked else AuditEntry.Action.ROOM_UNLOCKED
        audit_record(actor=actor, action=action, target=room)
    _update_room(room, is_locked=locked)
    return {}


@transaction.atomic
def room_chat_open(*, actor: User, room_id: int, open_to_residents: bool = True) -> dict[str, Any]:
    room = access_room(actor, room_id, perm="rooms.open_chat", for_update=True)
    _update_room(room, residents_can_chat=open_to_residents)
    return {}


# Video: facilitator controls. Each persists its state, then tells the room and the media
# workers (group MEDIA_WORKERS_GROUP) after commit; the worker hosting the room acts on it.


def _media_event(room: Room, event_type: str, payload: dict[str, Any]) -> None:
    send_event_on_commit(events.room_group(room.pk), event_type, payload)
    send_event_on_commit(MEDIA_WORKERS_GROUP, event_type, payload)


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": str(user.public_name)}


def _media_target(room: Room, user_id: int, actor: User) -> User:
    from council.accounts.models import User

    target = User.objects.filter(pk=user_id).first()
    if target is None or target.pk == actor.pk or not target.has_perm("rooms.view_room", room):
        raise InvalidInput(_("Choose another participant."))
    return target


@transaction.atomic
def floor_give(*, actor: User, room_id: int, user_id: int, floor: bool = True) -> dict[str, Any]:
    """Let a resident publish (their raised hand is lowered), or take the floor back."""
    room = access_room(actor, room_id, perm="rooms.moderate_media", for_update=True)
    target = _media_target(room, user_id, actor)
    if floor:
        RoomFloor.objects.get_or_create(room=room, user=target, defaults={"decided_by": actor})
        if RaisedHand.objects.filter(room=room, user=target).delete()[0]:
            _broadcast_hands(room)
    else:
        RoomFloor.objects.filter(room=room, user=target).delete()
    _media_event(
        room,
        events.FLOOR_CHANGED,
        {"room_id": room.pk, "user_id": target.pk, "floor": floor, "by": _person(actor)},
    )
    return {}


def _mute(room: Room, actor: User, user_ids: list[int], kind: str) -> None:
    MediaMute.objects.bulk_create(
        [MediaMute(room=room, user_id=uid, kind=kind, decided_by=actor) for uid in user_ids],
        ignore_conflicts=True,
    )
    _media_event(
        room,
        events.MEDIA_MUTED,
        {"room_id": room.pk, "user_ids": user_ids, "kind": kind, "by": _person(actor)},
    )


@transaction.atomic
def media_mute(*, actor: User, room_id: int, user_id: int, kind: str = "audio") -> dict[str, Any]:
    """Mute someone's microphone (or stop their camera): the worker stops forwarding it."""
    room = access_room(actor, room_id, perm="rooms.moderate_media")
    target = _media_target(room, user_id, actor)
    _mute(room, actor, [target.pk], kind)
    return {}


@transaction.atomic
def media_mute_all(*, actor: User, room_id: int, kind: str = "audio") -> dict[str, Any]:
    """Mute everyone present except facilitators."""
    room = access_room(actor, room_id, perm="rooms.moderate_media")
    from council.accounts.models import User

    present = User.objects.filter(presence__room=room).distinct()
    user_ids = sorted(u.pk for u in present if not u.has_perm("rooms.moderate_media", room))
    _mute(room, actor, user_ids, kind)
    return {"user_ids": user_ids}


@transaction.atomic
def media_unmute_self(*, actor: User, room_id: int, kind: str) -> dict[str, Any]:
    """The person unmutes themselves: a facilitator's mute no longer applies."""
    room = access_room(actor, room_id, perm="rooms.view_room")
    MediaMute.objects.filter(room=room, user=actor, kind=kind).delete()
    return {}


@transaction.atomic
def call_end(*, actor: User, room_id: int) -> dict[str, Any]:
    """End the call for everyone: media stops, floors given and mutes are forgotten."""
    room = access_room(actor, room_id, perm="rooms.moderate_media", for_update=True)
    RoomFloor.objects.filter(room=room).delete()
    MediaMute.objects.filter(room=room).delete()
    _media_event(room, events.CALL_ENDED, {"room_id": room.pk, "by": _person(actor)})
    return {}
