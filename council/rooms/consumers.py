"""The live room socket: snapshot on connect, commands to services, events relayed."""

import functools
import re
from collections.abc import Awaitable
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from council.core.consumers import CLOSE_FORBIDDEN
from council.core.consumers import CLOSE_REMOVED
from council.core.consumers import CLOSE_TOO_MANY_SOCKETS
from council.core.consumers import CLOSE_UNAUTHENTICATED
from council.core.consumers import Command
from council.core.consumers import CouncilConsumer
from council.core.errors import AccessDenied
from council.core.memo import remembered
from council.core.threads import run_in_database_thread
from council.councils.events import user_group
from council.rooms import events
from council.rooms import host
from council.rooms import moves
from council.rooms import presence
from council.rooms import services
from council.rooms.permissions import access_room
from council.rooms.selectors import capabilities
from council.rooms.selectors import room_remembered
from council.rooms.selectors import room_snapshot
from council.rooms.services import Entry
from council.rooms.signalling import MediaSignallingMixin


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

    def command_handler(self, type_: str):
        """Every command comes from the host's registry, with its typed schema (council/rooms/host.py)."""
        spec = host.command_spec(type_)
        return None if spec is None else (spec.schema, functools.partial(spec.handler, self))

    async def run_sync(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return await run_in_database_thread(func, *args, **kwargs)

    async def connect(self) -> None:
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        self.user = self.scope["user"]
        await self.accept()  # accept first, so the browser can read why it was refused
        if not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not self.take_socket_place():  # before any presence row or snapshot
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return
        query = self.scope.get("query_string", b"")
        last_room = _query_int(query, "room")
        self.tab = _query_tab(query)
        # One unit of work: the permission lookups of the join and of the snapshot are read
        # once (the memo reaches every database_sync_to_async call below through the context).
        with remembered():
            try:
                self.room_id = await self.entry_room(self.room_id)
                await self.enter_room(self.room_id)
            except AccessDenied:
                await self.close(code=CLOSE_FORBIDDEN)
                return
            presence.track(self.channel_name, self.room_id)
            for ghost_room_id in await self.run_sync(
                services.presence_forget_tab, actor=self.user, tab=self.tab, channel_name=self.channel_name
            ) - {self.room_id}:  # this room's summary follows the connect anyway
                presence.schedule_broadcast(ghost_room_id)
            await self.join(events.room_group(self.room_id))  # subscribe before the snapshot
            await self.join(user_group(self.user.pk))
            await self.joined()
            # `since` counts the messages of the room the client was in: another room starts afresh.
            since = _query_int(query, "since") if last_room in (None, self.room_id) else None
            await self.send_snapshot(since)
        presence.schedule_broadcast(self.room_id)

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

    async def entry_room(self, room_id: int) -> int:
        """The room a socket opened on `room_id` enters (a workshop may send it elsewhere)."""
        return room_id

    async def joined(self) -> None:
        """Called once the socket is in its room and groups, before the snapshot."""

    def extend_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Add to the snapshot what a subclass adds to the room (a workshop session…); sync."""

    async def snapshot_sent(self, snapshot: dict[str, Any]) -> None:
        """Called on the event loop once the snapshot went out (timers of a subclass…)."""

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
        """The room's snapshot for this socket, with what a subclass adds (sync, database thread)."""
        snapshot = room_snapshot(user=self.user, room_id=self.room_id, since_seq=since_seq)
        snapshot.update(host.sections_for(self.user, room_remembered(self.room_id)))
        self.extend_snapshot(snapshot)
        return snapshot

    async def send_built_snapshot(self, snapshot: dict[str, Any], *, media: dict[str, Any] | None = None) -> None:
        snapshot["media"] = media if media is not None else await self.media_availability()
        seqs = [m["seq"] for m in snapshot["messages"]]
        self.snapshot_seq = max([snapshot["room"]["last_seq"], *seqs])
        await self.send_event(events.ROOM_SYNCED, snapshot)
        await self.snapshot_sent(snapshot)

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

    async def rights_changed(self) -> None:
        """This person's rights may have changed: send what they may do now, asked of the rules."""
        await self.send_capabilities()

    async def send_capabilities(self) -> None:
        room = await self.run_sync(access_room, self.user, self.room_id)
        current = await self.run_sync(capabilities, user=self.user, room=room)
        await self.send_event(
            events.CAPABILITIES_CHANGED, {"room_id": self.room_id, "capabilities": current}
        )
