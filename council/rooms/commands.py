"""The room's own commands (chat, hands, moderation, video): one typed payload each.

Registered with the host (council/rooms/host.py) in RoomsConfig.ready(), as every meeting
module registers its own; the socket validates a payload once, so handlers and services
take typed values.
"""

from collections.abc import Callable
from typing import Any
from typing import Literal
from typing import Protocol

from pydantic import Field

from council.core.commands import NoPayload
from council.core.commands import Payload
from council.core.consumers import Command
from council.rooms import services
from council.rooms.host import Handler
from council.rooms.host import register_command
from council.rooms.host import service_handler

Kind = Literal["audio", "video"]


class SendMessage(Payload):
    text: str


class DeleteMessage(Payload):
    seq: int


class LowerHand(Payload):
    user_id: int | None = None  # someone else's hand (a facilitator), or one's own


class ReorderHands(Payload):
    user_ids: list[int]


class MuteParticipant(Payload):
    user_id: int
    muted: bool = True


class Participant(Payload):
    user_id: int


class LockRoom(Payload):
    locked: bool = True


class OpenChat(Payload):
    open: bool = True


class Sync(Payload):
    since: int | None = None


class Sdp(Payload):
    sdp: str = Field(pattern=r"\S")  # a session description, not blank


class RtcMute(Payload):
    kind: Kind
    muted: bool = True


class GiveFloor(Payload):
    user_id: int
    floor: bool = True


class MuteMedia(Payload):
    user_id: int
    kind: Kind = "audio"


class MuteAllMedia(Payload):
    kind: Kind = "audio"


class RoomSocket(Protocol):
    """What these handlers use of the room socket they are given."""

    room_id: int

    async def call_service(self, command: Command, service: Callable[..., Any], **kwargs: Any) -> Any: ...


def _room(socket: RoomSocket) -> int:
    return socket.room_id


def _method(name: str) -> Handler:
    """A handler that is a method of the room socket (video signalling needs its state)."""

    async def handle(socket: RoomSocket, command: Command) -> None:
        await getattr(socket, name)(command)

    return handle


async def _send_message(socket: RoomSocket, command: Command) -> None:
    await socket.call_service(
        command, services.message_post, room_id=socket.room_id, text=command.data.text, request_id=command.request_id
    )


async def _open_chat(socket: RoomSocket, command: Command) -> None:
    await socket.call_service(
        command, services.room_chat_open, room_id=socket.room_id, open_to_residents=command.data.open
    )


def register() -> None:
    register_command("rooms.send_message", SendMessage, _send_message)
    register_command("rooms.delete_message", DeleteMessage, service_handler(services.message_delete, room_id=_room))
    register_command("rooms.raise_hand", NoPayload, service_handler(services.hand_raise, room_id=_room))
    register_command("rooms.lower_hand", LowerHand, service_handler(services.hand_lower, room_id=_room))
    register_command("rooms.reorder_hands", ReorderHands, service_handler(services.hands_reorder, room_id=_room))
    register_command("rooms.clear_hands", NoPayload, service_handler(services.hands_clear, room_id=_room))
    register_command(
        "rooms.mute_participant", MuteParticipant, service_handler(services.participant_mute, room_id=_room)
    )
    register_command(
        "rooms.remove_participant", Participant, service_handler(services.participant_remove, room_id=_room)
    )
    register_command("rooms.lock_room", LockRoom, service_handler(services.room_lock, room_id=_room))
    register_command("rooms.open_chat", OpenChat, _open_chat)
    register_command("rooms.sync", Sync, _method("sync"))
    # video: council/rooms/signalling.py
    register_command("rooms.rtc_publish", Sdp, _method("rtc_publish"))
    register_command("rooms.rtc_unpublish", NoPayload, _method("rtc_unpublish"))
    register_command("rooms.rtc_subscribe", NoPayload, _method("rtc_subscribe"))
    register_command("rooms.rtc_answer", Sdp, _method("rtc_answer"))
    register_command("rooms.rtc_mute", RtcMute, _method("rtc_mute"))
    register_command("rooms.give_floor", GiveFloor, service_handler(services.floor_give, room_id=_room))
    register_command("rooms.mute_media", MuteMedia, service_handler(services.media_mute, room_id=_room))
    register_command("rooms.mute_all_media", MuteAllMedia, service_handler(services.media_mute_all, room_id=_room))
    register_command("rooms.end_call", NoPayload, service_handler(services.call_end, room_id=_room))
