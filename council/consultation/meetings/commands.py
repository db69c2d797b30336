"""The commands consultation adds to the room socket (council/consultation/meetings/stage.py, results.py).

They act on the meeting's plenary room, wherever the socket is (a workshop's room too).
"""

from typing import Any

from council.consultation.meetings import results
from council.consultation.meetings import stage
from council.core.commands import Payload
from council.rooms.host import register_command
from council.rooms.host import service_handler


class ShowContribution(Payload):
    contribution_id: int | None  # None: take the contribution off the stage


class AddToAgenda(Payload):
    contribution_id: int


class ShowResults(Payload):
    questionnaire_id: int | None  # None: take the results off the stage


class AddResultsToAgenda(Payload):
    questionnaire_id: int


def _plenary(socket: Any) -> int:
    return int(socket.plenary_id)


def register() -> None:
    register_command(stage.SHOW_COMMAND, ShowContribution, service_handler(stage.contribution_show, room_id=_plenary))
    register_command(stage.AGENDA_COMMAND, AddToAgenda, service_handler(stage.contribution_add_to_agenda, room_id=_plenary))
    register_command(results.SHOW_COMMAND, ShowResults, service_handler(results.results_show, room_id=_plenary))
    register_command(results.AGENDA_COMMAND, AddResultsToAgenda, service_handler(results.results_add_to_agenda, room_id=_plenary))
