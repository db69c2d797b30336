"""The live room socket, one class for every room: snapshot on connect, commands to services, events relayed.

Meeting modules (workshops, the agenda…) never subclass it: they register with the host
(council/rooms/host.py) their commands, events, snapshot sections and a part kept on each
socket. The socket joins its room's group, its meeting's (the plenary and its breakouts)
and, while its person runs the meeting, the meeting's facilitators' group.
"""

import asyncio
import contextlib
import functools
import re
from collections.abc import Awaitable
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from django.urls import reverse
from django.utils import translation

from council.core.commands import Payload
from council.core.consumers import CLOSE_FORBIDDEN
from council.core.consumers import CLOSE_REMOVED
from council.core.consumers import CLOSE_TOO_MANY_SOCKETS
from council.core.consumers import CLOSE_UNAUTHENTICATED
from council.core.consumers import Command
from council.core.consumers import CouncilConsumer
from council.core.errors import AccessDenied
from council.core.realtime import SharedText
from council.core.realtime import envelope_sharing
from council.core.threads import run_in_database_thread
from council.rooms import arrivals
from council.rooms import events
from council.rooms import host
from council.rooms import moves
from council.rooms import presence
from council.rooms import services
from council.rooms.permissions import access_room
from council.rooms.selectors import capabilities
from council.rooms.selectors import room_remembered
from council.rooms.selectors import room_snapshot
from council.rooms.selectors import rooms_remembered
from council.rooms.services import Entry
from council.rooms.signalling import MediaSignallingMixin
from council.verifications.requirements import VerificationRequired
from council.verifications.requirements import require_verified


def _query_int(query_string: bytes, key: str) -> int | None:
    values = parse_qs(query_string.decode()).get(key)
    return int(values[0]) if values and values[0].isdigit() else None


TAB_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _query_tab(query_string: bytes) -> str:
    """The page's id (client.js makes one per page load), or "" if missing or malformed."""
    values = parse_qs(query_string.decode(errors="replace")).get("tab")
    return values[0] if values and TAB_ID.fullmatch(values[0]) else ""


class RoomConsumer(MediaSignallingMixin, CouncilConsumer):
    hidden = False  # in the room without appearing in its presence (a facilitator listening in)
    #: the meeting's plenary room: this room, or the room a breakout hangs under
    plenary_id: int
    #: whether this person runs the meeting (rooms.moderate_room on the plenary); kept with
    #: membership of the meeting's facilitators' group (keep_facilitators_group)
    runs = False
    parts: dict[str, host.SocketPart]

    def part(self, name: str) -> Any:
        """The state a registered module keeps on this socket (council/rooms/host.py)."""
        return self.parts[name]

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Group messages of a type a module registered go to its handler; the rest to this class's methods."""
        handler = host.event_handler(message["type"])
        if handler is None:
            await super().dispatch(message)
        else:
            await handler(self, message)

    def relays(self, message_type: str) -> bool:
        """As `dispatch` routes it: a module's event relayed as sent, or this class's own forward."""
        handler = host.event_handler(message_type)
        if handler is None:
            return super().relays(message_type)
        return handler is host.forward

    def command_handler(self, type_: str) -> tuple[type[Payload] | None, Callable[[Command], Awaitable[None]]] | None:
        """Every command comes from the host's registry, with its typed schema (council/rooms/host.py)."""
        spec = host.command_spec(type_)
        return None if spec is None else (spec.schema, functools.partial(spec.handler, self))

    async def run_sync(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await run_in_database_thread(func, *args, **kwargs)

    async def connect(self) -> None:
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        self.user = self.scope["user"]
        self.parts = host.socket_parts(self)
        # One move of this socket at a time: an announce that arrives while a visit or a return
        # is under way must see where that move went.
        self.moving = asyncio.Lock()
        await self.accept()  # accept first, so the browser can read why it was refused
        if not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not self.take_socket_place():  # before any presence row or snapshot
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return
        query = self.scope.get("query_string", b"")
        self.tab = _query_tab(query)
        for part in self.parts.values():
            await part.arriving()
        # With everyone else connecting now: one read of the facts, presence and snapshots for all.
        if not await arrivals.arrive(self, last_room_id=_query_int(query, "room"), since=_query_int(query, "since")):
            await self.close(code=CLOSE_FORBIDDEN)

    async def enter_room(self, room_id: int, *, hidden: bool = False) -> None:
        """Record this socket's presence in a room as it connects (raises AccessDenied)."""
        entry = Entry(
            actor=self.user,
            channel_name=self.channel_name,
            room_id=room_id,
            hidden=hidden,
            tab=getattr(self, "tab", ""),
        )
        if (await self.run_sync(moves.enter_rooms, [entry]))[0] is None:
            raise AccessDenied(entry.perm)

    def plenary_of(self, room_id: int) -> int:
        """The meeting's plenary (sync): a breakout whose plenary this person may not see is refused.

        The meeting group carries the plenary's sessions and agenda: a room hung under another
        council's plenary must not hear them (raises AccessDenied).
        """
        room = rooms_remembered([room_id]).get(room_id)  # whole: the join and the snapshot use it
        parent_id = None if room is None else room.parent_id
        if parent_id is None:
            return room_id
        access_room(self.user, parent_id)
        return int(parent_id)

    def runs_the_meeting(self) -> bool:
        """Whether this person runs the meeting, asked of the rule (sync)."""
        return bool(self.user.has_perm("rooms.moderate_room", room_remembered(self.plenary_id)))

    async def keep_facilitators_group(self, runs: bool) -> None:
        """Join or leave the meeting's facilitators' group so that it holds exactly those who run it."""
        group = events.facilitators_group(self.plenary_id)
        self.runs = runs
        if runs and group not in self.joined_groups:
            await self.join(group)
        elif not runs and group in self.joined_groups:
            await self.leave(group)

    async def go_to(self, room_id: int, *, hidden: bool = False) -> bool:
        """Move to another room of the meeting and tell the page (`rooms.moved`, after the snapshot).

        Callers hold `self.moving`. False if the person may not enter.
        """
        moved = await self.switch_room(room_id, hidden=hidden)
        if moved:
            await self.send_event(
                events.MOVED, {"room_id": room_id, "plenary_id": self.plenary_id, "hidden": hidden}
            )
        return moved

    async def switch_room(self, room_id: int, *, hidden: bool = False) -> bool:
        """Move this socket into another room and back (workshops): chat, presence and video follow.

        The client gets the new room's snapshot; its call in the old room ends and the
        page joins the call of the new one. False if the person may not enter. Sockets
        of this process moving at the same moment move together (council/rooms/moves.py).
        """
        if room_id == self.room_id:
            if hidden != self.hidden:  # listening in, then visiting openly (or back)
                await self.enter_room(room_id, hidden=hidden)
                self.hidden = hidden
                presence.schedule_broadcast(room_id)
            return True
        return await moves.move(self, room_id, hidden=hidden)

    async def leave_call(self) -> None:
        """Leave the current room's call, before moving to another room."""
        await self.media_disconnect()
        self.media_participant = None

    def room_changed(self, room_id: int, *, hidden: bool) -> None:
        """The socket's presence and groups moved to `room_id` (council/rooms/moves.py): follow."""
        self.joined_groups.remove(events.room_group(self.room_id))
        self.joined_groups.append(events.room_group(room_id))
        self.room_id = room_id
        self.hidden = hidden
        presence.track(self.channel_name, room_id)

    async def disconnect(self, code: int) -> None:
        """Delete this socket's presence first, then leave the call and the groups.

        The channel layer (Redis) may be down: its failure must not keep the row, which
        would show the person present until the TTL (sockets closing during a Redis
        outage left 108 to 115 rows behind).
        """
        if getattr(self, "socket_place", None) is None:  # refused before entering (4401, 4409)
            await super().disconnect(code)
            return
        for part in self.parts.values():
            with contextlib.suppress(Exception):  # a module's failure must not keep the presence row
                await part.disconnect()
        presence.untrack(self.channel_name)
        try:
            await self.run_sync(services.room_leave, channel_name=self.channel_name)
            presence.schedule_broadcast(self.room_id)
        finally:
            try:
                await self.media_disconnect()
            finally:
                await super().disconnect(code)

    async def send_snapshot(self, since_seq: int | None) -> None:
        await self.send_built_snapshot(await self.run_sync(self.build_snapshot, since_seq))

    def build_snapshot(self, since_seq: int | None) -> dict[str, Any]:
        """The room's snapshot for this socket, with the modules' sections and parts (sync, database thread).

        Whether the person runs the meeting is asked again here: every section is built as
        they may see it now, and the facilitators' group follows once the snapshot is sent.
        """
        self.runs = self.runs_the_meeting()
        snapshot = room_snapshot(user=self.user, room_id=self.room_id, since_seq=since_seq)
        snapshot.update(host.sections_for(self.user, room_remembered(self.room_id)))
        for part in self.parts.values():
            part.extend_snapshot(snapshot)
        return snapshot

    async def send_built_snapshot(
        self, snapshot: dict[str, Any], *, media: dict[str, Any] | None = None, shared: SharedText | None = None
    ) -> None:
        """Send a snapshot built by build_snapshot; `shared`: the text of parts shared with the wave's others (a lone socket shares none)."""
        snapshot["media"] = media if media is not None else await self.media_availability()
        seqs = [m["seq"] for m in snapshot["messages"]]
        self.snapshot_seq = max([snapshot["room"]["last_seq"], *seqs])
        await self.send(text_data=envelope_sharing(events.ROOM_SYNCED, snapshot, shared or SharedText()))
        await self.keep_facilitators_group(self.runs)
        for part in self.parts.values():
            await part.snapshot_sent(snapshot)

    async def hub_interrupted(self, message: dict[str, Any]) -> None:
        """Redis was lost: tell the page that others' doings stop arriving until the next snapshot.

        Commands still work (what is sent is stored and acknowledged); the snapshot that
        follows once Redis is back brings what was missed.
        """
        if hasattr(self, "snapshot_seq"):  # not for a socket refused before its first snapshot
            await self.send_event(events.UPDATES_INTERRUPTED, {"room_id": self.room_id})

    async def hub_resync(self, message: dict[str, Any]) -> None:
        """Events were dropped for this socket: send the snapshot again, with the messages since the last one.

        The page keeps what it has and skips messages it already shows (by seq).
        """
        if hasattr(self, "snapshot_seq"):  # not for a socket refused before its first snapshot
            await self.send_snapshot(self.snapshot_seq)

    # Client commands: registered with the host (council/rooms/commands.py); those needing the socket.

    async def sync(self, command: Command) -> None:
        await self.send_ack(command)
        await self.send_snapshot(command.data.since)

    # Group events: relay the frame serialised once by the sender.

    async def rooms_message_posted(self, message: dict[str, Any]) -> None:
        if message["payload"]["seq"] > self.snapshot_seq:  # older ones were in the snapshot
            await self.forward(message)

    rooms_message_deleted = CouncilConsumer.forward
    rooms_hands_changed = CouncilConsumer.forward
    rooms_presence_changed = CouncilConsumer.forward

    async def rooms_participant_muted(self, message: dict[str, Any]) -> None:
        await self.forward(message)
        if message["payload"]["user_id"] == self.user.pk:
            await self.rights_changed()

    async def rooms_participant_removed(self, message: dict[str, Any]) -> None:
        if message["payload"]["user_id"] == self.user.pk:
            await self.close(code=CLOSE_REMOVED)
        else:
            await self.forward(message)

    async def rooms_room_updated(self, message: dict[str, Any]) -> None:
        """The room changed (locked, renamed, kept for some groups): re-check this person."""
        await self.forward(message)
        await self.councils_role_changed(message)

    async def councils_role_changed(self, message: dict[str, Any]) -> None:
        """A role or group membership changed: close if the room is no longer open to them."""
        try:
            await self.run_sync(access_room, self.user, self.room_id, perm="rooms.view_room")
        except AccessDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.rights_changed()

    groups_membership_changed = councils_role_changed

    async def verifications_revoked(self, message: dict[str, Any]) -> None:
        """The person gave up a verification: a room that required it says where to obtain it again, and closes.

        Otherwise only capabilities may change (a poll that required it is no longer theirs to answer).
        """
        refusal = await self.run_sync(self.verification_missing)
        if refusal is not None:
            with translation.override(self.language):  # the lazy message, in the person's language
                message = refusal.message
            await self.send_error(None, refusal.code, message, refusal.link)
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.rights_changed()

    def verification_missing(self) -> VerificationRequired | AccessDenied | None:
        """Why this socket's rooms (the meeting's and a workshop's) no longer keep the person, if they do not."""
        for room_id in dict.fromkeys([self.plenary_id, self.room_id]):
            try:
                room = access_room(self.user, room_id)
                if not self.user.has_perm("rooms.stay_verified", room):
                    page = reverse("room-detail", kwargs={"council_slug": room.council.slug, "room_id": self.plenary_id})
                    require_verified(self.user, room.council, room, page)
            except (VerificationRequired, AccessDenied) as refusal:
                return refusal
        return None

    async def rights_changed(self) -> None:
        """This person's rights may have changed: capabilities, audience groups and sections follow.

        The capabilities always come again; when whether they run the meeting changed, so does
        the snapshot, each section as they may now see it (a facilitator demoted while connected
        stops seeing everyone's assignments), and the facilitators' group is joined or left.
        """
        await self.send_capabilities()
        if await self.run_sync(self.runs_the_meeting) != self.runs:
            await self.send_snapshot(None)

    async def send_capabilities(self) -> None:
        room = await self.run_sync(access_room, self.user, self.room_id)
        current = await self.run_sync(capabilities, user=self.user, room=room)
        await self.send_event(
            events.CAPABILITIES_CHANGED, {"room_id": self.room_id, "capabilities": current}
        )
