"""Forward encoded media without decoding: the only module that touches aiortc internals.

aiortc (pinned exactly in pyproject.toml) always decodes what it receives and only skips encoding
when a track's ``recv()`` returns ``av.Packet``s. A selective forwarding unit needs the encoded
frames the receiver reassembles, so this module:

- replaces a receiver's decoder input queue with a ``_FrameTap`` *before* the decoder thread
  starts: the complete encoded frames the jitter buffer hands to the decoder come to a
  ``TrackForwarder`` instead, on the event loop; nothing is decoded;
- gives each subscriber an ``EncodedTrack`` whose ``recv()`` returns ``av.Packet``s (pts in the
  codec clock), which ``RTCRtpSender`` packetises as they are;
- forwards keyframe requests (PLI/FIR) a subscriber's sender receives to the publisher,
  at most one per ``keyframe_interval`` per publisher track;
- starts every subscriber on a keyframe and, when a subscriber's queue overflows, drops its video
  until the next keyframe (its audio queue is larger, so video always goes first).

Every private name used is listed in ``PRIVATE_API`` and checked by
tests/media/test_forwarding.py, so an aiortc upgrade that breaks the adapter fails loudly.
"""

from __future__ import annotations

import asyncio
import collections
import fractions
import logging
import queue
from collections.abc import Callable
from typing import Any

import av
from aiortc import RTCRtpCodecCapability
from aiortc import RTCRtpReceiver
from aiortc import RTCRtpSender
from aiortc import RTCRtpTransceiver
from aiortc.mediastreams import MediaStreamError
from aiortc.mediastreams import MediaStreamTrack
from av.stream import Stream

logger = logging.getLogger(__name__)

# (class, attribute) pairs this module relies on; the contract test checks each one.
PRIVATE_API = (
    (RTCRtpReceiver, "_RTCRtpReceiver__decoder_queue"),  # instance attribute, set in __init__
    (RTCRtpReceiver, "_RTCRtpReceiver__decoder_thread"),  # None until receive() starts it
    (RTCRtpReceiver, "_send_rtcp_pli"),  # async (media_ssrc) -> None
    (RTCRtpSender, "_send_keyframe"),  # called by _handle_rtcp_packet on PLI/FIR
    (RTCRtpSender, "_stream_id"),  # msid stream id written in the SDP
    (RTCRtpTransceiver, "_codecs"),  # codecs negotiated by setRemoteDescription
    (MediaStreamTrack, "_id"),  # track id written in the SDP (msid)
)

VIDEO_QUEUE_FRAMES = 30  # about one second at 30 fps: beyond it, skip to the next keyframe
AUDIO_QUEUE_FRAMES = 100  # two seconds of 20 ms Opus frames: larger, so video is dropped first
KEYFRAME_INTERVAL = 0.5  # seconds between keyframe requests sent to one publisher track


def is_keyframe(codec_name: str, data: bytes) -> bool:
    """Whether an encoded frame can be decoded on its own (audio frames always can)."""
    name = codec_name.upper()
    if name == "VP8":
        # RFC 6386 9.1: bit 0 of the frame tag is 0 for key frames.
        return bool(data) and not data[0] & 0x01
    if name == "H264":
        # aiortc depayloads H.264 to Annex B: look for an IDR slice (5) or a sequence parameter set (7).
        position = data.find(b"\x00\x00\x01")
        while position != -1 and position + 3 < len(data):
            if data[position + 3] & 0x1F in (5, 7):
                return True
            position = data.find(b"\x00\x00\x01", position + 3)
        return False
    return True


class _FrameTap:
    """Stands in for the receiver's decoder queue (a ``queue.Queue``).

    ``put((codec, JitterFrame))`` is called on the event loop by ``_handle_rtp_packet``; ``put(None)``
    by the receiver when it stops (the idle decoder thread, blocked in ``get()``, then ends the
    track as usual).
    """

    def __init__(self, on_frame: Callable[[Any, Any], None], on_end: Callable[[], None]):
        self._inner: queue.Queue[Any] = queue.Queue()
        self._on_frame = on_frame
        self._on_end = on_end

    def put(self, item: Any) -> None:
        if item is None:
            self._inner.put(None)
            self._on_end()
            return
        codec, encoded_frame = item
        try:
            self._on_frame(codec, encoded_frame)
        except Exception:
            logger.exception("media: forwarding an encoded frame failed")

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._inner.get(*args, **kwargs)


def tap_receiver(
    receiver: RTCRtpReceiver,
    on_frame: Callable[[Any, Any], None],
    on_end: Callable[[], None] = lambda: None,
) -> None:
    """Send the receiver's reassembled encoded frames to ``on_frame(codec, frame)`` instead of decoding.

    ``frame.data`` is the encoded frame (VP8 bitstream, Annex B H.264 or one Opus packet),
    ``frame.timestamp`` its RTP timestamp rebased to start at 0, ``codec.clockRate`` its clock.
    Must be called before the receiver starts (in the peer connection's ``track`` handler).
    """
    # Private attributes aiortc's annotations do not declare (PRIVATE_API, checked by a test).
    if receiver._RTCRtpReceiver__decoder_thread is not None:  # type: ignore[attr-defined]
        raise RuntimeError("tap_receiver() must run before the receiver starts")
    receiver._RTCRtpReceiver__decoder_queue = _FrameTap(on_frame, on_end)  # type: ignore[attr-defined]


async def send_keyframe_request(receiver: RTCRtpReceiver) -> bool:
    """Send a PLI to the publisher of ``receiver``'s stream; False if no packet has arrived yet."""
    sources = receiver.getSynchronizationSources()
    if not sources:
        return False
    latest = max(sources, key=lambda source: source.timestamp)
    await receiver._send_rtcp_pli(latest.source)
    return True


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call ``callback()`` when the remote peer of ``sender`` asks for a keyframe (PLI or FIR).

    aiortc only honours these requests when it encodes; for forwarded packets they must go to
    the publisher.
    """
    sender._send_keyframe = callback  # type: ignore[method-assign]  # replacing it is the point


def set_stream_id(sender: RTCRtpSender, stream_id: str) -> None:
    """Set the msid stream id the next SDP gives for this sender (the page groups tracks by it)."""
    sender._stream_id = stream_id


def negotiated_codec(transceiver: RTCRtpTransceiver) -> Any:
    """The codec (RTCRtpCodecParameters) negotiated for a transceiver by the last remote description."""
    codecs = [codec for codec in transceiver._codecs if codec.name.lower() != "rtx"]
    return codecs[0] if codecs else None


def codec_preferences(kind: str, mime_type: str) -> list[RTCRtpCodecCapability]:
    """Capabilities restricting a sending transceiver to one codec (and RTX for video)."""
    capabilities = RTCRtpSender.getCapabilities(kind).codecs
    chosen = [c for c in capabilities if c.mimeType.lower() == mime_type.lower()]
    if kind == "video":
        chosen += [c for c in capabilities if c.mimeType.lower() == "video/rtx"]
    return chosen


class TrackForwarder:
    """One published track fanned out to any number of subscriber ``EncodedTrack``s."""

    def __init__(
        self,
        kind: str,
        *,
        track_id: str,
        receiver: RTCRtpReceiver | None = None,
        keyframe_interval: float = KEYFRAME_INTERVAL,
        on_end: Callable[[TrackForwarder], None] | None = None,
    ):
        self.kind = kind
        self.track_id = track_id
        self.mime_type: str | None = None
        self.muted = False
        self.ended = False
        self.frames_in = 0
        self.bytes_in = 0
        self.keyframe_requests_sent = 0
        self.on_packet: Callable[[av.Packet[Stream], bool], None] | None = None  # observer (tests, bench)
        self._receiver = receiver
        self._keyframe_interval = keyframe_interval
        self._last_request = -1e9
        self._pending_request: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._subscribers: set[EncodedTrack] = set()
        self._on_end = on_end
        if receiver is not None:
            tap_receiver(receiver, self.push, self._ended)

    # Publisher side -------------------------------------------------------------------------

    def push(self, codec: Any, encoded_frame: Any) -> None:
        """Fan out one encoded frame (from the receiver tap) to every subscriber."""
        if self.ended:
            return
        data = encoded_frame.data
        self.mime_type = codec.mimeType
        self.frames_in += 1
        self.bytes_in += len(data)
        if self.muted or not data:
            return
        keyframe = is_keyframe(codec.name, data)
        packet = av.Packet(data)
        packet.pts = encoded_frame.timestamp
        packet.time_base = fractions.Fraction(1, codec.clockRate)
        if self.on_packet is not None:
            self.on_packet(packet, keyframe)
        for subscriber in tuple(self._subscribers):
            subscriber._offer(packet, keyframe)

    def set_muted(self, muted: bool) -> None:
        """Stop (or resume) forwarding; video subscribers resume on a fresh keyframe."""
        if muted == self.muted:
            return
        self.muted = muted
        if not muted and self.kind == "video":
            for subscriber in self._subscribers:
                subscriber._need_keyframe = True
            self.request_keyframe()

    def request_keyframe(self) -> None:
        """Ask the publisher for a keyframe, at most once per interval (a later call is deferred)."""
        if self.ended or self.kind != "video" or self._receiver is None:
            return
        loop = asyncio.get_running_loop()
        wait = self._last_request + self._keyframe_interval - loop.time()
        if wait <= 0:
            self._last_request = loop.time()
            task = loop.create_task(self._send_request(self._receiver))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif self._pending_request is None:
            self._pending_request = loop.call_later(wait, self._deferred_request)

    def _deferred_request(self) -> None:
        self._pending_request = None
        if any(s._need_keyframe and s._started for s in self._subscribers):
            self.request_keyframe()

    async def _send_request(self, receiver: RTCRtpReceiver) -> None:
        try:
            if await send_keyframe_request(receiver):
                self.keyframe_requests_sent += 1
        except Exception:
            logger.exception("media: keyframe request failed")

    def _ended(self) -> None:
        if self._on_end is not None and not self.ended:
            self._on_end(self)
        self.close()

    def close(self) -> None:
        """End this forwarder and every subscriber track (their senders stop)."""
        self.ended = True
        if self._pending_request is not None:
            self._pending_request.cancel()
            self._pending_request = None
        for subscriber in tuple(self._subscribers):
            subscriber.stop()
        self._subscribers.clear()

    # Subscriber side ------------------------------------------------------------------------

    def add_subscriber(
        self, max_frames: int | None = None, *, track_id: str | None = None
    ) -> EncodedTrack:
        """A new subscriber track; ``track_id`` is the id the subscriber's SDP (msid) carries."""
        track = EncodedTrack(self, max_frames=max_frames, track_id=track_id)
        if not self.ended:
            self._subscribers.add(track)
        else:
            track.stop()
        return track

    def remove_subscriber(self, track: EncodedTrack) -> None:
        self._subscribers.discard(track)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)


class EncodedTrack(MediaStreamTrack):
    """A subscriber's copy of a published track: ``recv()`` returns encoded ``av.Packet``s.

    Frames are accepted only once a sender reads the track (so nothing stale piles up while the
    subscriber connects); the first read asks the publisher for a keyframe and video delta frames
    are discarded until one arrives.
    """

    def __init__(
        self,
        forwarder: TrackForwarder,
        *,
        max_frames: int | None = None,
        track_id: str | None = None,
    ):
        super().__init__()
        if track_id is not None:
            self._id = track_id
        self.kind = forwarder.kind
        self._forwarder = forwarder
        self._max_frames = max_frames or (
            VIDEO_QUEUE_FRAMES if self.kind == "video" else AUDIO_QUEUE_FRAMES
        )
        self._queue: collections.deque[tuple[av.Packet[Stream], bool]] = collections.deque()
        self._waiter: asyncio.Future[None] | None = None
        self._need_keyframe = self.kind == "video"
        self._started = False
        self.frames_forwarded = 0
        self.frames_dropped = 0
        self.first_keyframe: bool | None = None  # whether the first frame handed out was a keyframe
        self.on_packet: Callable[[av.Packet[Stream], bool], None] | None = None  # observer (tests, bench)

    def _offer(self, packet: av.Packet[Stream], keyframe: bool) -> None:
        if not self._started or self.readyState != "live":
            return
        if self._need_keyframe:
            if not keyframe:
                self.frames_dropped += 1
                self._forwarder.request_keyframe()
                return
            self._need_keyframe = False
        if len(self._queue) >= self._max_frames:
            if self.kind == "video":
                self.frames_dropped += len(self._queue)
                self._queue.clear()
                if not keyframe:
                    self.frames_dropped += 1
                    self._need_keyframe = True
                    self._forwarder.request_keyframe()
                    return
            else:
                self._queue.popleft()
                self.frames_dropped += 1
        self._queue.append((packet, keyframe))
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def recv(self) -> av.Packet[Stream]:
        if not self._started:
            self._started = True
            if self.kind == "video":
                self._forwarder.request_keyframe()
        while not self._queue:
            if self.readyState != "live":
                raise MediaStreamError
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        packet, keyframe = self._queue.popleft()
        if self.first_keyframe is None:
            self.first_keyframe = keyframe
        self.frames_forwarded += 1
        if self.on_packet is not None:
            self.on_packet(packet, keyframe)
        return packet

    def stop(self) -> None:
        super().stop()
        self._forwarder.remove_subscriber(self)
        self._queue.clear()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
