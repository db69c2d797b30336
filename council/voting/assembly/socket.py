"""The meeting rules' part of the room socket: its commands, events and snapshot section.

Registered with the host (council/rooms/host.py) in AssemblyConfig.ready().
"""

from typing import Any
from typing import Literal

from council.accounts.models import User
from council.core.commands import NoPayload
from council.core.commands import Payload
from council.core.memo import recall
from council.rooms import host
from council.rooms.models import Room
from council.voting.assembly import events
from council.voting.assembly import selectors
from council.voting.assembly import services


class OpenSitting(Payload):
    reconvened_from: int | None = None
    president_id: int | None = None


class SetPresident(Payload):
    user_id: int


class VoteMode(Payload):
    kind: Literal["roll_call", "secret"]


def _room_id(socket: Any) -> int:
    room_id: int = socket.room_id
    return room_id


async def _open(socket: Any, command: Any) -> None:
    data = command.data.arguments()
    await socket.call_service(
        command, services.sitting_open, room_id=_room_id(socket), reconvened_from_id=data.get("reconvened_from"),
        president_id=data.get("president_id"),
    )


def _constant(value: str) -> Any:
    return lambda socket: value


def register() -> None:
    bound = {"room_id": _room_id}
    host.register_command("assembly.open_sitting", OpenSitting, _open)
    host.register_command(
        "assembly.set_president", SetPresident, host.service_handler(services.sitting_president_set, **bound)
    )
    host.register_command("assembly.close_sitting", NoPayload, host.service_handler(services.sitting_close, **bound))
    host.register_command(
        "assembly.check_quorum", NoPayload, host.service_handler(services.quorum_check_requested, **bound)
    )
    for command, kind in (("assembly.request_roll_call", "roll_call"), ("assembly.request_secret_ballot", "secret")):
        host.register_command(
            command, NoPayload, host.service_handler(services.vote_mode_request, **bound, kind=_constant(kind))
        )
    host.register_command("assembly.withdraw_request", VoteMode, host.service_handler(services.vote_mode_withdraw, **bound))
    host.register_event(events.QUORUM_CHANGED)
    host.register_event(events.HALL_PRESENCE_CHANGED)
    host.register_section("assembly", assembly_section, perm="rooms.view_room")
    host.register_wave(
        remember_views=selectors.public_states_remember,
        remember_own_views=selectors.personal_views_remember,
        presence_keys=selectors.PRESENCE_KEYS,
    )


def assembly_section(user: User, room: Room) -> dict[str, Any]:
    """The public state, and the person's own: in office, present, proxies, requests."""
    state = recall(("assembly.public_state", room.pk), lambda: selectors.public_state(room))
    return {**state, "me": selectors.personal_view(user=user, room=room)}
