"""Media helpers for tests and the benchmark: numbered VP8 video, a tone, aiortc client peers.

- ``NumberedVideoTrack`` paints its frame number as 16 black/white stripes, encodes every frame
  itself with libvpx (keyframes only at the start and on request) and returns ``av.Packet``s, so
  the exact bytes sent are known (``sent``); ``read_frame_number`` reads the number back after
  decoding, ``decode_vp8`` decodes captured frames.
- ``PreEncodedVideoTrack`` replays a clip encoded once (``encode_clip``): a cheap publisher.
- ``ToneTrack``: a 440 Hz sine, 48 kHz mono, 20 ms frames (aiortc encodes it to Opus).
- ``ClientPeer`` publishes and/or subscribes against a ``MediaRoom`` directly, as a browser
  would over the room socket, and records the encoded frames its receivers reassemble (tapped,
  so nothing is decoded unless a test asks). ``EventRouter`` is an ``on_event`` callback that
  records events and hands ``rooms.rtc_offer`` to the right client.
"""

from __future__ import annotations

import asyncio
import fractions
import math
import random
import struct
import time
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

import av
from aiortc import RTCBundlePolicy
from aiortc import RTCConfiguration
from aiortc import RTCPeerConnection
from aiortc import RTCSessionDescription
from aiortc.mediastreams import MediaStreamError
from aiortc.mediastreams import MediaStreamTrack
from av.stream import Stream
from av.video.codeccontext import VideoCodecContext
from av.video.frame import PictureType

from council.rooms.media.forwarding import codec_preferences
from council.rooms.media.forwarding import is_keyframe
from council.rooms.media.forwarding import on_keyframe_request
from council.rooms.media.forwarding import tap_receiver

if TYPE_CHECKING:
    from council.rooms.media.sfu import MediaRoom

VIDEO_CLOCK = 90000
NUMBER_BITS = 16
BLACK, WHITE = 16, 235


def numbered_frame(
    number: int, width: int, height: int, texture: bytes | None = None
) -> av.VideoFrame:
    """A yuv420p frame whose luma carries ``number`` as 16 vertical stripes (most significant first).

    With ``texture`` (random bytes, at least twice the luma size), the top and bottom thirds show
    it moving, so the encoder spends a realistic bitrate; the stripes stay in the middle third.
    """
    stripe = width // NUMBER_BITS
    row = bytearray(width)
    for bit in range(NUMBER_BITS):
        value = WHITE if (number >> (NUMBER_BITS - 1 - bit)) & 1 else BLACK
        row[bit * stripe : (bit + 1) * stripe] = bytes([value]) * stripe
    frame = av.VideoFrame(width, height, "yuv420p")
    luma = frame.planes[0]
    line = bytes(row + bytes(luma.line_size - width))
    if texture is None:
        luma.update(line * height)
    else:
        size = luma.line_size * height
        offset = (number * 2 * luma.line_size) % (len(texture) - size)  # scrolls 2 rows a frame
        plane = bytearray(texture[offset : offset + size])
        third = height // 3
        plane[third * luma.line_size : 2 * third * luma.line_size] = line * third
        luma.update(bytes(plane))
    for chroma in frame.planes[1:]:
        chroma.update(bytes([128]) * chroma.buffer_size)
    return frame


def read_frame_number(frame: av.VideoFrame) -> int:
    """Read back the number painted by ``numbered_frame`` (after a lossy encode and decode)."""
    luma = frame.planes[0]
    data = bytes(luma)
    stripe = frame.width // NUMBER_BITS
    row = (frame.height // 2) * luma.line_size
    number = 0
    for bit in range(NUMBER_BITS):
        centre = data[row + bit * stripe + stripe // 2]
        number = (number << 1) | (centre > 128)
    return number


def vp8_encoder(width: int, height: int, fps: int, bitrate: int = 300_000) -> VideoCodecContext:
    codec = av.CodecContext.create("libvpx", "w")
    codec.width = width
    codec.height = height
    codec.pix_fmt = "yuv420p"
    codec.time_base = fractions.Fraction(1, fps)
    codec.framerate = fractions.Fraction(fps, 1)
    codec.bit_rate = bitrate
    codec.gop_size = 100_000  # keyframes only when asked
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    codec.thread_count = 1
    return codec


def encode_frame(codec: VideoCodecContext, frame: av.VideoFrame, index: int, keyframe: bool) -> bytes:
    frame.pts = index
    frame.time_base = codec.time_base
    if keyframe:
        frame.pict_type = PictureType.I
    return b"".join(bytes(packet) for packet in codec.encode(frame))


def decode_vp8(frames: Iterable[bytes]) -> list[av.VideoFrame]:
    """Decode captured VP8 frames in order (a fresh decoder: the first must be a keyframe)."""
    decoder = av.CodecContext.create("libvpx", "r")
    decoded = []
    for data in frames:
        decoded.extend(decoder.decode(av.Packet(data)))
    return decoded


def encode_clip(
    width: int,
    height: int,
    count: int,
    fps: int = 30,
    keyframe_every: int = 30,
    bitrate: int = 800_000,
    textured: bool = False,
) -> list[tuple[bytes, bool]]:
    """Encode ``count`` numbered frames once: [(VP8 bytes, keyframe)] for ``PreEncodedVideoTrack``."""
    codec = vp8_encoder(width, height, fps, bitrate)
    texture = _block_texture(width, 4 * height) if textured else None
    clip = []
    for index in range(count):
        frame = numbered_frame(index, width, height, texture)
        data = encode_frame(codec, frame, index, index % keyframe_every == 0)
        clip.append((data, is_keyframe("VP8", data)))
    return clip


def _block_texture(width: int, height: int, block: int = 8) -> bytes:
    """Random grey blocks, rows of ``width`` (luma line size must equal width: multiples of 32)."""
    generator = random.Random(0)  # noqa: S311 (test pattern)
    rows = []
    for _ in range(height // block):
        row = b"".join(bytes([generator.randrange(40, 216)]) * block for _ in range(width // block))
        rows.append(row.ljust(width, b"\x80") * block)
    return b"".join(rows)


class _PacedTrack(MediaStreamTrack):
    """Paces ``recv()`` at a fixed frame interval from the first call."""

    def __init__(self, interval: float):
        super().__init__()
        self._interval = interval
        self._start: float | None = None
        self._count = 0

    async def _wait_next(self) -> int:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            delay = self._start + self._count * self._interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        index = self._count
        self._count += 1
        return index


@dataclass
class SentFrame:
    number: int
    data: bytes
    keyframe: bool
    sent_at: float


class NumberedVideoTrack(_PacedTrack):
    """Numbered frames encoded here (so the bytes sent are known): returns ``av.Packet``s."""

    kind = "video"

    def __init__(self, width: int = 160, height: int = 96, fps: int = 30):
        super().__init__(1 / fps)
        self.width, self.height, self.fps = width, height, fps
        self._codec = vp8_encoder(width, height, fps)
        self._keyframe_wanted = True
        self.keyframe_requests = 0
        self.sent: list[SentFrame] = []

    def request_keyframe(self) -> None:
        self.keyframe_requests += 1
        self._keyframe_wanted = True

    async def recv(self) -> av.Packet[Stream]:
        number = await self._wait_next()
        keyframe, self._keyframe_wanted = self._keyframe_wanted, False
        data = encode_frame(
            self._codec, numbered_frame(number, self.width, self.height), number, keyframe
        )
        self.sent.append(SentFrame(number, data, is_keyframe("VP8", data), time.monotonic()))
        packet = av.Packet(data)
        packet.pts = number * (VIDEO_CLOCK // self.fps)
        packet.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        return packet


class PreEncodedVideoTrack(_PacedTrack):
    """Replays an encoded clip in a loop; ``sent_at[i]`` is when clip frame i was last sent."""

    kind = "video"

    def __init__(self, clip: list[tuple[bytes, bool]], fps: int = 30):
        super().__init__(1 / fps)
        self.clip = clip
        self.fps = fps
        self.sent_at: list[float] = [0.0] * len(clip)
        self.frames_sent = 0

    async def recv(self) -> av.Packet[Stream]:
        number = await self._wait_next()
        data, _ = self.clip[number % len(self.clip)]
        self.sent_at[number % len(self.clip)] = time.monotonic()
        self.frames_sent += 1
        packet = av.Packet(data)
        packet.pts = number * (VIDEO_CLOCK // self.fps)
        packet.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        return packet


class ToneTrack(_PacedTrack):
    """A 440 Hz sine, 48 kHz mono s16, 20 ms frames."""

    kind = "audio"
    RATE = 48000
    SAMPLES = 960

    def __init__(self, frequency: float = 440.0):
        super().__init__(self.SAMPLES / self.RATE)
        self._frequency = frequency

    async def recv(self) -> av.AudioFrame:
        index = await self._wait_next()
        start = index * self.SAMPLES
        samples = [
            int(8000 * math.sin(2 * math.pi * self._frequency * (start + i) / self.RATE))
            for i in range(self.SAMPLES)
        ]
        frame = av.AudioFrame(format="s16", layout="mono", samples=self.SAMPLES)
        frame.planes[0].update(struct.pack(f"<{self.SAMPLES}h", *samples))
        frame.pts = start
        frame.sample_rate = self.RATE
        frame.time_base = fractions.Fraction(1, self.RATE)
        return frame


@dataclass
class ReceivedFrame:
    data: bytes
    timestamp: int
    keyframe: bool
    arrived_at: float


@dataclass
class ReceivedTrack:
    """What a client's receiver reassembled for one remote track (encoded, not decoded)."""

    track_id: str
    kind: str
    frames: list[ReceivedFrame] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    keep_data: bool = True
    count: int = 0

    def numbers(self) -> list[int]:
        """Frame numbers read back by decoding the received VP8 frames."""
        return [read_frame_number(frame) for frame in decode_vp8(f.data for f in self.frames)]


class EventRouter:
    """A ``MediaRoom`` ``on_event`` callback: records events, answers offers through the clients."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str | None, dict[str, Any]]] = []
        self.clients: dict[str, ClientPeer] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def __call__(self, event_type: str, participant_id: str | None, payload: dict[str, Any]) -> None:
        self.events.append((event_type, participant_id, payload))
        client = self.clients.get(participant_id) if participant_id else None
        if event_type == "rooms.rtc_offer" and client is not None:
            task = asyncio.ensure_future(client.answer_offer(payload["sdp"]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def of_type(self, event_type: str) -> list[tuple[str | None, dict[str, Any]]]:
        return [(pid, payload) for kind, pid, payload in self.events if kind == event_type]

    async def settle(self) -> None:
        while self._tasks:
            await asyncio.gather(*tuple(self._tasks))


class ClientPeer:
    """An aiortc peer standing in for a browser: separate publish and subscribe connections."""

    def __init__(
        self,
        room: MediaRoom,
        participant_id: str,
        router: EventRouter | None = None,
        *,
        keep_data: bool = True,
        frame_hook: Callable[[ReceivedTrack, Any, Any], None] | None = None,
    ) -> None:
        self.room = room
        self.frame_hook = frame_hook  # frame_hook(received_track, codec, jitter_frame), e.g. timing
        self.participant_id = participant_id
        self.keep_data = keep_data
        self.publish_pc: RTCPeerConnection | None = None
        self.subscribe_pc: RTCPeerConnection | None = None
        self.received: dict[str, ReceivedTrack] = {}
        self.offers_answered = 0
        self.video: MediaStreamTrack | None = None
        self.audio: MediaStreamTrack | None = None
        if router is not None:
            router.clients[participant_id] = self

    @staticmethod
    def _pc() -> RTCPeerConnection:
        # Browsers bundle every section; aiortc's default ("balanced") breaks on the second
        # section of a kind when the first offer has several (see MediaRoom._new_pc).
        return RTCPeerConnection(
            RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )

    async def publish(
        self, video: MediaStreamTrack | None = None, audio: MediaStreamTrack | None = None
    ) -> None:
        self.video, self.audio = video, audio
        pc = self.publish_pc = self._pc()
        if video is not None:
            transceiver = pc.addTransceiver(video, direction="sendonly")
            transceiver.setCodecPreferences(codec_preferences("video", "video/VP8"))
            if hasattr(video, "request_keyframe"):
                on_keyframe_request(transceiver.sender, video.request_keyframe)
        if audio is not None:
            transceiver = pc.addTransceiver(audio, direction="sendonly")
            transceiver.setCodecPreferences(codec_preferences("audio", "audio/opus"))
        await pc.setLocalDescription(await pc.createOffer())
        answer = await self.room.publish(self.participant_id, pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

    async def subscribe(self) -> None:
        self.subscribe_pc = self._pc()
        self.subscribe_pc.on("track", self._on_track)
        offer = await self.room.subscribe(self.participant_id)
        await self.answer_offer(offer)

    async def answer_offer(self, sdp: str) -> None:
        pc = self.subscribe_pc
        if pc is None or pc.signalingState == "closed":
            return
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await self.room.subscriber_answer(self.participant_id, pc.localDescription.sdp)
        self.offers_answered += 1

    def _on_track(self, track: MediaStreamTrack) -> None:
        received = self.received[track.id] = ReceivedTrack(
            track.id, track.kind, keep_data=self.keep_data
        )
        assert self.subscribe_pc is not None  # subscribe() made it before listening for tracks
        for transceiver in self.subscribe_pc.getTransceivers():
            if transceiver.receiver.track is track:

                def on_frame(codec: Any, frame: Any, received: ReceivedTrack = received) -> None:
                    received.count += 1
                    if self.frame_hook is not None:
                        self.frame_hook(received, codec, frame)
                    if received.keep_data:
                        received.frames.append(
                            ReceivedFrame(
                                frame.data,
                                frame.timestamp,
                                is_keyframe(codec.name, frame.data),
                                time.monotonic(),
                            )
                        )

                tap_receiver(transceiver.receiver, on_frame, received.ended.set)

    def tracks_of(self, kind: str) -> list[ReceivedTrack]:
        return [t for t in self.received.values() if t.kind == kind]

    async def close(self) -> None:
        for pc in (self.publish_pc, self.subscribe_pc):
            if pc is not None:
                await pc.close()
        for track in (self.video, self.audio):
            if track is not None:
                track.stop()


async def wait_for(predicate: Callable[[], object], within: float = 10.0, interval: float = 0.05) -> None:
    """Wait until ``predicate()`` is true; AssertionError after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
