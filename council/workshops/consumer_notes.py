"""Shared notes and report back on the meeting socket (mixed into MeetingConsumer).

A socket in a breakout room edits that workshop's notes: the snapshot of the room
carries the notes' document, and every merged update reaches the room's group. The
sender gets its own update back too: Yjs ignores an update it already holds, so the
echo costs a few bytes and lets every socket share one frame serialised once; the
page also uses it to know which of its changes the server kept.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.core.consumers import Command
from council.core.errors import InvalidInput
from council.workshops.notes import decode_update
from council.workshops.notes import notes_apply
from council.workshops.notes import notes_snapshot
from council.workshops.reports import report_save
from council.workshops.reports import reports_read
from council.workshops.reports import reports_visible_to


def _closed(state: dict[str, Any]) -> bool:
    if state["status"] == "closed":
        return True
    closes_at = state.get("closes_at")
    return state["status"] == "closing" and bool(closes_at) and datetime.fromisoformat(closes_at) <= timezone.now()


class NotesSocketMixin:
    #: the workshop whose breakout room this socket is in (set with every snapshot)
    notes_workshop_id: int | None = None

    def notes_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Add the current workshop's notes and report (and the session's reports) to the snapshot (sync)."""
        notes = notes_snapshot(user=self.user, room_id=self.room_id)
        self.notes_workshop_id = notes["workshop_id"] if notes else None
        snapshot["notes"] = notes
        snapshot["reports"] = reports_visible_to(user=self.user, plenary_id=self.plenary_id)

    async def notes_update(self, command: Command) -> None:
        asked = self.notes_workshop_id if command.data.workshop_id is None else command.data.workshop_id
        if self.notes_workshop_id is None or asked != self.notes_workshop_id:
            # `workshop_id` (optional) keeps an update typed in one workshop out of the next one.
            await self.send_error(command.request_id, "not_in_workshop", _("You are not in this workshop."))
            return
        try:
            update = decode_update(command.data.update)
        except InvalidInput as error:
            await self.send_error(command.request_id, error.code, error.message)
            return
        await self.call_service(command, notes_apply, workshop_id=self.notes_workshop_id, update=update)

    async def save_report(self, command: Command) -> None:
        await self.call_service(command, report_save, **command.data.model_dump())

    async def reports_list(self, command: Command) -> None:
        await self.call_service(command, reports_read, session_id=command.data.session_id)

    # -- group events

    async def workshops_notes_updated(self, message: dict[str, Any]) -> None:
        if message["payload"]["workshop_id"] == self.notes_workshop_id:  # not a room this socket left
            await self.forward(message)

    async def workshops_report_updated(self, message: dict[str, Any]) -> None:
        if self._may_see_report(message["payload"]):
            await self.forward(message)

    def _may_see_report(self, payload: dict[str, Any]) -> bool:
        """Facilitators always; the workshop's own people; everyone once the workshops are closed."""
        if getattr(self, "runs", False) or payload["workshop_id"] == self.notes_workshop_id:
            return True
        state = getattr(self, "session_state", None)
        if not state or state["session_id"] != payload["session_id"]:
            return False
        mine = {w for u, w in state["assignments"] if u == self.user.pk}
        mine |= {w["id"] for w in state["workshops"] if (w["cofacilitator"] or {}).get("id") == self.user.pk}
        return payload["workshop_id"] in mine or _closed(state)
