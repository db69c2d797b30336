"""The live room socket: snapshot on connect, commands to services, events relayed."""

from collections.abc import Awaitable
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.db import close_old_connections

from council.core.consumers import CLOSE_FORBIDDEN
from council.core.consumers import CLOSE_REMOVED
from council.core.consumers import CLOSE_UNAUTHENTICATED
from council.core.consumers import Command
from council.core.consumers import CouncilConsumer
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.memo import remembered
from council.councils.events import user_group
from council.rooms import events
from council.rooms import presence
from council.rooms import services
from council.rooms.permissions import access_room
from council.rooms.selectors import capabilities
from council.rooms.selectors import room_snapshot
from council.rooms.signalling import MEDIA_COMMANDS
from council.rooms.signalling import MediaSignallingMixin

#: threads (each with its own database connection) for the sockets' database work
DATABASE_THREADS = 4
_database_pool = ThreadPoolExecutor(max_workers=DATABASE_THREADS, thread_name_prefix="room-db")


def _int(payload: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    value = payload.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"'{key}' must be an integer.")
    return value


def _query_int(query_string: bytes, key: str) -> int | None:
    values = parse_qs(query_string.decode()).get(key)
    return int(values[0]) if values and values[0].isdigit() else None


class RoomConsumer(MediaSignallingMixin, CouncilConsumer):
    hidden = False  # in the room without appearing in its presence (a facilitator listening in)

    commands = {
        "rooms.send_message": "send_message",
        "rooms.delete_message": "delete_message",
        "rooms.raise_hand": "raise_hand",
        "rooms.lower_hand": "lower_hand",
        "rooms.reorder_hands": "reorder_hands",
        "rooms.clear_hands": "clear_hands",
        "rooms.mute_participant": "mute_participant",
        "rooms.remove_participant": "remove_participant",
        "rooms.lock_room": "lock_room",
        "rooms.open_chat": "open_chat",
        "rooms.sync": "sync",
        **MEDIA_COMMANDS,  # video: council/rooms/signalling.py
    }

    async def run_sync(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Awaitable[Any]:
        """Run the socket's database work on a few threads, not Channels' single one.

        When workshops open, hundreds of sockets join and read their new room at once; on
        one thread each query would wait for the others' round trips to PostgreSQL. Each
        call is a unit of its own (its own transaction), so none needs the thread of
        another; commands (call_service) stay on the single thread.
        """

        def call() -> Any:
            try:
                return func(*args, **kwargs)
            finally:
                # As Channels does after each call, and also under its test harness, which
                # turns that off: a thread of the pool keeps no connection past CONN_MAX_AGE.
                close_old_connections()

        pooled = database_sync_to_async(call, thread_sensitive=False, executor=_database_pool)
        return await pooled()

    async def connect(self) -> None:
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        self.user = self.scope["user"]
        await self.accept()  # accept first, so the browser can read why it was refused
        if not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        query = self.scope.get("query_string", b"")
        last_room = _query_int(query, "room")
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
            await self.join(events.room_group(self.room_id))  # subscribe before the snapshot
            await self.join(user_group(self.user.pk))
            await self.joined()
            # `since` counts the messages of the room the client was in: another room starts afresh.
            since = _query_int(query, "since") if last_room in (None, self.room_id) else None
            await self.send_snapshot(since)
        presence.schedule_broadcast(self.room_id)

    async def enter_room(self, room_id: int, *, hidden: bool = False) -> None:
        """Record this socket's presence in another room (raises AccessDenied)."""
        await self.run_sync(
            services.room_join, actor=self.user, room_id=room_id, channel_name=self.channel_name, hidden=hidden
        )

    async def entry_room(self, room_id: int) -> int:
        """The room a socket opened on `room_id` enters (a workshop may send it elsewhere)."""
        return room_id

    async def joined(self) -> None:
        """Called once the socket is in its room and groups, before the snapshot."""

    async def extend_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Add to the snapshot what a subclass adds to the room (a workshop session…)."""

    async def switch_room(self, room_id: int, *, hidden: bool = False) -> bool:
        """Move this socket into another room and back (workshops): chat, presence and video follow.

        The client gets the new room's snapshot; its call in the old room ends and the
        page joins the call of the new one. False if the person may not enter.
        """
        if room_id == self.room_id:
            if hidden != self.hidden:  # listening in, then visiting openly (or back)
                await self.enter_room(room_id, hidden=hidden)
                self.hidden = hidden
                presence.schedule_broadcast(room_id)
            return True
        with remembered():  # one unit of work, as on connect: permissions are read once
            try:
                await self.enter_room(room_id, hidden=hidden)
            except AccessDenied:
                return False
            previous = self.room_id
            await self.media_disconnect()
            self.media_participant = None
            previous_group = events.room_group(previous)
            await self.channel_layer.group_discard(previous_group, self.channel_name)
            self.joined_groups.remove(previous_group)
            self.room_id = room_id
            self.hidden = hidden
            presence.track(self.channel_name, room_id)
            await self.join(events.room_group(room_id))
            await self.send_snapshot(None)
        presence.schedule_broadcast(previous)
        presence.schedule_broadcast(room_id)
        return True

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if getattr(self, "room_id", None) is not None and self.user.is_authenticated:
            presence.untrack(self.channel_name)
            await self.media_disconnect()
            await self.run_sync(services.room_leave, channel_name=self.channel_name)
            presence.schedule_broadcast(self.room_id)

    async def send_snapshot(self, since_seq: int | None) -> None:
        snapshot = await self.run_sync(
            room_snapshot, user=self.user, room_id=self.room_id, since_seq=since_seq
        )
        snapshot["media"] = await self.media_availability()
        await self.extend_snapshot(snapshot)
        seqs = [m["seq"] for m in snapshot["messages"]]
        self.snapshot_seq = max([snapshot["room"]["last_seq"], *seqs])
        await self.send_event(events.ROOM_SYNCED, snapshot)

    # Client commands: parse, call a service, answer ack/error.

    async def send_message(self, command: Command) -> None:
        text = command.payload.get("text")
        if not isinstance(text, str):
            await self.send_error(command.request_id, "invalid", "'text' must be a string.")
            return
        await self.call_service(
            command, services.message_post, room_id=self.room_id, text=text, request_id=command.request_id
        )

    async def delete_message(self, command: Command) -> None:
        await self._call(command, services.message_delete, seq=("seq", True))

    async def raise_hand(self, command: Command) -> None:
        await self.call_service(command, services.hand_raise, room_id=self.room_id)

    async def lower_hand(self, command: Command) -> None:
        await self._call(command, services.hand_lower, user_id=("user_id", False))

    async def reorder_hands(self, command: Command) -> None:
        user_ids = command.payload.get("user_ids")
        if not isinstance(user_ids, list) or not all(isinstance(u, int) for u in user_ids):
            await self.send_error(command.request_id, "invalid", "'user_ids' must be a list of integers.")
            return
        await self.call_service(command, services.hands_reorder, room_id=self.room_id, user_ids=user_ids)

    async def clear_hands(self, command: Command) -> None:
        await self.call_service(command, services.hands_clear, room_id=self.room_id)

    async def mute_participant(self, command: Command) -> None:
        muted = command.payload.get("muted", True) is not False
        await self._call(command, services.participant_mute, user_id=("user_id", True), muted=muted)

    async def remove_participant(self, command: Command) -> None:
        await self._call(command, services.participant_remove, user_id=("user_id", True))

    async def lock_room(self, command: Command) -> None:
        locked = command.payload.get("locked", True) is not False
        await self.call_service(command, services.room_lock, room_id=self.room_id, locked=locked)

    async def open_chat(self, command: Command) -> None:
        is_open = command.payload.get("open", True) is not False
        await self.call_service(
            command, services.room_chat_open, room_id=self.room_id, open_to_residents=is_open
        )

    async def sync(self, command: Command) -> None:
        since = command.payload.get("since")
        if since is not None and (isinstance(since, bool) or not isinstance(since, int)):
            await self.send_error(command.request_id, "invalid", "'since' must be an integer.")
            return
        await self.send_ack(command)
        await self.send_snapshot(since)

    async def _call(self, command: Command, service, **kwargs: Any) -> None:
        """Call a service, reading (payload key, required) tuples as integer arguments."""
        try:
            arguments = {
                name: _int(command.payload, spec[0], required=spec[1]) if isinstance(spec, tuple) else spec
                for name, spec in kwargs.items()
            }
        except InvalidInput as error:
            await self.send_error(command.request_id, error.code, error.message)
            return
        await self.call_service(command, service, room_id=self.room_id, **arguments)

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
            await self.send_capabilities()

    async def rooms_participant_removed(self, message: dict[str, Any]) -> None:
        if message["payload"]["user_id"] == self.user.pk:
            await self.close(code=CLOSE_REMOVED)
        else:
            await self.forward(message)

    async def rooms_room_updated(self, message: dict[str, Any]) -> None:
        await self.forward(message)
        await self.send_capabilities()

    async def councils_role_changed(self, message: dict[str, Any]) -> None:
        """A role or group membership changed: close if the room is no longer open to them."""
        try:
            await self.run_sync(access_room, self.user, self.room_id, perm="rooms.view_room")
        except AccessDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_capabilities()

    groups_membership_changed = councils_role_changed

    async def send_capabilities(self) -> None:
        room = await self.run_sync(access_room, self.user, self.room_id)
        current = await self.run_sync(capabilities, user=self.user, room=room)
        await self.send_event(
            events.CAPABILITIES_CHANGED, {"room_id": self.room_id, "capabilities": current}
        )
