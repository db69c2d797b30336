"""WebRTC signalling on the room socket: the RoomConsumer side of docs/media.md.

The consumer checks the permission, then sends the command to the media worker the room
is pinned to (assignment.worker_for) with its own channel name; the worker's answer comes
back as a ``rooms.media_reply`` channel message and becomes the ack (or error) of the
command. A consumer never waits for the worker inside a handler: Channels handles one
message at a time per consumer, so the reply could not be delivered while it waited.
No answer within MEDIA_REPLY_TIMEOUT_SECONDS, or no live worker, is ``media_unavailable``.

A monitor per process watches the workers of the rooms whose sockets use media here: when
a worker is gone the room hears ``rooms.media_state_changed {available: false}``, and when
the room is pinned to a live worker again ``{available: true}`` (clients publish and
subscribe again).
"""

import asyncio
import contextlib
import logging
import secrets
from typing import TYPE_CHECKING
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from council.accounts.models import User
from council.core.consumers import Command
from council.core.errors import AccessDenied
from council.core.realtime import group_message
from council.core.realtime import group_send
from council.rooms import events
from council.rooms import services
from council.rooms.media import assignment
from council.rooms.models import MediaMute
from council.rooms.permissions import access_room

if TYPE_CHECKING:
    # For the type checker, the mixin is the consumer it is mixed into (RoomConsumer); at
    # run time it stays a plain class, so the consumer's own bases decide the MRO.
    from council.core.consumers import CouncilConsumer as _SocketBase
    from council.rooms.media.worker import MediaWorker
else:
    _SocketBase = object

logger = logging.getLogger(__name__)

KINDS = ("audio", "video")

# ---------------------------------------------------------------- the embedded worker

_embedded: "MediaWorker | None" = None  # running inside this process (in-memory channel layer)


async def ensure_embedded_worker() -> None:
    """Start the media worker inside this process on first use, when configured so."""
    global _embedded
    if not settings.MEDIA_EMBEDDED_WORKER:
        return
    from channels.layers import get_channel_layer

    loop = asyncio.get_running_loop()
    worker = _embedded
    if worker is not None and worker.running and worker.loop is loop and worker.layer is get_channel_layer():
        return
    from council.rooms.media.worker import MediaWorker
    from council.rooms.media.worker import configure_ice

    configure_ice()
    _embedded = MediaWorker()
    await _embedded.start()


async def stop_embedded_worker() -> None:
    global _embedded
    worker, _embedded = _embedded, None
    if worker is not None:
        await worker.stop()


# ---------------------------------------------------------------- the monitor

_watched: dict[int, set[str]] = {}  # room id -> channel names of sockets using media here
_known: dict[int, str | None] = {}  # room id -> worker id last seen hosting it (None: none)
_monitor: asyncio.Task[None] | None = None


def watch(room_id: int, channel_name: str, worker_id: str | None) -> None:
    global _monitor
    _watched.setdefault(room_id, set()).add(channel_name)
    _known.setdefault(room_id, worker_id)
    if _monitor is None or _monitor.done():
        _monitor = asyncio.get_running_loop().create_task(_monitor_loop())


def unwatch(room_id: int, channel_name: str) -> None:
    channels = _watched.get(room_id, set())
    channels.discard(channel_name)
    if not channels:
        _watched.pop(room_id, None)
        _known.pop(room_id, None)


def reset() -> None:
    """Forget the monitor's state (tests)."""
    global _monitor
    if _monitor is not None:
        _monitor.cancel()
    _monitor = None
    _watched.clear()
    _known.clear()


async def _monitor_loop() -> None:
    while _watched:
        await asyncio.sleep(settings.MEDIA_WORKER_HEARTBEAT_SECONDS)
        for room_id in list(_watched):
            with contextlib.suppress(Exception):  # Redis away for a moment: try again next time
                await check_room(room_id)


async def check_room(room_id: int) -> None:
    """Tell the room when its worker is gone, and when it is hosted by a live worker again."""

    before = _known.get(room_id)
    now = await assignment.worker_for(room_id)
    if now == before or room_id not in _watched:
        return
    _known[room_id] = now
    state = assignment.store()
    group = events.room_group(room_id)
    if before is not None and await state.once(f"lost:{room_id}:{before}"):
        payload = {"room_id": room_id, "available": False, "reason": "worker_lost"}
        await group_send(group, group_message(events.MEDIA_STATE_CHANGED, payload))
    if now is not None and await state.once(f"ready:{room_id}:{now}"):
        payload = {"room_id": room_id, "available": True, "reason": "worker_ready"}
        await group_send(group, group_message(events.MEDIA_STATE_CHANGED, payload))


# ---------------------------------------------------------------- the consumer side


def _muted_kinds(user: User, room_id: int) -> dict[str, bool]:
    kinds = set(MediaMute.objects.filter(room_id=room_id, user=user).values_list("kind", flat=True))
    return {kind: kind in kinds for kind in KINDS}


class MediaSignallingMixin(_SocketBase):
    """The rtc commands and media events of RoomConsumer (which provides room_id, user…)."""

    media_participant: str | None = None
    # set by the consumer's connect(), before any command
    room_id: int
    user: User

    if TYPE_CHECKING:

        async def rights_changed(self) -> None:
            """The consumer's: tell the person what they may do now."""

    async def media_availability(self) -> dict[str, Any]:
        """Whether video can start now, for the snapshot: the page offers to join only then."""
        if settings.MEDIA_EMBEDDED_WORKER:
            return {"available": True}
        try:
            return {"available": bool(await assignment.store().live_workers())}
        except Exception as error:  # Redis unreachable: no video offered until the next snapshot
            logger.warning("media workers unknown, Redis unreachable: %r", error)
            return {"available": False}

    # -- sending a command to the room's worker

    async def media_command(self, command: Command, op: str, *, perm: str, **fields: Any) -> None:
        try:
            await self.run_sync(access_room, self.user, self.room_id, perm=perm)
        except AccessDenied as error:
            await self.send_error(command.request_id, error.code, error.message)
            return
        await ensure_embedded_worker()
        worker_id = await assignment.worker_for(self.room_id)
        if worker_id is None:
            await self.send_error(
                command.request_id, "media_unavailable", _("Video is unavailable for now; it will come back.")
            )
            return
        if self.media_participant is None:
            self.media_participant = secrets.token_hex(8)
            self.media_pending: dict[str, tuple[Command, asyncio.TimerHandle]] = {}
        watch(self.room_id, self.channel_name, worker_id)
        ref = secrets.token_hex(8)
        loop = asyncio.get_running_loop()
        timer = loop.call_later(
            settings.MEDIA_REPLY_TIMEOUT_SECONDS, lambda: loop.create_task(self._media_timed_out(ref))
        )
        self.media_pending[ref] = (command, timer)
        await self.channel_layer.send(
            assignment.worker_channel(worker_id),
            {
                "type": "media.command",
                "op": op,
                "ref": ref,
                "reply_to": self.channel_name,
                "room_id": self.room_id,
                "participant_id": self.media_participant,
                "user": {"id": self.user.pk, "name": str(self.user.public_name)},
                **fields,
            },
        )

    async def _media_timed_out(self, ref: str) -> None:
        pending = self.media_pending.pop(ref, None)
        if pending is not None:
            await self.send_error(
                pending[0].request_id, "media_unavailable", _("The media server did not answer.")
            )

    async def rooms_media_reply(self, message: dict[str, Any]) -> None:
        pending = getattr(self, "media_pending", {}).pop(message["ref"], None)
        if pending is None:  # answered too late: the client already got media_unavailable
            return
        command, timer = pending
        timer.cancel()
        if message["ok"]:
            await self.send_ack(command, message["payload"])
        else:
            # the worker speaks no one's language: it sends the English msgid, and send_error
            # tells it in the person's language
            await self.send_error(command.request_id, message["code"], _(message["message"]))

    async def media_disconnect(self) -> None:
        """The socket closed: its peer connections close and its tracks leave every tile."""
        if self.media_participant is None:
            return
        for _command, timer in self.media_pending.values():
            timer.cancel()
        unwatch(self.room_id, self.channel_name)
        worker_id = await assignment.worker_for(self.room_id)
        if worker_id is not None:
            await self.channel_layer.send(
                assignment.worker_channel(worker_id),
                {
                    "type": "media.command",
                    "op": "leave",
                    "room_id": self.room_id,
                    "participant_id": self.media_participant,
                },
            )

    # -- client commands

    async def _sdp_command(self, command: Command, op: str, perm: str, **fields: Any) -> None:
        await self.media_command(command, op, perm=perm, sdp=command.data.sdp, **fields)

    async def rtc_publish(self, command: Command) -> None:
        muted = await self.run_sync(_muted_kinds, self.user, self.room_id)
        await self._sdp_command(command, "publish", "rooms.publish_media", muted=muted)

    async def rtc_unpublish(self, command: Command) -> None:
        await self.media_command(command, "unpublish", perm="rooms.view_room")

    async def rtc_subscribe(self, command: Command) -> None:
        try:
            await self.run_sync(access_room, self.user, self.room_id, perm="rooms.publish_media")
            follower = False
        except AccessDenied:
            follower = True  # receive-only: counts against MEDIA_MAX_FOLLOWERS
        await self.media_command(command, "subscribe", perm="rooms.receive_media", follower=follower)

    async def rtc_answer(self, command: Command) -> None:
        await self._sdp_command(command, "answer", "rooms.receive_media")

    async def rtc_mute(self, command: Command) -> None:
        kind, muted = command.data.kind, command.data.muted
        if not muted:  # unmuting oneself lifts a facilitator's mute
            await self.run_sync(
                services.media_unmute_self, actor=self.user, room_id=self.room_id, kind=kind
            )
        await self.media_command(command, "mute", perm="rooms.view_room", kind=kind, muted=muted)

    # Facilitator commands (floor, mutes, ending the call) call their services directly
    # (council/rooms/commands.py): services persist, then the room and the workers hear of it.

    # -- events

    async def rooms_rtc_offer(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def rooms_media_tracks_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def rooms_media_state_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def rooms_media_muted(self, message: dict[str, Any]) -> None:
        if self.user.pk in message["payload"]["user_ids"]:  # only the people muted are told
            await self.forward(message)

    async def rooms_floor_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)
        if message["payload"]["user_id"] == self.user.pk:  # publish_media follows the floor
            await self.rights_changed()

    async def rooms_call_ended(self, message: dict[str, Any]) -> None:
        await self.forward(message)
