"""The media worker: hosts the MediaRooms of the rooms pinned to it, driven over the channel layer.

Commands arrive on the fixed channel ``media.worker.<worker_id>`` (see assignment.py) from
RoomConsumers (council/rooms/signalling.py), each with the consumer's channel name in
``reply_to``; the answer goes back there as ``rooms.media_reply``. The facilitator services
broadcast their persisted decisions (mute, floor taken back, call ended) to the group
``media.workers``; the worker hosting that room acts on them. Events of a MediaRoom go to
one participant's socket or to the room group, already in the frame envelope.

The worker runs as its own process (``python -m council.rooms.media``) or, in the embedded
default, as a task inside Daphne (signalling.ensure_embedded_worker). No ORM here: what
the worker needs to know about a person (name, follower or not, muted by a facilitator)
comes with the command.
"""

import asyncio
import contextlib
import logging
import os
import random
import re
import secrets
import socket
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.utils.translation import gettext_noop
from redis.exceptions import RedisError

from council.core.errors import CouncilError
from council.core.realtime import group_message
from council.rooms import events
from council.rooms.media import assignment

if TYPE_CHECKING:
    from aiortc import RTCIceServer

    from council.rooms.media.sfu import MediaRoom

logger = logging.getLogger(__name__)

REPLY = "rooms.media_reply"
COMMAND = "media.command"
# What the channel layer raises while Redis is away (killed, restarting, unreachable).
REDIS_AWAY = (RedisError, OSError, TimeoutError)
RECEIVE_BACKOFF_MAX_SECONDS = 2.0


class MediaError(CouncilError):
    """A media command that cannot be carried out; its code goes into the error frame."""


@dataclass
class Participant:
    id: str
    room_id: int
    user_id: int
    name: str
    reply_to: str
    follower: bool = False
    subscribed: bool = False
    published: bool = False
    kinds_muted: set[str] = field(default_factory=set)


def ice_servers() -> "list[RTCIceServer]":
    """MEDIA_ICE_SERVERS as aiortc objects (aiortc uses only the first STUN and first TURN URL)."""
    from aiortc import RTCIceServer

    return [
        RTCIceServer(
            urls=server["urls"], username=server.get("username"), credential=server.get("credential")
        )
        for server in settings.MEDIA_ICE_SERVERS
    ]


# ---------------------------------------------------------------- ICE on this machine


def use_loopback_for_tests() -> None:
    """Offer only 127.0.0.1 as host candidate (aioice never offers loopback addresses)."""
    import aioice.ice

    def loopback_only(use_ipv4: bool = True, use_ipv6: bool = True) -> list[str]:
        return ["127.0.0.1"]

    aioice.ice.get_host_addresses = loopback_only


class _PortRangeLoop:
    """Wrap the running loop so aioice binds its UDP sockets inside [low, high]."""

    def __init__(self, loop: asyncio.AbstractEventLoop, low: int, high: int) -> None:
        self._loop, self._low, self._high = loop, low, high

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loop, name)

    async def create_datagram_endpoint(
        self,
        factory: Callable[[], asyncio.DatagramProtocol],
        local_addr: tuple[str, int] | None = None,
        **kwargs: Any,
    ) -> tuple[asyncio.DatagramTransport, asyncio.DatagramProtocol]:
        if local_addr is None or local_addr[1] != 0:
            return await self._loop.create_datagram_endpoint(factory, local_addr=local_addr, **kwargs)
        ports = list(range(self._low, self._high + 1))
        start = random.randrange(len(ports))  # noqa: S311 - spreads rooms over the range
        for port in ports[start:] + ports[:start]:
            with contextlib.suppress(OSError):
                return await self._loop.create_datagram_endpoint(
                    factory, local_addr=(local_addr[0], port), **kwargs
                )
        raise OSError(f"no free UDP port in {self._low}-{self._high}")


class _AsyncioWithPortRange:
    def __init__(self, low: int, high: int) -> None:
        self._low, self._high = low, high

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    def get_running_loop(self) -> Any:
        return _PortRangeLoop(asyncio.get_running_loop(), self._low, self._high)


def limit_udp_ports(low: int, high: int) -> None:
    """Make aioice bind host candidates in [low, high] (aiortc and aioice have no option).

    aioice binds each host candidate with ``loop.create_datagram_endpoint(local_addr=(addr,
    0))`` inside ``aioice.ice.Connection.get_component_candidates``; the module's ``asyncio``
    name is replaced so that this call tries the ports of the range instead of port 0.
    tests/media_signalling/test_worker.py checks the candidates' ports, so an aioice upgrade
    that changes this fails there.
    """
    import aioice.ice

    if low and high and low <= high:
        # Stands in for the asyncio module inside aioice.ice (above): not a module, hence the ignore.
        aioice.ice.asyncio = _AsyncioWithPortRange(low, high)  # type: ignore[assignment]


def configure_ice() -> None:
    limit_udp_ports(settings.MEDIA_UDP_PORT_MIN, settings.MEDIA_UDP_PORT_MAX)
    if os.environ.get("MEDIA_TEST_LOOPBACK") == "1":
        use_loopback_for_tests()


# ---------------------------------------------------------------- the worker


def default_worker_id() -> str:
    """Host name plus a token: a restarted worker is a new worker, its rooms are re-pinned."""
    host = re.sub(r"[^a-zA-Z0-9_\-]", "-", socket.gethostname())[:40]
    return f"{host}-{secrets.token_hex(4)}"


class MediaWorker:
    def __init__(self, worker_id: str | None = None) -> None:
        self.worker_id = worker_id or default_worker_id()
        self.channel = assignment.worker_channel(self.worker_id)
        self.layer = get_channel_layer()
        self.rooms: dict[int, MediaRoom] = {}
        self.locks: dict[int, asyncio.Lock] = {}
        self.participants: dict[str, Participant] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._main: list[asyncio.Task[None]] = []
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- life cycle

    async def start(self) -> None:
        """Announce this worker (live at once) and start receiving; returns when it is listening."""
        self.loop = asyncio.get_running_loop()
        await self._announce()
        self._main = [
            self.loop.create_task(self._receive_loop()),
            self.loop.create_task(self._heartbeat_loop()),
        ]
        logger.info("media worker %s listening on %s", self.worker_id, self.channel)

    @property
    def running(self) -> bool:
        return bool(self._main) and not any(task.done() for task in self._main)

    async def stop(self) -> None:
        for task in self._main:
            task.cancel()
        for task in self._main:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._main = []
        for room_id in list(self.rooms):
            await self._close_room(room_id)
        with contextlib.suppress(Exception):
            await assignment.store().forget(self.worker_id)
            await self.layer.group_discard(assignment.MEDIA_WORKERS_GROUP, self.channel)

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(settings.MEDIA_WORKER_HEARTBEAT_SECONDS)
            try:
                await assignment.store().heartbeat(self.worker_id, list(self.rooms))
            except Exception:  # Redis away for a moment: the next beat will do
                logger.exception("media worker heartbeat failed")

    async def _announce(self) -> None:
        """Join the workers' group and the live list (again after Redis restarted empty)."""
        await self.layer.group_add(assignment.MEDIA_WORKERS_GROUP, self.channel)
        await assignment.store().heartbeat(self.worker_id, list(self.rooms))

    async def _reconnect(self) -> None:
        """Drop the layer's pooled connections, then announce this worker again.

        A pooled connection the restarted server closed is not noticed before use: the
        first reply sent after the outage failed with "Connection closed by server" (seen
        in tests/media_signalling/test_worker_redis_outage.py) and its command timed out.
        """
        if hasattr(self.layer, "close_pools"):  # channels-redis; not the in-memory layer
            await self.layer.close_pools()
        await self._announce()

    async def _receive_loop(self) -> None:
        """Receive commands for ever; Redis going away pauses it, with back-off, but never ends it.

        An exception escaping here used to end `python -m council.rooms.media`, and video
        stayed down until someone restarted it. A Redis restarted without persistence has
        forgotten the group and the live list: the worker joins them again first.
        """
        failures = 0
        while True:
            try:
                if failures:
                    await self._reconnect()
                message = await self.layer.receive(self.channel)
            except REDIS_AWAY as error:
                failures += 1
                if failures == 1:
                    logger.warning("media worker %s lost Redis (%r); retrying", self.worker_id, error)
                await asyncio.sleep(min(RECEIVE_BACKOFF_MAX_SECONDS, 0.05 * 2**failures))
                continue
            if failures:
                logger.warning("media worker %s receives again after %d attempts", self.worker_id, failures)
                failures = 0
            task = asyncio.get_running_loop().create_task(self.handle(message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # -- dispatch

    async def handle(self, message: dict[str, Any]) -> None:
        try:
            if message.get("type") == COMMAND:
                await self._command(message)
            elif message.get("type") == events.MEDIA_MUTED:
                await self._on_muted(message["payload"])
            elif message.get("type") == events.FLOOR_CHANGED:
                await self._on_floor(message["payload"])
            elif message.get("type") == events.CALL_ENDED:
                await self._on_call_ended(message["payload"])
        except Exception:
            logger.exception("media worker could not handle %s", message.get("type"))

    async def _command(self, message: dict[str, Any]) -> None:
        room_id = int(message["room_id"])
        try:
            async with self.locks.setdefault(room_id, asyncio.Lock()):
                payload = await getattr(self, f"op_{message['op']}")(room_id, message)
        except CouncilError as error:
            await self._reply(message, ok=False, code=error.code, text=error.message)
        except Exception as error:  # a bad SDP, a peer connection that failed
            logger.warning("media command %s failed: %r", message.get("op"), error)
            await self._reply(message, ok=False, code="invalid", text=str(error) or repr(error))
        else:
            await self._reply(message, ok=True, payload=payload or {})

    async def _reply(
        self,
        message: dict[str, Any],
        *,
        ok: bool,
        payload: dict[str, Any] | None = None,
        code: str = "",
        text: str = "",
    ) -> None:
        if not message.get("reply_to") or not message.get("ref"):
            return
        reply = {"type": REPLY, "ref": message["ref"], "ok": ok, "payload": payload or {}}
        if not ok:
            reply |= {"code": code, "message": text}
        await self.layer.send(message["reply_to"], reply)

    # -- rooms and participants

    def _room(self, room_id: int) -> "MediaRoom":
        if room_id not in self.rooms:
            from council.rooms.media.sfu import MediaRoom

            async def on_event(event_type: str, participant_id: str | None, payload: dict[str, Any]) -> None:
                await self._emit(room_id, event_type, participant_id, payload)

            self.rooms[room_id] = MediaRoom(room_id, ice_servers=ice_servers(), on_event=on_event)
        return self.rooms[room_id]

    def _participant(self, room_id: int, message: dict[str, Any]) -> Participant:
        pid = str(message["participant_id"])
        participant = self.participants.get(pid)
        if participant is None or participant.room_id != room_id:
            user = message.get("user") or {}
            participant = Participant(
                id=pid,
                room_id=room_id,
                user_id=int(user.get("id", 0)),
                name=str(user.get("name", "")),
                reply_to=message["reply_to"],
            )
            self.participants[pid] = participant
        participant.reply_to = message.get("reply_to") or participant.reply_to
        return participant

    def tracks_payload(self, room_id: int) -> dict[str, Any]:
        """The room's tracks, labelled with the person behind each (for the tiles)."""
        room = self.rooms.get(room_id)
        tracks = []
        for track in room.tracks() if room else []:
            person = self.participants.get(track["participant_id"])
            tracks.append(
                {
                    "user_id": person.user_id if person else None,
                    "name": person.name if person else "",
                    "kind": track["kind"],
                    "stream_id": track["stream_id"],
                    "track_id": track["track_id"],
                    "muted": bool(track.get("muted")),
                }
            )
        return {"room_id": room_id, "tracks": tracks}

    async def _emit(
        self, room_id: int, event_type: str, participant_id: str | None, payload: dict[str, Any]
    ) -> None:
        if participant_id is not None:
            participant = self.participants.get(participant_id)
            if participant is not None:
                await self.layer.send(participant.reply_to, group_message(event_type, payload))
        elif event_type == events.MEDIA_TRACKS_CHANGED:
            message = group_message(events.MEDIA_TRACKS_CHANGED, self.tracks_payload(room_id))
            await self.layer.group_send(events.room_group(room_id), message)
        else:
            await self.layer.group_send(events.room_group(room_id), group_message(event_type, payload))

    async def _close_room(self, room_id: int) -> None:
        room = self.rooms.pop(room_id, None)
        for pid in [p.id for p in self.participants.values() if p.room_id == room_id]:
            self.participants.pop(pid, None)
        if room is not None:
            await room.close()

    async def _leave(self, participant: Participant) -> None:
        self.participants.pop(participant.id, None)
        room = self.rooms.get(participant.room_id)
        if room is None:
            return
        await room.leave(participant.id)
        if not any(p.room_id == participant.room_id for p in self.participants.values()):
            await self._close_room(participant.room_id)

    # -- commands (op_<name>): the consumer checked the permission before sending them

    async def op_publish(self, room_id: int, message: dict[str, Any]) -> dict[str, Any]:
        participant = self._participant(room_id, message)
        room = self._room(room_id)
        answer = await room.publish(participant.id, _sdp(message))
        participant.published = True
        for kind, muted in (message.get("muted") or {}).items():  # a facilitator's mute stays
            if muted:
                await room.set_muted(participant.id, kind, True)
        return {"sdp": answer}

    async def op_unpublish(self, room_id: int, message: dict[str, Any]) -> dict[str, Any]:
        participant = self._participant(room_id, message)
        if room_id in self.rooms:
            await self.rooms[room_id].unpublish(participant.id)
        participant.published = False
        return {}

    async def op_subscribe(self, room_id: int, message: dict[str, Any]) -> dict[str, Any]:
        participant = self._participant(room_id, message)
        participant.follower = bool(message.get("follower"))
        if participant.follower and not participant.subscribed:
            followers = sum(
                1
                for p in self.participants.values()
                if p.room_id == room_id and p.follower and p.subscribed
            )
            if followers >= settings.MEDIA_MAX_FOLLOWERS:
                raise MediaError(
                    gettext_noop("The call is full: no more people can follow it."), code="media_full"
                )
        offer = await self._room(room_id).subscribe(participant.id)
        participant.subscribed = True
        # The tracks come with the offer: a late joiner missed the earlier tracks_changed events.
        return {"sdp": offer, "tracks": self.tracks_payload(room_id)["tracks"]}

    async def op_answer(self, room_id: int, message: dict[str, Any]) -> dict[str, Any]:
        participant = self.participants.get(str(message["participant_id"]))
        if participant is None or room_id not in self.rooms or not participant.subscribed:
            raise MediaError(gettext_noop("Subscribe to the call first."), code="invalid")
        await self.rooms[room_id].subscriber_answer(participant.id, _sdp(message))
        return {}

    async def op_mute(self, room_id: int, message: dict[str, Any]) -> dict[str, Any]:
        participant = self.participants.get(str(message["participant_id"]))
        if participant is not None and room_id in self.rooms:
            await self.rooms[room_id].set_muted(
                participant.id, message["kind"], bool(message["muted"])
            )
        return {}

    async def op_leave(self, room_id: int, message: dict[str, Any]) -> dict[str, Any]:
        participant = self.participants.get(str(message["participant_id"]))
        if participant is not None:
            await self._leave(participant)
        return {}

    # -- decisions of facilitators, persisted then broadcast by the services

    def _people(self, room_id: int, user_ids: Iterable[int]) -> list[Participant]:
        wanted = set(user_ids)
        return [p for p in self.participants.values() if p.room_id == room_id and p.user_id in wanted]

    async def _on_muted(self, payload: dict[str, Any]) -> None:
        room_id = payload["room_id"]
        if room_id not in self.rooms:
            return
        async with self.locks.setdefault(room_id, asyncio.Lock()):
            for participant in self._people(room_id, payload["user_ids"]):
                if participant.published:
                    await self.rooms[room_id].set_muted(participant.id, payload["kind"], True)

    async def _on_floor(self, payload: dict[str, Any]) -> None:
        room_id = payload["room_id"]
        if payload["floor"] or room_id not in self.rooms:
            return
        async with self.locks.setdefault(room_id, asyncio.Lock()):
            for participant in self._people(room_id, [payload["user_id"]]):
                if participant.published:
                    await self.rooms[room_id].unpublish(participant.id)
                    participant.published = False

    async def _on_call_ended(self, payload: dict[str, Any]) -> None:
        room_id = payload["room_id"]
        if room_id in self.rooms:
            async with self.locks.setdefault(room_id, asyncio.Lock()):
                await self._close_room(room_id)
                message = group_message(events.MEDIA_TRACKS_CHANGED, {"room_id": room_id, "tracks": []})
                await self.layer.group_send(events.room_group(room_id), message)


def _sdp(message: dict[str, Any]) -> str:
    sdp = message.get("sdp")
    if not isinstance(sdp, str) or not sdp.strip():
        raise MediaError(gettext_noop("“sdp” must be a session description."), code="invalid")
    return sdp


async def serve(worker_id: str | None = None) -> None:
    """Run a worker until cancelled (the process entry point)."""
    configure_ice()
    worker = MediaWorker(worker_id)
    await worker.start()
    try:
        await asyncio.gather(*worker._main)
    finally:
        await worker.stop()
