"""MediaRoom: the selective forwarding unit of one room in this process (pure asyncio, no ORM).

Each participant has up to two peer connections: *publish* (the browser offers its camera,
microphone, screen; the server answers and never sends on it) and *subscribe* (the server offers
every other participant's tracks; the browser answers). The server is the impolite peer: when the
set of tracks changes it re-offers each subscriber through ``on_event("rooms.rtc_offer", ...)``;
an offer made while the previous one is unanswered waits for that answer.

Media is forwarded encoded (see forwarding.py); nothing here decodes or encodes.
See docs/media.md for the contract.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from aiortc import RTCBundlePolicy
from aiortc import RTCConfiguration
from aiortc import RTCIceServer
from aiortc import RTCPeerConnection
from aiortc import RTCRtpTransceiver
from aiortc import RTCSessionDescription
from aiortc.exceptions import InvalidStateError
from aiortc.mediastreams import MediaStreamTrack

from council.rooms.media.forwarding import EncodedTrack
from council.rooms.media.forwarding import TrackForwarder
from council.rooms.media.forwarding import codec_preferences
from council.rooms.media.forwarding import negotiated_codec
from council.rooms.media.forwarding import on_keyframe_request
from council.rooms.media.forwarding import set_stream_id

logger = logging.getLogger(__name__)

EVENT_OFFER = "rooms.rtc_offer"
EVENT_TRACKS_CHANGED = "rooms.media_tracks_changed"
KINDS = ("audio", "video")

OnEvent = Callable[[str, str | None, dict[str, Any]], Awaitable[None]]


@dataclass(eq=False)
class _Published:
    participant_id: str
    kind: str
    track_id: str  # id subscribers see (msid track id), unique in the room
    stream_id: str  # msid stream id subscribers see: one per published browser stream
    mid: str
    forwarder: TrackForwarder


@dataclass(eq=False)
class _Sending:
    transceiver: RTCRtpTransceiver
    track: EncodedTrack


@dataclass(eq=False)
class _Participant:
    participant_id: str
    publish_pc: RTCPeerConnection | None = None
    subscribe_pc: RTCPeerConnection | None = None
    published: dict[str, _Published] = field(default_factory=dict)  # by track_id
    sending: dict[str, _Sending] = field(default_factory=dict)  # by published track_id
    stream_ids: dict[str, str] = field(default_factory=dict)  # browser stream id -> room stream id
    muted: set[str] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    renegotiate_later: bool = False


def _tolerate_closed_connects(loop: asyncio.AbstractEventLoop) -> None:
    """Log at debug, not as an error, a connection that closed while aiortc was connecting it.

    aiortc starts ``RTCPeerConnection.__connect`` as a task nobody awaits (aiortc#1040): when the
    connection closes meanwhile (a whole meeting hangs up at once), asyncio reports "Task
    exception was never retrieved" with ``InvalidStateError``. Every other error goes on as before.
    """
    previous = loop.get_exception_handler()
    if getattr(previous, "tolerates_closed_connects", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        future = context.get("future")
        coroutine = future.get_coro() if isinstance(future, asyncio.Task) else None
        name = getattr(coroutine, "__qualname__", "")
        if isinstance(context.get("exception"), InvalidStateError) and name == "RTCPeerConnection.__connect":
            logger.debug("media: a connection closed while connecting (%s)", context["exception"])
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.tolerates_closed_connects = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


def _sdp_sections(sdp: str) -> dict[str, dict[str, str]]:
    """{mid: {"direction", "stream_id"}} for each media section of an SDP."""
    sections: dict[str, dict[str, str]] = {}
    for chunk in re.split(r"\r?\nm=", sdp)[1:]:
        mid = re.search(r"^a=mid:(\S+)", chunk, re.MULTILINE)
        if mid is None:
            continue
        msid = re.search(r"^a=msid:(\S+)", chunk, re.MULTILINE)
        direction = re.search(r"^a=(sendrecv|sendonly|recvonly|inactive)\s*$", chunk, re.MULTILINE)
        sections[mid.group(1)] = {
            "direction": direction.group(1) if direction else "sendrecv",
            "stream_id": msid.group(1) if msid and msid.group(1) != "-" else "",
        }
    return sections


class MediaRoom:
    """Every peer connection and forwarded track of one room in this process."""

    def __init__(
        self,
        room_id: int,
        *,
        ice_servers: list[RTCIceServer],
        on_event: OnEvent,
    ):
        self.room_id = room_id
        self._ice_servers = list(ice_servers)
        self._on_event = on_event
        self._participants: dict[str, _Participant] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    # Public API -----------------------------------------------------------------------------

    async def publish(self, participant_id: str, offer_sdp: str) -> str:
        """Accept a browser's publish offer (first or renegotiated); return the answer SDP."""
        self._check_open()
        participant = self._participant(participant_id)
        async with participant.lock:
            pc = participant.publish_pc
            if pc is None:
                pc = participant.publish_pc = self._new_pc()
                pc.on(
                    "connectionstatechange",
                    lambda pc=pc: self._on_state(participant, pc, "publish"),
                )
            new_receivers: list[tuple[RTCRtpTransceiver, TrackForwarder]] = []

            def on_track(track: MediaStreamTrack) -> None:
                for transceiver in pc.getTransceivers():
                    if transceiver.receiver.track is track:
                        # Tap now: the receiver starts (and would decode) once connected.
                        forwarder = TrackForwarder(
                            track.kind,
                            track_id=uuid.uuid4().hex,
                            receiver=transceiver.receiver,
                            on_end=lambda f: self._forwarder_ended(participant, f),
                        )
                        new_receivers.append((transceiver, forwarder))

            pc.on("track", on_track)
            try:
                await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            finally:
                pc.remove_listener("track", on_track)
            sections = _sdp_sections(offer_sdp)
            for transceiver, forwarder in new_receivers:
                mid = transceiver.mid
                assert mid is not None  # a transceiver made from an offer's section has its mid
                codec = negotiated_codec(transceiver)
                forwarder.mime_type = codec.mimeType if codec else None
                browser_stream = sections.get(mid, {}).get("stream_id") or "-"
                stream_id = participant.stream_ids.setdefault(
                    browser_stream, f"{participant_id}-{uuid.uuid4().hex[:12]}"
                )
                forwarder.set_muted(forwarder.kind in participant.muted)
                participant.published[forwarder.track_id] = _Published(
                    participant_id=participant_id,
                    kind=forwarder.kind,
                    track_id=forwarder.track_id,
                    stream_id=_msid_token(stream_id),
                    mid=mid,
                    forwarder=forwarder,
                )
            # Tracks the browser stopped sending (e.g. screen share ended) leave the room.
            stopped = [
                published
                for published in participant.published.values()
                if sections.get(published.mid, {}).get("direction", "inactive")
                not in ("sendrecv", "sendonly")
            ]
            for published in stopped:
                participant.published.pop(published.track_id, None)
                published.forwarder.close()
            answer = await pc.createAnswer()
            await pc.setLocalDescription(answer)
            answer_sdp = pc.localDescription.sdp
        if new_receivers or stopped:
            await self._tracks_changed(exclude=None)
        return answer_sdp

    async def unpublish(self, participant_id: str) -> None:
        """Close the participant's publish connection; their tracks leave every subscriber."""
        participant = self._participants.get(participant_id)
        if participant is None:
            return
        async with participant.lock:
            changed = await self._close_publish(participant)
        if changed:
            await self._tracks_changed(exclude=None)

    async def subscribe(self, participant_id: str) -> str:
        """(Re)create the participant's subscribe connection; return an offer with every track."""
        self._check_open()
        participant = self._participant(participant_id)
        async with participant.lock:
            await self._close_subscribe(participant)
            pc = participant.subscribe_pc = self._new_pc()
            pc.on(
                "connectionstatechange",
                lambda pc=pc: self._on_state(participant, pc, "subscribe"),
            )
            await self._sync_senders(participant)
            offer = await pc.createOffer()
            await pc.setLocalDescription(offer)
            return pc.localDescription.sdp

    async def subscriber_answer(self, participant_id: str, answer_sdp: str) -> None:
        """Apply the browser's answer to the last offer of its subscribe connection."""
        participant = self._participants.get(participant_id)
        if participant is None or participant.subscribe_pc is None:
            raise ValueError("no subscribe connection for this participant")
        async with participant.lock:
            pc = participant.subscribe_pc
            if pc.signalingState != "have-local-offer":
                raise ValueError("no offer is waiting for an answer")
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))
            again = participant.renegotiate_later
            participant.renegotiate_later = False
        if again:
            await self._renegotiate(participant)

    async def leave(self, participant_id: str) -> None:
        """Close both connections of a participant and remove their tracks everywhere."""
        participant = self._participants.pop(participant_id, None)
        if participant is None:
            return
        async with participant.lock:
            changed = await self._close_publish(participant)
            await self._close_subscribe(participant)
        if changed:
            await self._tracks_changed(exclude=None)

    async def set_muted(self, participant_id: str, kind: str, muted: bool) -> None:
        """Stop (or resume) forwarding one kind of a participant's media to everyone."""
        if kind not in KINDS:
            raise ValueError(f"unknown media kind {kind!r}")
        participant = self._participant(participant_id)
        if muted:
            participant.muted.add(kind)
        else:
            participant.muted.discard(kind)
        changed = False
        for published in participant.published.values():
            if published.kind == kind and published.forwarder.muted != muted:
                published.forwarder.set_muted(muted)
                changed = True
        if changed:
            await self._emit(EVENT_TRACKS_CHANGED, None, {"tracks": self.tracks()})

    def tracks(self) -> list[dict[str, Any]]:
        return [
            {
                "participant_id": published.participant_id,
                "kind": published.kind,
                "track_id": published.track_id,
                "stream_id": published.stream_id,
                "muted": published.forwarder.muted,
            }
            for participant in self._participants.values()
            for published in participant.published.values()
        ]

    def participants(self) -> list[str]:
        return list(self._participants)

    def forwarders(self) -> list[TrackForwarder]:
        """Every published track's forwarder (statistics for the worker and the benchmark)."""
        return [
            published.forwarder
            for participant in self._participants.values()
            for published in participant.published.values()
        ]

    async def close(self) -> None:
        """Close every peer connection of the room."""
        self._closed = True
        for task in tuple(self._tasks):
            task.cancel()
        participants = list(self._participants.values())
        self._participants.clear()
        for participant in participants:
            await self._close_publish(participant)
            await self._close_subscribe(participant)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # Internals ------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("media room is closed")

    def _participant(self, participant_id: str) -> _Participant:
        participant = self._participants.get(participant_id)
        if participant is None:
            participant = self._participants[participant_id] = _Participant(participant_id)
        return participant

    def _new_pc(self) -> RTCPeerConnection:
        # Always explicit: the default configuration contacts a public Google STUN server.
        # max-bundle: with aiortc's default ("balanced") a connection whose first offer or answer
        # holds two sections of a kind other than the first section's (two publishers' audio,
        # a camera and a screen) leaves the second on a transport that BUNDLE then discards:
        # that section never starts and its media never flows.
        _tolerate_closed_connects(asyncio.get_running_loop())
        return RTCPeerConnection(
            RTCConfiguration(
                iceServers=list(self._ice_servers), bundlePolicy=RTCBundlePolicy.MAX_BUNDLE
            )
        )

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _emit(self, event_type: str, participant_id: str | None, payload: dict[str, Any]) -> None:
        try:
            await self._on_event(event_type, participant_id, payload)
        except Exception:
            logger.exception("media: on_event(%s) failed in room %s", event_type, self.room_id)

    def _on_state(self, participant: _Participant, pc: RTCPeerConnection, which: str) -> None:
        if pc.connectionState != "failed" or self._closed:
            return
        logger.info("media: %s connection of %s failed", which, participant.participant_id)
        if which == "publish" and participant.publish_pc is pc:
            self._spawn(self.unpublish(participant.participant_id))
        elif which == "subscribe" and participant.subscribe_pc is pc:
            self._spawn(self._drop_subscribe(participant, pc))

    async def _drop_subscribe(self, participant: _Participant, pc: RTCPeerConnection) -> None:
        async with participant.lock:
            if participant.subscribe_pc is pc:
                await self._close_subscribe(participant)

    def _forwarder_ended(self, participant: _Participant, forwarder: TrackForwarder) -> None:
        """The publisher's receiver stopped (RTCP BYE, connection lost)."""
        if participant.published.pop(forwarder.track_id, None) is not None and not self._closed:
            self._spawn(self._tracks_changed(exclude=None))

    async def _close_publish(self, participant: _Participant) -> bool:
        published = list(participant.published.values())
        participant.published.clear()
        participant.stream_ids.clear()
        for item in published:
            item.forwarder.close()
        pc, participant.publish_pc = participant.publish_pc, None
        if pc is not None:
            await pc.close()
        return bool(published)

    async def _close_subscribe(self, participant: _Participant) -> None:
        pc, participant.subscribe_pc = participant.subscribe_pc, None
        for sending in participant.sending.values():
            sending.track.stop()
        participant.sending.clear()
        participant.renegotiate_later = False
        if pc is not None:
            await pc.close()

    def _wanted(self, participant: _Participant) -> dict[str, _Published]:
        return {
            published.track_id: published
            for other in self._participants.values()
            if other is not participant
            for published in other.published.values()
            if not published.forwarder.ended
        }

    async def _sync_senders(self, participant: _Participant) -> bool:
        """Add a sending transceiver per new track, deactivate those of removed ones."""
        pc = participant.subscribe_pc
        assert pc is not None  # its callers, subscribe() and _renegotiate(), made or checked it
        wanted = self._wanted(participant)
        changed = False
        for track_id in [t for t in participant.sending if t not in wanted]:
            sending = participant.sending.pop(track_id)
            sending.track.stop()
            sending.transceiver.direction = "inactive"
            # Stopping the sender sends RTCP BYE: the subscriber's track ends.
            await sending.transceiver.sender.stop()
            changed = True
        for track_id, published in wanted.items():
            if track_id in participant.sending:
                continue
            forwarder = published.forwarder
            track = forwarder.add_subscriber(track_id=published.track_id)
            transceiver = pc.addTransceiver(track, direction="sendonly")
            if forwarder.mime_type:
                transceiver.setCodecPreferences(
                    codec_preferences(forwarder.kind, forwarder.mime_type)
                )
            set_stream_id(transceiver.sender, published.stream_id)
            on_keyframe_request(transceiver.sender, forwarder.request_keyframe)
            participant.sending[track_id] = _Sending(transceiver=transceiver, track=track)
            changed = True
        return changed

    async def _renegotiate(self, participant: _Participant) -> None:
        async with participant.lock:
            pc = participant.subscribe_pc
            if pc is None or self._participants.get(participant.participant_id) is not participant:
                return
            if pc.signalingState == "closed":  # the browser hung up; leave() will tidy up
                return
            if pc.signalingState != "stable":
                participant.renegotiate_later = True
                return
            try:
                if not await self._sync_senders(participant):
                    return
                offer = await pc.createOffer()
                await pc.setLocalDescription(offer)
            except InvalidStateError:
                # When a whole meeting hangs up at once (workshops opening or closing), a
                # connection closes while its new offer is being made: leave() tidies up.
                if pc.signalingState == "closed":
                    return
                raise
            sdp = pc.localDescription.sdp
        await self._emit(EVENT_OFFER, participant.participant_id, {"sdp": sdp, "pc": "subscribe"})

    async def _tracks_changed(self, *, exclude: str | None) -> None:
        for participant in list(self._participants.values()):
            if participant.participant_id != exclude and participant.subscribe_pc is not None:
                try:
                    await self._renegotiate(participant)
                except Exception:
                    logger.exception("media: renegotiating %s failed", participant.participant_id)
        await self._emit(EVENT_TRACKS_CHANGED, None, {"tracks": self.tracks()})


def _msid_token(value: str) -> str:
    """An msid id must be a token: keep letters, digits and a few signs."""
    return re.sub(r"[^A-Za-z0-9_.:-]", "_", value)[:64]
