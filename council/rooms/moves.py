"""Sockets of one process that change rooms at the same moment move together, in one wave.

When a workshop session opens, every socket of the meeting hears the same announce and
moves into its breakout; when it closes, they all come back. Moved one at a time, each
socket checked its permission, wrote its presence and built its new room's snapshot on
its own: about 45 queries each, and 200 people took 4 to 17 s to arrive. A wave gathers
the moves asked within a few milliseconds of each other, then:

1. reads once, for everyone in it, the facts the permission rules ask (memo.remember),
   and writes every presence and log row in a few statements (`enter_rooms`), with what
   the meeting modules registered with the host (council/rooms/host.py);
2. switches each socket's groups and call (no database);
3. builds every snapshot in one unit of work, where what a room shows everyone
   (messages, presence, hands, notes…) is read once per room, what it shows each person
   (their proxies at a sitting…) once per room for everyone entering it, and what each
   person may do comes from the facts read in 1; whatever shows who is present is read
   after the presence rows are written, never before;
4. sends each socket its snapshot.

A single move (a facilitator visiting a workshop) is a wave of one.
"""

import asyncio
import functools
import itertools
import logging
import weakref
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from council.core.channel_layer import group_moves
from council.core.memo import forget
from council.core.memo import remembered
from council.core.realtime import SharedText
from council.core.threads import run_in_database_thread
from council.councils.selectors import roles_remember
from council.rooms import host
from council.rooms import presence
from council.rooms import services
from council.rooms.events import room_group
from council.rooms.models import Room
from council.rooms.permissions import room_facts_remember
from council.rooms.selectors import room_views_remember
from council.rooms.selectors import rooms_remembered
from council.rooms.services import Entry

if TYPE_CHECKING:
    from council.rooms.consumers import RoomConsumer

logger = logging.getLogger(__name__)

#: a wave leaves once no move joined it for this long…
QUIET_SECONDS = 0.02
#: …or this long after its first move, whichever comes first (and not before the wave ahead is done)
MAX_WAIT_SECONDS = 0.2
#: a wave smaller than this that waited behind another gathers again once its turn comes
SMALL_WAVE = 16


@dataclass
class Move:
    consumer: "RoomConsumer"
    room_id: int
    hidden: bool
    done: "asyncio.Future[bool]" = field(default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass
class Wave:
    #: what its steps are (moves, or arrivals: council/rooms/arrivals.py), and how it carries them out
    carry_out: Callable[["Wave"], Awaitable[None]]
    moves: list[Any] = field(default_factory=list)
    started: float = field(default_factory=lambda: asyncio.get_running_loop().time())
    last_joined: float = 0.0
    task: "asyncio.Task[None] | None" = None  # held here so the running wave is not garbage-collected


@dataclass
class _Waves:
    """A process's waves (one event loop each; tests run many loops one after the other)."""

    gathering: dict[Any, Wave] = field(default_factory=dict)  # the wave taking steps, by what it carries out
    one_at_a_time: asyncio.Lock = field(default_factory=asyncio.Lock)  # held by the wave under way


_waves: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Waves]" = weakref.WeakKeyDictionary()


def _of_this_loop() -> _Waves:
    loop = asyncio.get_running_loop()
    if loop not in _waves:
        _waves[loop] = _Waves()
    return _waves[loop]


async def move(consumer: "RoomConsumer", room_id: int, *, hidden: bool = False) -> bool:
    """Move `consumer` into `room_id` with whoever else moves now; False if they may not enter."""
    return bool(await join_wave(Move(consumer=consumer, room_id=room_id, hidden=hidden), _move_all))


async def join_wave(step: Any, carry_out: Callable[[Wave], Awaitable[None]]) -> Any:
    """Add `step` (with its `done` future) to the wave gathering for `carry_out`; its outcome."""
    loop = asyncio.get_running_loop()
    waves = _of_this_loop()
    wave = waves.gathering.get(carry_out)
    if wave is None:
        wave = waves.gathering[carry_out] = Wave(carry_out=carry_out)
        wave.task = loop.create_task(_run(wave))
    wave.moves.append(step)
    wave.last_joined = loop.time()
    return await step.done


async def _gathered(wave: Wave) -> None:
    """Wait until no step joined for QUIET_SECONDS, or MAX_WAIT_SECONDS passed since the wave started.

    A small wave that waited behind another counts both from its turn instead: the steps
    that arrive just then (sockets let in by the wave ahead, coming back with their next
    page) join it instead of starting a wave of their own behind it. Measured with a crowd
    connecting (docs/benchmarks.md, "Cheaper connects"), waves of 127 then of 1 alternated,
    and each wave of 1 read the room's presence, messages and facts for one socket. A big
    one leaves at once: the crowd of a restarted process must not wait for more of itself.
    """
    loop = asyncio.get_running_loop()
    turn = loop.time() if len(wave.moves) < SMALL_WAVE else wave.started
    # The deadline moves with every move that joins: a sleep until it, not an event to wait for.
    while (wait := min(max(wave.last_joined, turn) + QUIET_SECONDS, turn + MAX_WAIT_SECONDS) - loop.time()) > 0:  # noqa: ASYNC110
        await asyncio.sleep(wait)
    waves = _of_this_loop()
    if waves.gathering.get(wave.carry_out) is wave:
        del waves.gathering[wave.carry_out]  # later steps start the next wave


async def _run(wave: Wave) -> None:
    # Waves go one after the other: two at once would share the same threads and CPU, and
    # while one is under way the next one gathers every step that arrives meanwhile.
    async with _of_this_loop().one_at_a_time:
        await _gathered(wave)
        await wave.carry_out(wave)


async def _move_all(wave: Wave) -> None:
    moves = wave.moves
    loop = asyncio.get_running_loop()
    times = [loop.time()]
    try:
        with remembered():  # one unit of work: facts read in step 1 serve step 3
            entries = [
                Entry(
                    actor=step.consumer.user,
                    channel_name=step.consumer.channel_name,
                    room_id=step.room_id,
                    hidden=step.hidden,
                    previous_room_id=step.consumer.room_id,
                )
                for step in moves
            ]
            rooms = await run_in_database_thread(_enter, entries)
            times.append(loop.time())
            admitted = [step for step, room in zip(moves, rooms, strict=True) if room is not None]
            left = {step.consumer.room_id for step in admitted}
            await each(admitted, lambda step: step.consumer.leave_call())
            await _switch_groups(pending(admitted))
            times.append(loop.time())
            snapshots = await run_in_database_thread(_snapshots, pending(admitted))
            times.append(loop.time())
            media = await admitted[0].consumer.media_availability() if admitted else None
            shared = SharedText()  # the parts of the snapshots the sockets share are encoded once
            await each(pending(admitted), lambda step: send_snapshot(step, snapshots[id(step)], media, shared))
            times.append(loop.time())
    except Exception as error:  # the wave itself failed (database, Redis): every socket in it hears it
        for step in moves:
            if not step.done.done():
                step.done.set_exception(error)
        return
    for room_id in left | {step.room_id for step in admitted}:
        presence.schedule_broadcast(room_id)
    for step, room in zip(moves, rooms, strict=True):
        if not step.done.done():
            step.done.set_result(room is not None)
    logger.info(
        "wave of %d moves (gathered in %.0f ms): enter %.0f ms, switch %.0f ms, snapshots %.0f ms, send %.0f ms",
        len(moves), 1000 * (times[0] - wave.started), *(1000 * (b - a) for a, b in itertools.pairwise(times)),
    )


async def _switch_groups(moves: list[Move]) -> None:
    """Every socket leaves its room's group for its new room's, in one round trip."""
    if not moves:
        return
    await group_moves(
        moves[0].consumer.channel_layer,
        [(step.consumer.channel_name, room_group(step.consumer.room_id), room_group(step.room_id)) for step in moves],
    )
    for step in moves:
        step.consumer.room_changed(step.room_id, hidden=step.hidden)


def _enter(entries: list[Entry]) -> list[Any]:
    users = {entry.actor.pk: entry.actor for entry in entries}
    remember_facts(list(users.values()), {entry.room_id for entry in entries})
    return enter_rooms(entries)


def _snapshots(moves: list[Move]) -> dict[int, dict[str, Any] | Exception]:
    """Every moved socket's new snapshot, or the error that stopped building it."""
    remember_room_views([(step.consumer.user, step.room_id) for step in moves])
    snapshots: dict[int, dict[str, Any] | Exception] = {}
    for step in moves:
        try:
            snapshots[id(step)] = step.consumer.build_snapshot(None)
        except Exception as error:  # one socket's snapshot failing is that socket's error alone
            snapshots[id(step)] = error
    return snapshots


# What a move reads and writes, for every socket of the wave at once (sync, database thread):
# rooms' own, then what the meeting modules registered with the host (council/rooms/host.py).


#: the rooms' own memo answers that depend on who is present (council/rooms/selectors.py)
PRESENCE_KEYS = frozenset({"presence_summary"})


def enter_rooms(entries: list[Entry]) -> list[Room | None]:
    """Record sockets entering rooms, many at once; None for those refused.

    Answers read before (in this unit of work) that depend on who is present are forgotten:
    the snapshots that follow must show these people in their rooms.
    """
    join = services.rooms_join
    for wrap in host.entry_wrappers():
        join = functools.partial(wrap, join=join)
    try:
        return join(entries=entries)
    finally:
        forget(PRESENCE_KEYS | host.presence_keys())


def remember_facts(users: list[Any], room_ids: set[int]) -> list[Room]:
    """Read what the rules will ask about these people in these rooms, for all at once.

    Returns the rooms and their plenaries, whose facts were read too.
    """
    rooms = rooms_remembered(room_ids)  # remembered: the plenary's lookup and the snapshots use them
    rooms.update(rooms_remembered({room.parent_id for room in rooms.values() if room.parent_id is not None} - set(rooms)))
    for council in {room.council_id: room.council for room in rooms.values()}.values():
        roles_remember(council=council, user_ids=[user.pk for user in users])
    room_facts_remember(users=users, rooms=rooms.values())
    for remember in host.wave_facts():
        remember(users, list(rooms.values()))
    return list(rooms.values())


def remember_room_views(placements: list[tuple[Any, int]]) -> None:
    """Read what the snapshots of people now in these rooms show, for all of them at once.

    `placements` are (person, room id) pairs, read once their presence is written (enter_rooms):
    what a room shows everyone is read once per room, what it shows each person once per room
    for everyone in the wave entering it.
    """
    if not placements:
        return
    room_ids = {room_id for _user, room_id in placements}
    rooms = {room.pk: room for room in room_views_remember(room_ids)}
    for remember in host.wave_views():
        remember(room_ids)
    entering: dict[int, dict[int, Any]] = {}
    for user, room_id in placements:
        entering.setdefault(room_id, {})[user.pk] = user
    for remember_own in host.wave_own_views():
        for room_id, users in entering.items():
            if room_id in rooms:
                remember_own(list(users.values()), [rooms[room_id]])


async def send_snapshot(
    step: Any, snapshot: dict[str, Any] | Exception, media: dict[str, Any] | None, shared: SharedText
) -> None:
    if isinstance(snapshot, Exception):
        raise snapshot
    await step.consumer.send_built_snapshot(snapshot, media=media, shared=shared)


def pending(moves: list[Any]) -> list[Any]:
    """Moves still under way (not failed, nor cancelled by their socket closing)."""
    return [step for step in moves if not step.done.done()]


def _fail(step: Any, error: BaseException) -> None:
    if not step.done.done():
        step.done.set_exception(error)


async def each(moves: list[Any], action: Callable[[Any], Awaitable[Any]]) -> None:
    """Run `action` for every move at once; one that fails ends that move only."""
    moves = pending(moves)
    results = await asyncio.gather(*(action(step) for step in moves), return_exceptions=True)
    for step, result in zip(moves, results, strict=True):
        if isinstance(result, BaseException):
            _fail(step, result)
