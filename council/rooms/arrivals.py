"""Sockets of one process that connect at the same moment enter their rooms together, in one wave.

When a meeting starts, or a Daphne process restarts and its sockets come back to the
others, hundreds connect within seconds. One at a time, each socket asked for its
meeting, its destination, its presence, its role and its snapshot in six trips to a
database thread, with the queries of each: about 30 queries, and a thousand people took
a minute to get in. An arrival wave (the same gathering as moves, council/rooms/moves.py)
instead:

1. reads once, for everyone in it, the facts the permission rules ask, then for each
   socket its meeting and destination (modules may send it elsewhere: a running workshop),
   and writes every presence and log row in a few statements (`moves.enter_rooms`);
2. joins each socket's groups (no database: the process's hub, council/core/hub.py);
3. builds every snapshot in one unit of work, what a room shows everyone read once per room
   and what it shows each person once for all those entering it; both are read after the
   presence rows are written (a sitting's snapshot shows its newcomers online);
4. sends each socket its snapshot (a slice of them at a time, while the next slice is built),
   and has each room's presence summary sent once.

What does not change from one wave to the next (people's roles and groups, what rooms show
everyone but their presence) is kept by the process between waves, in step with the changes
committed anywhere (council/core/process_cache.py).

A lone connect is a wave of one, and costs the queries a socket let in on its own did
(tests/voting/test_snapshot_cost.py).
"""

import asyncio
import functools
import itertools
import logging
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from council.core import process_cache
from council.core.errors import AccessDenied
from council.core.memo import forget_all
from council.core.memo import remembered
from council.core.memo import share_with
from council.core.memo import shared
from council.core.realtime import SharedText
from council.core.threads import run_in_database_thread
from council.councils.events import user_group
from council.rooms import events
from council.rooms import presence
from council.rooms import services
from council.rooms.moves import Wave
from council.rooms.moves import each
from council.rooms.moves import enter_rooms
from council.rooms.moves import join_wave
from council.rooms.moves import pending
from council.rooms.moves import remember_facts
from council.rooms.moves import remember_room_views
from council.rooms.moves import send_snapshot
from council.rooms.services import Entry

if TYPE_CHECKING:
    from council.rooms.consumers import RoomConsumer

logger = logging.getLogger(__name__)

#: snapshots built at a time in a wave: each slice is sent while the next one is built
SNAPSHOTS_PER_SLICE = 32


@dataclass
class Arrival:
    consumer: "RoomConsumer"
    #: the room the socket opened on, and the one the page was last in (`?room=`)
    asked_room_id: int
    last_room_id: int | None
    #: the last message seq the page has of its last room (`?since=`)
    since: int | None
    done: "asyncio.Future[bool]" = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    room_id: int | None = None  # where it enters
    ghost_room_ids: set[int] = field(default_factory=set)
    runs: bool = False


async def arrive(consumer: "RoomConsumer", *, last_room_id: int | None, since: int | None) -> bool:
    """Enter the socket's room with whoever else connects now and send its snapshot; False if refused."""
    step = Arrival(consumer=consumer, asked_room_id=consumer.room_id, last_room_id=last_room_id, since=since)
    return bool(await join_wave(step, _arrive_all))


async def _arrive_all(wave: Wave) -> None:
    arrivals: list[Arrival] = wave.moves
    loop = asyncio.get_running_loop()
    times = [loop.time()]
    try:
        with remembered():  # one unit of work: the facts read in step 1 serve step 3
            await run_in_database_thread(_admit, arrivals)
            times.append(loop.time())
            admitted = [step for step in arrivals if step.room_id is not None]
            await each(admitted, _join_groups)
            times.append(loop.time())
            await _send_snapshots(admitted)
            times.append(loop.time())
    except Exception as error:  # the wave itself failed (database, Redis): every socket in it hears it
        for step in arrivals:
            if not step.done.done():
                step.done.set_exception(error)
        return
    for room_id in {step.room_id for step in admitted if step.room_id is not None}:
        presence.schedule_broadcast(room_id)  # the room hears who came, once for the wave
    for step in arrivals:
        if not step.done.done():
            step.done.set_result(step.room_id is not None)
    logger.info(
        "wave of %d arrivals (gathered in %.0f ms): admit %.0f ms, join %.0f ms, snapshots built and sent %.0f ms",
        len(arrivals), 1000 * (times[0] - wave.started), *(1000 * (b - a) for a, b in itertools.pairwise(times)),
    )


def _admit(arrivals: list[Arrival]) -> None:
    """Each socket's meeting, destination and presence, for the whole wave (sync, database thread)."""
    share_with(process_cache.unit())  # after the facts changed elsewhere were dropped
    users = list({step.consumer.user.pk: step.consumer.user for step in arrivals}.values())
    remember_facts(users, {step.asked_room_id for step in arrivals})
    entries, entering = [], []
    for step in arrivals:
        socket = step.consumer
        try:
            socket.plenary_id = socket.plenary_of(step.asked_room_id)
            room_id = step.asked_room_id
            for part in socket.parts.values():
                room_id = part.entry_destination(room_id)
        except AccessDenied:
            continue
        entries.append(Entry(actor=socket.user, channel_name=socket.channel_name, room_id=room_id, tab=socket.tab))
        entering.append((step, room_id))
    if any(room_id != step.asked_room_id for step, room_id in entering):
        # Sent to a workshop, maybe placed in it just now (a late arrival): the facts read
        # above no longer hold; read them again, with the workshops' rooms.
        forget_all()
        remember_facts(users, {room_id for _step, room_id in entering} | {step.asked_room_id for step in arrivals})
    rooms = enter_rooms(entries)
    admitted = [(step, room_id) for (step, room_id), room in zip(entering, rooms, strict=True) if room is not None]
    ghosts = services.presences_forget_tabs(
        sockets=[(step.consumer.user.pk, step.consumer.tab, step.consumer.channel_name) for step, _room_id in admitted]
    )
    for step, room_id in admitted:
        socket = step.consumer
        socket.room_id = step.room_id = room_id
        # this room's summary follows the connect anyway
        step.ghost_room_ids = ghosts.get(socket.channel_name, set()) - {room_id}
        step.runs = socket.runs_the_meeting()


async def _join_groups(step: Arrival) -> None:
    socket = step.consumer
    presence.track(socket.channel_name, socket.room_id)
    for ghost_room_id in step.ghost_room_ids:
        presence.schedule_broadcast(ghost_room_id)
    await socket.join(events.room_group(socket.room_id))  # subscribe before the snapshot
    await socket.join(user_group(socket.user.pk))
    await socket.join(events.meeting_group(socket.plenary_id))
    await socket.keep_facilitators_group(step.runs)
    for part in socket.parts.values():
        await part.joined()


async def _send_snapshots(admitted: list[Arrival]) -> None:
    """Build the wave's snapshots a slice at a time, sending each slice while the next is built.

    What the rooms show is read once for the whole wave first. A socket then gets its
    snapshot once its slice is built, not once the whole wave's are: the first ones let in
    open their next sockets (or go on with the page) while the others' are being built.
    """
    live = pending(admitted)
    if not live:
        return
    media = await live[0].consumer.media_availability()
    text = SharedText()  # the room's messages and presence are encoded once for the wave
    slices = [live[start : start + SNAPSHOTS_PER_SLICE] for start in range(0, len(live), SNAPSHOTS_PER_SLICE)]
    building = asyncio.ensure_future(run_in_database_thread(_snapshots, slices[0], views_of=live))
    for index, built_slice in enumerate(slices):
        try:
            snapshots = await building
        except Exception as error:  # the database failed: the sockets not yet sent a snapshot hear it
            for step in itertools.chain.from_iterable(slices[index:]):
                if not step.done.done():
                    step.done.set_exception(error)
            return
        if index + 1 < len(slices):
            building = asyncio.ensure_future(run_in_database_thread(_snapshots, pending(slices[index + 1])))
        try:
            await each(built_slice, functools.partial(_send_built, snapshots=snapshots, media=media, text=text))
        except BaseException:
            building.cancel()
            raise


async def _send_built(
    step: Arrival, *, snapshots: dict[int, dict[str, Any] | Exception], media: dict[str, Any] | None, text: SharedText
) -> None:
    await send_snapshot(step, snapshots[id(step)], media, text)


def _snapshots(arrivals: list[Arrival], views_of: list[Arrival] | None = None) -> dict[int, dict[str, Any] | Exception]:
    """These sockets' snapshots, or the error that stopped building each (sync, database thread).

    `views_of`: the wave's sockets, whose rooms' views are read first (in the wave's first slice).
    """
    if views_of is not None:
        if isinstance(kept := shared(), process_cache.Unit):
            kept.joined()  # the sockets now hear their rooms' events: what is read next may be kept
        remember_room_views([(step.consumer.user, step.room_id) for step in views_of if step.room_id is not None])
    snapshots: dict[int, dict[str, Any] | Exception] = {}
    for step in arrivals:
        # `since` counts the messages of the room the page was in: another room starts afresh.
        since = step.since if step.last_room_id in (None, step.room_id) else None
        try:
            snapshots[id(step)] = step.consumer.build_snapshot(since)
        except Exception as error:  # one socket's snapshot failing is that socket's error alone
            snapshots[id(step)] = error
    return snapshots
