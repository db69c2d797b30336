"""The meeting's agenda and speaking turns on the meeting socket (mixed into MeetingConsumer).

The agenda belongs to the plenary: every command acts on `self.plenary_id`, wherever the
socket is (a facilitator visiting a workshop still runs the meeting's agenda). The commands
are registered with the host in council/workshops/commands.py.
"""

from typing import Any

from council.workshops import agenda


class AgendaSocketMixin:
    plenary_id: int
    user: Any

    def agenda_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Add the plenary's agenda and speakers to the snapshot (None if the person may not see them); sync."""
        snapshot.update(agenda.agenda_snapshot(user=self.user, room_id=self.plenary_id))

    # Group events: everyone of the meeting sees the agenda and who speaks.

    async def workshops_agenda_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def workshops_speakers_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)
