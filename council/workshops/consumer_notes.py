"""Shared notes and report back on the meeting socket (mixed into MeetingConsumer)."""

from typing import Any

NOTES_COMMANDS: dict[str, str] = {}  # client frame type -> handler method name


class NotesSocketMixin:
    async def notes_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Add the current workshop's notes and report (and the session's reports) to the snapshot."""
