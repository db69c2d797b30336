"""Reads for live rooms: the snapshot a socket gets on connect, presence, hands."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.db.models import Prefetch
from django.db.models import QuerySet
from django.db.models import Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from guardian.models import UserObjectPermission

from council.accounts.models import User
from council.core.memo import known
from council.core.memo import recall
from council.core.memo import recall_each
from council.core.memo import remember
from council.core.memo import remembered
from council.core.process_cache import room_view
from council.councils.models import Council
from council.councils.models import Role
from council.councils.selectors import member_list
from council.councils.selectors import role_get
from council.councils.selectors import roles_recalled
from council.councils.selectors import roles_remember
from council.rooms.events import message_payload
from council.rooms.models import Message
from council.rooms.models import Presence
from council.rooms.models import RaisedHand
from council.rooms.models import Room
from council.rooms.models import RoomRemoval
from council.rooms.permissions import facilitates
from council.rooms.permissions import room_facts_remember

ROOM = room_view("room")  # the room and its hands: kept across arrival waves (council/core/process_cache.py)
HANDS_QUEUE = room_view("hands_queue")
# Never kept: a socket's snapshot sets from which seq it forwards the room's messages, and a
# kept list older than the room's last seq would make it skip those in between.
MESSAGES_SINCE = "messages_since"
DELETED_SEQS_BEFORE = "deleted_seqs_before"


CAPABILITIES = ("send_message", "raise_hand", "moderate_room", "publish_media", "moderate_media")


def room_list_visible_to(*, user: User | AnonymousUser, council: Council) -> list[Room]:
    """The council's plenary rooms the person may see, asked of rooms.view_room.

    The rule, not a copy of it: a room kept for some groups is not listed to the others.
    """
    if not user.is_authenticated or role_get(user=user, council=council) is None:
        return []
    rooms = list(council.rooms.filter(parent__isnull=True).select_related("council"))
    with remembered():
        return [room for room in rooms if user.has_perm("rooms.view_room", room)]


def capabilities(*, user: User, room: Room) -> dict[str, bool]:
    """What the person may do now, so the page shows only controls that will work."""
    with remembered():
        return {name: user.has_perm(f"rooms.{name}", room) for name in CAPABILITIES}


def room_facilitator_list(*, room: Room) -> list[User]:
    """The people given this room's facilitation themselves (not by a role or a group), by name."""
    grants = UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Room), object_pk=str(room.pk), permission__codename="facilitate_room"
    )
    return list(User.objects.filter(pk__in=grants.values("user_id")).order_by("display_name", "pk"))


def room_facilitator_candidates(*, room: Room) -> list[User]:
    """The council's people who may be named facilitator of the room and do not run it yet.

    Asked of the rules (rooms.become_facilitator, rooms.moderate_room), read in bulk.
    """
    user_ids = [user_id for user_id, _role in member_list(council=room.council)]
    people = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("display_name", "pk"))
    with remembered():
        roles_remember(council=room.council, user_ids=user_ids)
        room_facts_remember(users=people, rooms=[room])
        return [
            person
            for person in people
            if person.has_perm("rooms.become_facilitator", room) and not person.has_perm("rooms.moderate_room", room)
        ]


def presence_summary(*, room: Room) -> dict[str, Any]:
    """Who is here, de-duplicated across a person's tabs; the list is capped for big rooms."""
    return presence_summaries(rooms=[room])[room.pk]


def presence_summaries(*, rooms: list[Room]) -> dict[int, dict[str, Any]]:
    """presence_summary of each room, for many rooms in four queries (a wave of moves)."""
    with remembered():
        return _presence_summaries(rooms)


def _presence_summaries(rooms: list[Room]) -> dict[int, dict[str, Any]]:
    present: dict[int, set[int]] = {room.pk: set() for room in rooms}
    facts: dict[int, tuple[str, bool, bool]] = {}
    rows = _fresh_presences(rooms).values_list(
        "room_id", "user_id", "user__display_name", "user__is_active", "user__is_superuser"
    ).distinct()
    for room_id, user_id, display_name, is_active, is_superuser in rows:  # the people with the rows: one query
        present[room_id].add(user_id)
        facts[user_id] = (display_name, is_active, is_superuser)
    everyone = set().union(*present.values())
    councils = {room.council_id: room.council for room in rooms}
    # the roles already known in this unit of work (the connecting person's) are not read again
    roles = {pk: roles_recalled(council=council, user_ids=everyone) for pk, council in councils.items()}
    shown = {room.pk: sorted(present[room.pk])[: settings.ROOM_PRESENCE_LIST_MAX] for room in rooms}
    # Only those listed become User objects: a room of 2,000 built 2,000 models per arrival
    # wave, a tenth of a surviving process's time while a dead one's sockets came back.
    listed = set().union(*shown.values())
    people = {
        user_id: User(pk=user_id, display_name=display_name, is_active=is_active, is_superuser=is_superuser)
        for user_id in listed
        for display_name, is_active, is_superuser in [facts[user_id]]
    }
    names = {user_id: str(person.public_name) for user_id, person in people.items()}
    moderates = _moderators_among(rooms, shown, people)
    return {
        room.pk: _summary(room, present[room.pk], shown[room.pk], roles[room.council_id], names, moderates)
        for room in rooms
    }


def _moderators_among(rooms: list[Room], shown: dict[int, list[int]], people: dict[int, User]) -> set[tuple[int, int]]:
    """(room id, user id) of the people listed who run the room, asked of rooms.moderate_room.

    The page offers to mute or remove only the others (the service refuses those who run the
    room): the rule's answer, not the roles, since a member may run a room or a workshop.
    """
    listed = [people[user_id] for user_id in set().union(*shown.values())]
    if not listed:
        return set()
    with remembered():  # the roles read above are recalled, not read again per person
        # the one fact the rule reads per person and room: grants on the rooms (and on the
        # plenaries of breakout rooms, whose facilitators run them), for everyone at once
        plenaries = {room.parent_id for room in rooms if room.parent_id is not None}
        facilitates.remember(listed, sorted({room.pk for room in rooms} | plenaries))
        return {
            (room.pk, user_id)
            for room in rooms
            for user_id in shown[room.pk]
            if people[user_id].has_perm("rooms.moderate_room", room)
        }


def present_user_ids(*, room: Room) -> set[int]:
    """The people connected to the room now, as its presence summary counts them.

    Fresh rows only (a dead process's rows stop counting after ROOM_PRESENCE_TTL_SECONDS),
    and not those listening in unseen. Meeting modules (a sitting's online presence) read it.
    """
    return set(_fresh_presences([room]).values_list("user_id", flat=True).distinct())


def _fresh_presences(rooms: list[Room]) -> QuerySet[Presence]:
    cutoff = timezone.now() - timedelta(seconds=settings.ROOM_PRESENCE_TTL_SECONDS)
    return Presence.objects.filter(room__in=rooms, seen_at__gte=cutoff, hidden=False)


def _summary(
    room: Room,
    user_ids: set[int],
    shown: list[int],
    roles: dict[int, Role],
    names: dict[int, str],
    moderates: set[tuple[int, int]],
) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for user_id in user_ids:
        if user_id in roles:
            counts[roles[user_id].value] = counts.get(roles[user_id].value, 0) + 1
    participants = [
        {
            "id": uid,
            "name": names.get(uid, ""),
            "role": roles[uid].value if uid in roles else None,
            "moderates": (room.pk, uid) in moderates,
        }
        for uid in shown
    ]
    participants.sort(key=lambda p: (not p["moderates"], p["name"]))
    return {
        "room_id": room.pk,
        "count": len(user_ids),
        "counts_by_role": counts,
        "participants": participants,
        "truncated": len(user_ids) > len(shown),
    }


def hands_queue(*, room: Room) -> list[dict[str, Any]]:
    return hands_queues(rooms=[room])[room.pk]


def hands_queues(*, rooms: list[Room]) -> dict[int, list[dict[str, Any]]]:
    """Each room's raised hands in order, for many rooms in one query."""
    queues: dict[int, list[dict[str, Any]]] = {room.pk: [] for room in rooms}
    for hand in RaisedHand.objects.filter(room__in=rooms).select_related("user"):
        queues[hand.room_id].append(
            {"user_id": hand.user_id, "name": str(hand.user.public_name), "raised_at": hand.raised_at.isoformat()}
        )
    return queues


def recent_messages(*, rooms: list[Room]) -> dict[int, list[dict[str, Any]]]:
    """The last ROOM_HISTORY_ON_JOIN messages of each room, oldest first, in one query."""
    newest_first = Window(RowNumber(), partition_by=F("room_id"), order_by=F("seq").desc())
    recent = (
        Message.objects.filter(room__in=rooms)
        .annotate(recency=newest_first)
        .filter(recency__lte=settings.ROOM_HISTORY_ON_JOIN)
        .select_related("author")
        .order_by("room_id", "seq")
    )
    by_room: dict[int, list[dict[str, Any]]] = {room.pk: [] for room in rooms}
    for message in recent:
        by_room[message.room_id].append(message_payload(message))
    return by_room


def messages_since(*, room: Room, since_seq: int | None) -> tuple[list[dict[str, Any]], bool]:
    """Return what a client that saw up to `since_seq` missed, and whether it was cut short."""
    if since_seq is None:
        return recent_messages(rooms=[room])[room.pk], False
    messages = Message.objects.filter(room=room).select_related("author")
    limit = settings.ROOM_RESYNC_MAX
    missed = list(messages.filter(seq__gt=since_seq).order_by("seq")[: limit + 1])
    truncated = len(missed) > limit
    return [message_payload(m) for m in missed[:limit]], truncated


def deleted_seqs_before(*, room: Room, since_seq: int) -> list[int]:
    """Seqs up to `since_seq` that were deleted: the client may still show them."""
    window_start = max(0, since_seq - settings.ROOM_RESYNC_MAX)
    return list(
        Message.objects.filter(
            room=room, seq__gt=window_start, seq__lte=since_seq, deleted_at__isnull=False
        ).values_list("seq", flat=True)
    )


def room_payload(room: Room) -> dict[str, Any]:
    return {
        "id": room.pk,
        "name": room.name,
        "council_id": room.council_id,
        "parent_id": room.parent_id,
        "locked": room.is_locked,
        "residents_can_chat": room.residents_can_chat,
        "last_seq": room.last_seq,
    }


def room_snapshot(*, user: User, room_id: int, since_seq: int | None = None) -> dict[str, Any]:
    """The state a socket sends on connect and on resync; applied whole by the client.

    What the room shows everyone is read once per unit of work: a wave of sockets moving
    into the same room (council/rooms/moves.py) shares it; what each person may do is theirs.
    """
    with remembered():
        return _room_snapshot(user, room_remembered(room_id), since_seq)


def room_remembered(room_id: int) -> Room:
    """The room (with its council), read once per unit of work."""
    return recall((ROOM, room_id), lambda: Room.objects.select_related("council").get(pk=room_id))


def rooms_remembered(room_ids: Iterable[int]) -> dict[int, Room]:
    """room_remembered for many rooms: those not yet read in this unit of work, in one query.

    A connect reads its room to find the meeting's plenary, to let the person in and to
    build the snapshot: once.
    """
    rooms = recall_each(
        room_ids,
        key=lambda room_id: (ROOM, room_id),
        read=lambda missing: Room.objects.select_related("council").in_bulk(missing),
    )
    return {room_id: room for room_id, room in rooms.items() if room is not None}


def room_already_read(room_id: int) -> Room | None:
    """The room if this unit of work has read it (room_remembered), else None: never a query."""
    return recall((ROOM, room_id), lambda: None) if known((ROOM, room_id)) else None


def room_views_remember(room_ids: set[int]) -> list[Room]:
    """Read what the snapshots of these rooms show everyone, for all the rooms at once.

    A wave of sockets moving into twenty workshops (council/rooms/moves.py) would
    otherwise read each room's messages, presence and hands on its own.
    """
    rooms = list(rooms_remembered(room_ids).values())  # those the wave's entry read are not read again
    # the process may have kept a room's hands since an earlier wave (process_cache)
    unread_hands = [room for room in rooms if not known((HANDS_QUEUE, room.pk))]
    hands = hands_queues(rooms=unread_hands) if unread_hands else {}
    messages, summaries = recent_messages(rooms=rooms), presence_summaries(rooms=rooms)
    for room in rooms:
        remember((MESSAGES_SINCE, room.pk, None), (messages[room.pk], False))
        if room.pk in hands:
            remember((HANDS_QUEUE, room.pk), hands[room.pk])
        remember(("presence_summary", room.pk), summaries[room.pk])
    return rooms


def _room_snapshot(user: User, room: Room, since_seq: int | None) -> dict[str, Any]:
    messages, truncated = recall(
        (MESSAGES_SINCE, room.pk, since_seq), lambda: messages_since(room=room, since_seq=since_seq)
    )
    role = role_get(user=user, council=room.council)
    return {
        "room": room_payload(room),
        "me": {
            "id": user.pk,
            "name": str(user.public_name),
            "role": role.value if role else None,
            "capabilities": capabilities(user=user, room=room),
        },
        "since_seq": since_seq,
        "messages": messages,
        "truncated": truncated,
        # sockets coming back together (a restarted process) mostly ask from the same seq: read once
        "deleted_seqs": recall(
            (DELETED_SEQS_BEFORE, room.pk, since_seq), lambda: deleted_seqs_before(room=room, since_seq=since_seq)
        ) if since_seq else [],
        "presence": recall(("presence_summary", room.pk), lambda: presence_summary(room=room)),
        "hands": recall((HANDS_QUEUE, room.pk), lambda: hands_queue(room=room)),
    }


def room_list_managed(*, council: Council) -> QuerySet[Room]:
    """The council's plenary rooms for its facilitators' page, next meeting first.

    With the groups each is open to and the people removed from it (to readmit).
    """
    return (
        council.rooms.filter(parent__isnull=True)
        .order_by(F("starts_at").asc(nulls_last=True), "name", "pk")
        .prefetch_related(
            "eligible_groups",
            Prefetch("removals", queryset=RoomRemoval.objects.select_related("user").order_by("created_at")),
        )
    )


UPCOMING_SHOWN = 10


def council_meetings(*, user: User | AnonymousUser, council: Council) -> dict[str, Any]:
    """The rooms part of the council page: live rooms, upcoming meetings, the managers' link.

    A meeting is upcoming from its day on (in the instance's time zone), so it stays listed
    while it runs. Visitors see the meetings open to the whole council; a meeting kept for
    some groups is listed only to people who may see it, as its name may say who it is for.
    """
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    candidates = (
        council.rooms.filter(parent__isnull=True, starts_at__gte=today)
        .order_by("starts_at", "pk")
        .prefetch_related("eligible_groups")
    )
    upcoming = []
    with remembered():
        for room in candidates:
            restricted = bool(room.eligible_groups.all())
            if restricted and not user.has_perm("rooms.view_room", room):
                continue
            upcoming.append({"room": room, "can_join": user.has_perm("rooms.join_room", room)})
            if len(upcoming) == UPCOMING_SHOWN:
                break
        can_manage = user.has_perm("rooms.create_room", council)
    return {
        "council": council,
        "has_role": role_get(user=user, council=council) is not None,
        "rooms": room_list_visible_to(user=user, council=council),
        "upcoming": upcoming,
        "can_manage": can_manage,
        "time_zone": settings.TIME_ZONE,
    }
