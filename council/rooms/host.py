"""The meeting host: what modules register to take part in a live room.

rooms owns the socket (one consumer class, council/rooms/consumers.py, for every room); a
meeting module (workshops, the agenda, later polls and votes) registers here, from its
`AppConfig.ready()`, its commands, its events, its snapshot sections and the part it keeps
on each socket, the way `groups.segments.register_behaviour` lets rooms add a behaviour
without groups knowing it. rooms never imports a module: it only reads this registry.

A command is one frame type, one typed payload schema (council/core/commands.py), and a
handler `handler(socket, command)` that receives `command.data` already validated: the
socket validates every payload once, before any handler runs.
"""

from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from council.core.commands import Payload
from council.core.consumers import Command

Handler = Callable[[Any, Command], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    name: str  # the frame's type
    schema: type[Payload]
    handler: Handler


_commands: dict[str, CommandSpec] = {}


def register_command(type_: str, schema: type[Payload], handler: Handler) -> None:
    """Accept frames of `type_` on every room socket, validated against `schema`."""
    if type_ in _commands and _commands[type_].handler is not handler:
        raise ImproperlyConfigured(f"Command {type_!r} is registered twice.")
    _commands[type_] = CommandSpec(name=type_, schema=schema, handler=handler)


def command_spec(type_: str) -> CommandSpec | None:
    return _commands.get(type_)


def command_types() -> frozenset[str]:
    """Every command a room socket accepts (docs/asyncapi.yaml lists exactly these)."""
    return frozenset(_commands)


def service_handler(service: Callable[..., Any], **bound: Callable[[Any], Any]) -> Handler:
    """A handler that calls `service` with the payload's fields, plus `bound` values read from the socket.

    `service_handler(services.message_delete, room_id=lambda socket: socket.room_id)`.
    """

    async def handle(socket: Any, command: Command) -> None:
        arguments = {name: read(socket) for name, read in bound.items()}
        await socket.call_service(command, service, **command.data.arguments(), **arguments)

    return handle


# -- events: group messages a module sends to the meeting, relayed or handled on each socket

EventHandler = Callable[[Any, dict[str, Any]], Awaitable[None]]


async def forward(socket: Any, message: dict[str, Any]) -> None:
    """Relay the frame the sender serialised once (most events need nothing else)."""
    await socket.forward(message)


_events: dict[str, EventHandler] = {}


def register_event(type_: str, handler: EventHandler = forward) -> None:
    """Have every room socket handle group messages of `type_` with `handler(socket, message)`.

    Events go to an audience group (the room, the meeting, its facilitators, a person):
    who hears one is decided by who is in the group, not by the handler.
    """
    if type_ in _events and _events[type_] is not handler:
        raise ImproperlyConfigured(f"Event {type_!r} is registered twice.")
    _events[type_] = handler


def event_handler(type_: str) -> EventHandler | None:
    return _events.get(type_)


def event_types() -> frozenset[str]:
    return frozenset(_events)


# -- socket parts: what a module keeps on each socket, and the moments it takes part in


class SocketPart:
    """A module's state on one room socket and its hooks; every hook does nothing by default.

    The host creates one per socket from the registered factory and calls the hooks in
    registration order. A part never replaces the host's own steps: it adds to them.
    """

    def __init__(self, socket: Any) -> None:
        self.socket = socket

    async def arriving(self) -> None:
        """The socket is let in and about to enter its first room (event loop)."""

    def entry_destination(self, room_id: int) -> int:
        """The room a socket opened on `room_id` enters (database thread; a running workshop may send it elsewhere).

        Called for every socket of an arrival wave in one unit of work (council/rooms/arrivals.py):
        facts read through the memo are shared by the wave.
        """
        return room_id

    async def joined(self) -> None:
        """The socket is in its room's and meeting's groups, before its snapshot."""

    def extend_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Add what needs this socket's state to its snapshot (database thread); sections need none."""

    async def snapshot_sent(self, snapshot: dict[str, Any]) -> None:
        """The snapshot went out."""

    async def disconnect(self) -> None:
        """The socket is closing, while it still holds its presence."""


_parts: dict[str, Callable[[Any], SocketPart]] = {}


def register_socket_part(name: str, factory: Callable[[Any], SocketPart]) -> None:
    """Give every room socket a `factory(socket)` part, found with `socket.part(name)`."""
    if name in _parts and _parts[name] is not factory:
        raise ImproperlyConfigured(f"Socket part {name!r} is registered twice.")
    _parts[name] = factory


def socket_parts(socket: Any) -> dict[str, SocketPart]:
    return {name: factory(socket) for name, factory in _parts.items()}


def part_method(name: str, method: str) -> Callable[[Any, Any], Awaitable[None]]:
    """A command or event handler that is a method of the socket's part `name` (it needs its state)."""

    async def handle(socket: Any, command_or_message: Any) -> None:
        await getattr(socket.part(name), method)(command_or_message)

    return handle


# -- breakout rooms: who runs one and who comes in is the module's rule (workshops)

#: name -> predicate(user, room); rooms' rules call them through `breakout_rule`, by role
_breakout_rules: dict[str, Callable[[Any, Any], bool]] = {}


def register_breakout_rules(*, facilitates: Callable[[Any, Any], bool], admits: Callable[[Any, Any], bool]) -> None:
    """The module that owns breakout rooms says who facilitates one and who is let into one."""
    _breakout_rules.update(facilitates=facilitates, admits=admits)


def breakout_rule(name: str, user: Any, room: Any) -> bool:
    """Ask the registered breakout rule `name` ("facilitates", "admits"); False with no module."""
    rule = _breakout_rules.get(name)
    return bool(rule is not None and rule(user, room))


# -- the room page: a module's tabs, stage parts, scripts and panel data are registered with
# council/rooms/panels.py (register_panel), one registry for the page.


# -- snapshot sections: what a module adds to rooms.room_synced


@dataclass(frozen=True)
class Section:
    name: str
    build: Callable[[Any, Any], Any]  # (user, room) -> the section's value (database thread)
    perm: str | None  # a permission asked on the room; the section is None for those without it


_sections: dict[str, Section] = {}


def register_section(name: str, build: Callable[[Any, Any], Any], *, perm: str | None = None) -> None:
    """Add `name` to every room snapshot: `build(user, room)`, for people with `perm` on the room."""
    if name in _sections and _sections[name].build is not build:
        raise ImproperlyConfigured(f"Snapshot section {name!r} is registered twice.")
    _sections[name] = Section(name=name, build=build, perm=perm)


def sections_for(user: Any, room: Any) -> dict[str, Any]:
    """Every registered section as `user` may see it in `room` (sync)."""
    return {
        section.name: section.build(user, room) if section.perm is None or user.has_perm(section.perm, room) else None
        for section in _sections.values()
    }


# -- waves: what a module reads in bulk and writes when sockets move (council/rooms/moves.py)

_wave_facts: list[Callable[[list[Any], list[Any]], None]] = []
_wave_views: list[Callable[[set[int]], None]] = []
_wave_own_views: list[Callable[[list[Any], list[Any]], None]] = []
_entry_wrappers: list[Callable[..., list[Any]]] = []
#: memo keys (their first item) whose answers depend on who is present in a room
_presence_keys: set[str] = set()


def register_wave(
    *,
    remember_facts: Callable[[list[Any], list[Any]], None] | None = None,
    remember_views: Callable[[set[int]], None] | None = None,
    remember_own_views: Callable[[list[Any], list[Any]], None] | None = None,
    wrap_entry: Callable[..., list[Any]] | None = None,
    presence_keys: tuple[str, ...] = (),
) -> None:
    """What a module adds to every move of sockets between rooms, for all of them at once.

    Before the sockets enter: `remember_facts(users, rooms)` reads what its rules will ask
    (council/core/facts.py); `wrap_entry(entries=..., join=...)` calls `join(entries)` (rooms'
    own entry) and may adjust the entries before and log them after, in the same few statements.
    Once they are in (their presence written): `remember_views(room_ids)` reads what its
    sections show everyone in those rooms, `remember_own_views(users, rooms)` what they show
    each person. `presence_keys` name the memo answers (council/core/memo.py) that depend on who
    is present: any read before the entry is dropped once the presence rows are written.
    """
    if remember_facts is not None and remember_facts not in _wave_facts:
        _wave_facts.append(remember_facts)
    if remember_views is not None and remember_views not in _wave_views:
        _wave_views.append(remember_views)
    if remember_own_views is not None and remember_own_views not in _wave_own_views:
        _wave_own_views.append(remember_own_views)
    if wrap_entry is not None and wrap_entry not in _entry_wrappers:
        _entry_wrappers.append(wrap_entry)
    _presence_keys.update(presence_keys)


def wave_facts() -> list[Callable[[list[Any], list[Any]], None]]:
    return list(_wave_facts)


def wave_views() -> list[Callable[[set[int]], None]]:
    return list(_wave_views)


def wave_own_views() -> list[Callable[[list[Any], list[Any]], None]]:
    return list(_wave_own_views)


def presence_keys() -> frozenset[str]:
    return frozenset(_presence_keys)


def entry_wrappers() -> list[Callable[..., list[Any]]]:
    return list(_entry_wrappers)
