"""The commands the results announcement adds to the room socket (council/budgeting/stage.py).

They act on the meeting's plenary room, wherever the socket is (a workshop's room too).
"""

from typing import Any

from council.budgeting import stage
from council.core.commands import NoPayload
from council.core.commands import Payload
from council.rooms.host import register_command
from council.rooms.host import service_handler


class Announce(Payload):
    budget_id: int | None  # None: end the announcement


def _plenary(socket: Any) -> int:
    return int(socket.plenary_id)


def register() -> None:
    register_command(stage.ANNOUNCE_COMMAND, Announce, service_handler(stage.announcement_start, room_id=_plenary))
    register_command(stage.REVEAL_COMMAND, NoPayload, service_handler(stage.announcement_reveal_next, room_id=_plenary))
