"""The meeting's agenda and speaking turns on the meeting socket (mixed into MeetingConsumer)."""

from typing import Any

AGENDA_COMMANDS: dict[str, str] = {}  # client frame type -> handler method name


class AgendaSocketMixin:
    async def agenda_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Add the agenda (and, for facilitators, speaking times) to the snapshot."""
