"""The meeting's agenda and speaking turns on the meeting socket (mixed into MeetingConsumer).

The agenda belongs to the plenary: every command acts on `self.plenary_id`, wherever the
socket is (a facilitator visiting a workshop still runs the meeting's agenda).
"""

from typing import Any

from council.core.consumers import Command
from council.core.errors import InvalidInput
from council.workshops import agenda

AGENDA_COMMANDS: dict[str, str] = {  # client frame type -> handler method name
    "workshops.agenda_add": "add_agenda_item",
    "workshops.agenda_update": "update_agenda_item",
    "workshops.agenda_remove": "remove_agenda_item",
    "workshops.agenda_reorder": "reorder_agenda",
    "workshops.agenda_start": "start_agenda_item",
    "workshops.agenda_next": "next_agenda_item",
    "workshops.agenda_finish": "finish_agenda_item",
    "workshops.give_turn": "give_turn",
    "workshops.end_turn": "end_turn",
}

MISSING: Any = object()


def _integer(payload: dict[str, Any], key: str, *, nullable: bool = False) -> Any:
    """The integer at `key` (MISSING if absent; None allowed only when `nullable`)."""
    value = payload.get(key, MISSING)
    if value is MISSING or (value is None and nullable):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"'{key}' must be an integer{' or null' if nullable else ''}.")
    return value


def _text(payload: dict[str, Any], key: str) -> Any:
    value = payload.get(key, MISSING)
    if value is not MISSING and not isinstance(value, str):
        raise InvalidInput(f"'{key}' must be a string.")
    return value


def _required(value: Any, key: str) -> Any:
    if value is MISSING:
        raise InvalidInput(f"Missing {key}.")
    return value


def _present(**arguments: Any) -> dict[str, Any]:
    return {key: value for key, value in arguments.items() if value is not MISSING}


class AgendaSocketMixin:
    plenary_id: int
    user: Any

    def agenda_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Add the plenary's agenda and speakers to the snapshot (None if the person may not see them); sync."""
        snapshot.update(agenda.agenda_snapshot(user=self.user, room_id=self.plenary_id))

    async def _agenda_call(self, command: Command, service, read) -> None:
        """Read the payload with `read` (a bad type answers `invalid`), then call the service."""
        try:
            arguments = read(command.payload)
        except InvalidInput as error:
            await self.send_error(command.request_id, error.code, error.message)
            return
        await self.call_service(command, service, room_id=self.plenary_id, **arguments)

    async def add_agenda_item(self, command: Command) -> None:
        await self._agenda_call(
            command,
            agenda.agenda_item_add,
            lambda p: _present(
                title=_required(_text(p, "title"), "title"),
                planned_minutes=_integer(p, "planned_minutes"),
                session_id=_integer(p, "session_id", nullable=True),
            ),
        )

    async def update_agenda_item(self, command: Command) -> None:
        await self._agenda_call(
            command,
            agenda.agenda_item_update,
            lambda p: _present(
                item_id=_required(_integer(p, "item_id"), "item_id"),
                title=_text(p, "title"),
                planned_minutes=_integer(p, "planned_minutes"),
                session_id=_integer(p, "session_id", nullable=True),
            ),
        )

    async def remove_agenda_item(self, command: Command) -> None:
        await self._agenda_call(
            command, agenda.agenda_item_remove, lambda p: {"item_id": _required(_integer(p, "item_id"), "item_id")}
        )

    async def reorder_agenda(self, command: Command) -> None:
        def read(payload: dict[str, Any]) -> dict[str, Any]:
            item_ids = payload.get("item_ids")
            if not isinstance(item_ids, list) or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in item_ids
            ):
                raise InvalidInput("'item_ids' must be a list of integers.")
            return {"item_ids": item_ids}

        await self._agenda_call(command, agenda.agenda_reorder, read)

    async def start_agenda_item(self, command: Command) -> None:
        await self._agenda_call(
            command, agenda.agenda_item_start, lambda p: {"item_id": _required(_integer(p, "item_id"), "item_id")}
        )

    async def next_agenda_item(self, command: Command) -> None:
        await self._agenda_call(command, agenda.agenda_next, lambda p: {})

    async def finish_agenda_item(self, command: Command) -> None:
        await self._agenda_call(command, agenda.agenda_item_finish, lambda p: {})

    async def give_turn(self, command: Command) -> None:
        await self._agenda_call(
            command, agenda.speaker_give, lambda p: {"user_id": _required(_integer(p, "user_id"), "user_id")}
        )

    async def end_turn(self, command: Command) -> None:
        await self._agenda_call(command, agenda.speaker_end, lambda p: {})

    # Group events: everyone of the meeting sees the agenda and who speaks.

    async def workshops_agenda_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def workshops_speakers_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)
