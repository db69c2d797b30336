"""Reads for live rooms: the snapshot a socket gets on connect, presence, hands."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from council.core.memo import remembered
from council.councils.models import Council
from council.councils.selectors import role_get
from council.councils.selectors import roles_of
from council.rooms.events import message_payload
from council.rooms.models import Message
from council.rooms.models import Presence
from council.rooms.models import RaisedHand
from council.rooms.models import Room

CAPABILITIES = ("send_message", "raise_hand", "moderate_room", "publish_media", "moderate_media")


def room_list_visible_to(*, user, council: Council) -> QuerySet[Room]:
    if not user.is_authenticated or role_get(user=user, council=council) is None:
        return Room.objects.none()
    return council.rooms.filter(parent__isnull=True).exclude(removals__user=user)


def capabilities(*, user, room: Room) -> dict[str, bool]:
    """What the person may do now, so the page shows only controls that will work."""
    with remembered():
        return {name: user.has_perm(f"rooms.{name}", room) for name in CAPABILITIES}


def _fresh_presences(room: Room) -> QuerySet[Presence]:
    cutoff = timezone.now() - timedelta(seconds=settings.ROOM_PRESENCE_TTL_SECONDS)
    return Presence.objects.filter(room=room, seen_at__gte=cutoff, hidden=False)


def presence_summary(*, room: Room) -> dict[str, Any]:
    """Who is here, de-duplicated across a person's tabs; the list is capped for big rooms."""
    user_ids = list(_fresh_presences(room).values_list("user_id", flat=True).distinct())
    roles = roles_of(council=room.council, user_ids=user_ids)
    counts: dict[str, int] = {}
    for role in roles.values():
        counts[role.value] = counts.get(role.value, 0) + 1
    shown = sorted(user_ids)[: settings.ROOM_PRESENCE_LIST_MAX]
    names = dict(_names(shown))
    participants = [
        {"id": uid, "name": names.get(uid, ""), "role": roles[uid].value if uid in roles else None}
        for uid in shown
    ]
    participants.sort(key=lambda p: (p["role"] not in ("administrator", "facilitator"), p["name"]))
    return {
        "room_id": room.pk,
        "count": len(user_ids),
        "counts_by_role": counts,
        "participants": participants,
        "truncated": len(user_ids) > len(shown),
    }


def _names(user_ids: list[int]):
    from council.accounts.models import User

    for user in User.objects.filter(pk__in=user_ids).only("id", "display_name"):
        yield user.pk, str(user.public_name)


def hands_queue(*, room: Room) -> list[dict[str, Any]]:
    hands = RaisedHand.objects.filter(room=room).select_related("user")
    return [
        {"user_id": h.user_id, "name": str(h.user.public_name), "raised_at": h.raised_at.isoformat()}
        for h in hands
    ]


def messages_since(*, room: Room, since_seq: int | None) -> tuple[list[dict[str, Any]], bool]:
    """Return what a client that saw up to `since_seq` missed, and whether it was cut short."""
    messages = Message.objects.filter(room=room).select_related("author")
    if since_seq is None:
        recent = list(messages.order_by("-seq")[: settings.ROOM_HISTORY_ON_JOIN])
        return [message_payload(m) for m in reversed(recent)], False
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


def room_snapshot(*, user, room_id: int, since_seq: int | None = None) -> dict[str, Any]:
    """The state a socket sends on connect and on resync; applied whole by the client."""
    with remembered():
        return _room_snapshot(user, Room.objects.select_related("council").get(pk=room_id), since_seq)


def _room_snapshot(user, room: Room, since_seq: int | None) -> dict[str, Any]:
    messages, truncated = messages_since(room=room, since_seq=since_seq)
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
        "deleted_seqs": deleted_seqs_before(room=room, since_seq=since_seq) if since_seq else [],
        "presence": presence_summary(room=room),
        "hands": hands_queue(room=room),
    }
