"""The meeting's agenda as the host offers it to modules: its items, and what is attached to each.

The agenda belongs to one module (workshops, `AgendaItem`) and polls and votes to others
(voting), and modules never import each other. So the host keeps this registry, in its own
vocabulary, the way `groups.segments.register_behaviour` lets rooms add a behaviour:

- the agenda's owner registers how to read a room's items (`register_agenda`), how to
  announce its agenda again (`changed`), for instance when something attached to an item
  opened or closed, and how to append an item another module brings (`add`: a petition that
  reached its threshold, a contribution a facilitator puts on the agenda);
- a module that attaches things to items (a poll, a binding vote) registers how to list them
  (`register_attachments`), the words for its kind and statuses, and what to do when the
  agenda changes (`agenda_changed`, e.g. tell facilitators which item is current now).

A module stores the item's id as a plain integer, not a foreign key: an item deleted since
is an "unknown item" (`item()` answers None) and nothing attached to it breaks.
"""

from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from council.core.memo import recall
from council.core.process_cache import room_view

AGENDA_ITEMS = room_view("agenda_links.items")  # kept across arrival waves (council/core/process_cache.py)


@dataclass(frozen=True)
class AgendaItemRef:
    """One item of a room's agenda as modules see it."""

    id: int
    title: str
    position: int  # 0 for the first item
    current: bool  # under way now

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Attachment:
    """Something attached to an agenda item, as the agenda shows it: a kind's code, its status's code."""

    kind: str  # the registered kind: "poll", "vote"
    id: int
    title: str
    status: str  # the module's status code; the module's strings word it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ItemsReader = Callable[[int], list[AgendaItemRef]]  # room id -> its items, in order
AttachmentsReader = Callable[[int], dict[int, list[Attachment]]]  # room id -> {item id: public attachments}


ItemAdder = Callable[[int, str], int]  # (room id, title) -> the new item's id, appended, announced after commit


@dataclass(frozen=True)
class _Agenda:
    items: ItemsReader
    changed: Callable[[int], None]
    add: ItemAdder | None = None


@dataclass(frozen=True)
class _Attachable:
    kind: str
    attached: AttachmentsReader
    strings: Callable[[], dict[str, Any]]
    agenda_changed: Callable[[int], None] | None


_agenda: list[_Agenda] = []
_attachables: dict[str, _Attachable] = {}


def register_agenda(*, items: ItemsReader, changed: Callable[[int], None], add: ItemAdder | None = None) -> None:
    """The agenda's owner: `items(room_id)` reads a room's items (in order, the current one
    marked), `changed(room_id)` announces its agenda again after commit, `add(room_id, title)`
    appends an item (in the caller's transaction) and returns its id. One owner."""
    if _agenda and _agenda[0].items is not items:
        raise ImproperlyConfigured("An agenda is already registered.")
    _agenda[:] = [_Agenda(items=items, changed=changed, add=add)]


def register_attachments(
    kind: str,
    *,
    attached: AttachmentsReader,
    strings: Callable[[], dict[str, Any]],
    agenda_changed: Callable[[int], None] | None = None,
) -> None:
    """A module attaching things of `kind` to agenda items.

    `attached(room_id)` lists, by item id, what everyone following the meeting may see
    attached (nothing in preparation); `strings()` gives, in the reader's language, the
    kind's name (`"kind"`) and its statuses (`"statuses"`: code -> words);
    `agenda_changed(room_id)` is called when the room's agenda changed (in the transaction).
    """
    if kind in _attachables and _attachables[kind].attached is not attached:
        raise ImproperlyConfigured(f"Agenda attachments {kind!r} are registered twice.")
    _attachables[kind] = _Attachable(kind, attached, strings, agenda_changed)


# -- what modules ask


def items(room_id: int) -> list[AgendaItemRef]:
    """The room's agenda items, in order ([] without an agenda); read once per unit of work."""
    if not _agenda:
        return []
    reader = _agenda[0].items
    return recall((AGENDA_ITEMS, room_id), lambda: reader(room_id))


def item(room_id: int, item_id: int | None) -> AgendaItemRef | None:
    """The item `item_id` of the room's agenda, or None: no id, or an unknown item (deleted, another room's)."""
    if item_id is None:
        return None
    return next((found for found in items(room_id) if found.id == item_id), None)


def current(room_id: int) -> AgendaItemRef | None:
    return next((found for found in items(room_id) if found.current), None)


def attached(room_id: int) -> dict[int, list[Attachment]]:
    """Everything attached to the room's items, every kind, by item id (public attachments only)."""
    found: dict[int, list[Attachment]] = {}
    for attachable in _attachables.values():
        for item_id, attachments in attachable.attached(room_id).items():
            found.setdefault(item_id, []).extend(attachments)
    return found


def attachment_strings() -> dict[str, Any]:
    """Each kind's words, for the agenda's page: {kind: {"kind": …, "statuses": {…}}}."""
    return {kind: attachable.strings() for kind, attachable in _attachables.items()}


def add_item(room_id: int, title: str) -> int | None:
    """Append an item titled `title` to the room's agenda, in the caller's transaction; its id, or
    None when no agenda can take one. The caller asked its own rule first: the owner does not."""
    if not _agenda or _agenda[0].add is None:
        return None
    return _agenda[0].add(room_id, title)


# -- changes, each way


def attachments_changed(room_id: int) -> None:
    """A module's attachment to the room's agenda changed (opened, closed…): the agenda is announced again."""
    if _agenda:
        _agenda[0].changed(room_id)


def agenda_changed(room_id: int) -> None:
    """The owner's agenda changed (items, order, current item): modules that depend on it are told."""
    for attachable in _attachables.values():
        if attachable.agenda_changed is not None:
            attachable.agenda_changed(room_id)
