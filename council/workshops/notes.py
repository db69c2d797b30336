"""A workshop's shared notes: one Yjs document that the server merges with pycrdt (Yrs).

Browsers edit a Y.Text named "notes" and send each local change as a Yjs update. The
server applies it to the stored document under a row lock, so concurrent typists end
with the same text whatever order their updates arrive in (a CRDT, no transforms),
stores the merged state and its plain text, and only then relays the update to the
workshop's room. An update that cannot be merged changes nothing.
"""

import base64
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from pycrdt import Doc
from pycrdt import Text

from council.accounts.models import User
from council.core.errors import InvalidInput
from council.core.memo import recall
from council.core.memo import remember
from council.core.realtime import send_event_on_commit
from council.rooms.events import room_group
from council.rooms.selectors import room_already_read
from council.workshops import events
from council.workshops.models import Notes
from council.workshops.models import Workshop
from council.workshops.permissions import access_workshop
from council.workshops.permissions import workshop_of_room
from council.workshops.permissions import workshops_of_rooms_remember

TEXT_NAME = "notes"  # the Y.Text both sides edit
MAX_UPDATE_BYTES = 48 * 1024  # once in base64, still fits one socket frame (ROOM_MAX_FRAME_BYTES)
MAX_CHARS = 100_000
MAX_STATE_BYTES = 2 * 1024 * 1024  # the history kept in the document, whatever its types
EMPTY_STATE = Doc().get_update()


def _read_var_uint(data: bytes, offset: int) -> tuple[int, int]:
    """Read one lib0 variable-length unsigned integer; return it and the next offset."""
    value, shift = 0, 0
    while True:
        if offset >= len(data) or shift > 63:
            raise ValueError("truncated integer")
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, offset


def _clocks(state_vector: bytes) -> dict[int, int]:
    count, offset = _read_var_uint(state_vector, 0)
    clocks = {}
    for _index in range(count):
        client, offset = _read_var_uint(state_vector, offset)
        clocks[client], offset = _read_var_uint(state_vector, offset)
    return clocks


def _first_insertions(update: bytes) -> tuple[int, int] | None:
    """(client, first clock) of the insertions a browser's update starts with, if any.

    A browser sends its own changes only, so one client's insertions open the update
    (Yjs update format v1: number of clients, then structs count, client, clock).
    """
    clients, offset = _read_var_uint(update, 0)
    if clients == 0:
        return None
    _structs, offset = _read_var_uint(update, offset)
    client, offset = _read_var_uint(update, offset)
    clock, _offset = _read_var_uint(update, offset)
    return client, clock


def notes_merge(state: bytes, update: bytes) -> tuple[bytes, str]:
    """Return the document state and text once `update` is applied; InvalidInput if it cannot be.

    Yrs keeps an update whose earlier changes it has not seen aside, and would not
    encode it in the state: such an update is refused, so the stored document always
    holds everything that was relayed.
    """
    doc = Doc()
    doc.apply_update(state or EMPTY_STATE)
    try:
        known = _clocks(doc.get_state())
        first = _first_insertions(update)
        doc.apply_update(update)
        text = str(doc.get(TEXT_NAME, type=Text))
    except Exception as error:  # pycrdt raises ValueError (and Yrs errors) for bytes it cannot decode
        raise InvalidInput(_("These changes to the notes could not be read."), code="invalid") from error
    if first is not None and first[1] > known.get(first[0], 0):
        raise InvalidInput(_("These changes to the notes arrived out of order."), code="out_of_order")
    return doc.get_update(), text


def decode_update(value: str) -> bytes:
    """The bytes of a base64 update from a socket frame (InvalidInput if it is not base64).

    The frame's schema (NotesUpdate) makes it a non-empty string; whether it is base64 is
    this module's to tell.
    """
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as error:  # binascii.Error is a ValueError
        raise InvalidInput(_("'update' must be a base64 string.")) from error


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@transaction.atomic
def notes_apply(*, actor: User, workshop_id: int, update: bytes) -> dict[str, Any]:
    """Merge a Yjs update into a workshop's notes and relay it to the workshop after commit.

    Locks the Notes row, so two updates of the same notes are merged one after the
    other. Emits `workshops.notes_updated` to the breakout room's group (facilitators
    visiting are in it too).
    """
    workshop = access_workshop(actor, workshop_id, perm="workshops.edit_notes")
    if len(update) > MAX_UPDATE_BYTES:
        raise InvalidInput(
            _("Too many changes at once (at most %(max)d KiB): paste in smaller parts.")
            % {"max": MAX_UPDATE_BYTES // 1024},
            code="too_large",
        )
    notes, _created = Notes.objects.select_for_update().get_or_create(workshop=workshop)
    old_state, old_text = bytes(notes.state), notes.text
    new_state, new_text = notes_merge(old_state, update)
    if len(new_text) > MAX_CHARS and len(new_text) > len(old_text):
        raise InvalidInput(
            _("The notes are limited to %(max)d characters.") % {"max": MAX_CHARS}, code="too_long"
        )
    if len(new_state) > MAX_STATE_BYTES and len(new_state) > len(old_state):
        raise InvalidInput(_("These notes are full: start a new document."), code="too_long")
    if new_state == old_state:  # already merged (a command sent again after reconnecting)
        return {}
    notes.state, notes.text = new_state, new_text
    notes.save(update_fields=["state", "text", "updated_at"])
    send_event_on_commit(
        room_group(workshop.room_id),
        events.NOTES_UPDATED,
        {"workshop_id": workshop.pk, "update": encode(update), "by": {"id": actor.pk, "name": str(actor.public_name)}},
    )
    return {}


def notes_of(workshop: Workshop) -> tuple[bytes, str]:
    """(state, text) of a workshop's notes; an empty document when nobody wrote yet."""
    row = Notes.objects.filter(workshop=workshop).values_list("state", "text").first()
    return _content(row)


def _content(row) -> tuple[bytes, str]:
    """(state, text) of a Notes row (or its values); an empty document for None."""
    if row is None:
        return EMPTY_STATE, ""
    state, text = (row.state, row.text) if isinstance(row, Notes) else row
    return bytes(state) or EMPTY_STATE, text


def workshop_views_remember(room_ids: set[int]) -> None:
    """Read the workshop, notes and report of many breakout rooms at once, for notes_snapshot.

    A wave of sockets moving into twenty workshops (council/rooms/moves.py) would
    otherwise read them room by room.
    """
    from council.workshops.reports import report_payload

    # plenaries the wave has read already are no workshop's: a connect to a plenary reads nothing here
    plenaries = frozenset(
        room_id for room_id in room_ids if (room := room_already_read(room_id)) and room.parent_id is None
    )
    for workshop in workshops_of_rooms_remember(room_ids, with_related=("notes", "report"), plenaries=plenaries).values():
        remember(("notes_of", workshop.pk), _content(getattr(workshop, "notes", None)))
        remember(("report_of", workshop.pk), report_payload(workshop, getattr(workshop, "report", None)))


def notes_snapshot(*, user: User, room_id: int) -> dict[str, Any] | None:
    """What a socket in a breakout room gets: the notes' state, its report and what it may do.

    None outside a workshop. The socket is in the room, so it may read them.
    """
    from council.workshops.reports import report_of

    workshop = workshop_of_room(room_id)
    if workshop is None:
        return None
    state, _text = recall(("notes_of", workshop.pk), lambda: notes_of(workshop))
    return {
        "workshop_id": workshop.pk,
        "name": workshop.name,
        "topic": workshop.topic,
        "state": encode(state),
        "can_edit": user.has_perm("workshops.edit_notes", workshop),
        "can_report": user.has_perm("workshops.edit_report", workshop),
        "max_proposals": workshop.session.max_proposals,
        "report": recall(("report_of", workshop.pk), lambda: report_of(workshop)),
    }
