"""Group names and event payloads of live rooms (documented in docs/asyncapi.yaml)."""

from typing import Any

from council.core.process_cache import presence_only_event
from council.rooms.models import Message

MESSAGE_POSTED = "rooms.message_posted"
MESSAGE_DELETED = "rooms.message_deleted"
PRESENCE_CHANGED = "rooms.presence_changed"
HANDS_CHANGED = "rooms.hands_changed"
PARTICIPANT_MUTED = "rooms.participant_muted"
PARTICIPANT_REMOVED = "rooms.participant_removed"
ROOM_UPDATED = "rooms.room_updated"
ROOM_SYNCED = "rooms.room_synced"
CAPABILITIES_CHANGED = "rooms.capabilities_changed"
#: frame: the server lost the channel layer (Redis); others' doings arrive again with the next snapshot
UPDATES_INTERRUPTED = "rooms.updates_interrupted"
MOVED = "rooms.moved"  # frame: the socket moved to another room of its meeting (its snapshot came first)

# Who is present is never kept across arrival waves: its summaries leave the rooms' kept views alone.
presence_only_event(PRESENCE_CHANGED)


def room_group(room_id: int) -> str:
    """Everyone allowed in the room, on every process."""
    return f"room.{room_id}"


def meeting_group(plenary_room_id: int) -> str:
    """Every socket of a plenary room and of its breakout rooms: what the meeting's modules tell everyone."""
    return f"meeting.{plenary_room_id}"


def facilitators_group(plenary_room_id: int) -> str:
    """The sockets of the people who run the meeting (rooms.moderate_room on its plenary).

    The host has sockets join and leave it as rights change (RoomConsumer.rights_changed):
    facilitator-only events go to it, so a demoted facilitator stops hearing them.
    """
    return f"meeting.{plenary_room_id}.facilitators"


def message_payload(message: Message) -> dict[str, Any]:
    deleted = message.deleted_at is not None
    return {
        "room_id": message.room_id,
        "seq": message.seq,
        "author": {"id": message.author_id, "name": str(message.author.public_name)},
        "text": "" if deleted else message.text,
        "deleted": deleted,
        "created_at": message.created_at.isoformat(),
    }

# Video (docs/media.md): sent by the media worker, or by the media services after commit.
RTC_OFFER = "rooms.rtc_offer"
MEDIA_TRACKS_CHANGED = "rooms.media_tracks_changed"
MEDIA_STATE_CHANGED = "rooms.media_state_changed"
MEDIA_MUTED = "rooms.media_muted"
FLOOR_CHANGED = "rooms.floor_changed"
CALL_ENDED = "rooms.call_ended"
