"""The forwarding adapter on aiortc internals: contract tests that fail loudly on an aiortc upgrade,
and the fan-out rules (keyframe start, slow subscribers, rate-limited keyframe requests, mute)."""

import asyncio
import datetime
import fractions
import inspect

import aiortc
import av
import pytest
from aiortc import RTCRtpCodecParameters
from aiortc import RTCRtpReceiver
from aiortc import RTCRtpSender
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.codecs.vpx import vp8_depayload
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtcpParameters
from aiortc.rtcrtpparameters import RTCRtpReceiveParameters
from aiortc.rtcrtpparameters import RTCRtpSendParameters
from aiortc.rtp import RTCP_PSFB_FIR
from aiortc.rtp import RTCP_PSFB_PLI
from aiortc.rtp import RtcpPacket
from aiortc.rtp import RtcpPsfbPacket
from aiortc.rtp import RtpPacket

from council.rooms.media import forwarding
from council.rooms.media.forwarding import PRIVATE_API
from council.rooms.media.forwarding import TrackForwarder
from council.rooms.media.forwarding import is_keyframe
from council.rooms.media.testing import encode_clip

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
OPUS = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111)


class FakeDtlsTransport:
    """Just enough of RTCDtlsTransport for a receiver or sender: records what they send."""

    state = "connected"
    _stats_id = "transport"

    def __init__(self):
        self.sent: list[bytes] = []

    def _register_rtp_receiver(self, receiver, parameters):
        pass

    def _unregister_rtp_receiver(self, receiver):
        pass

    def _register_rtp_sender(self, sender, parameters):
        pass

    def _unregister_rtp_sender(self, sender):
        pass

    async def _send_rtp(self, data):
        self.sent.append(bytes(data))

    def _get_stats(self):
        return {}


def test_aiortc_is_the_pinned_version():
    assert aiortc.__version__ == "1.16.0", "forwarding.py relies on aiortc internals: re-check them"


async def test_private_api_still_exists_with_the_expected_shapes():  # aiortc wants a running loop
    transport = FakeDtlsTransport()
    receiver = RTCRtpReceiver("video", transport)
    sender = RTCRtpSender("video", transport)
    transceiver = aiortc.RTCRtpTransceiver("video", receiver, sender)
    track = TrackForwarder("video", track_id="t").add_subscriber(track_id="wanted-id")
    instances = {
        RTCRtpReceiver: receiver,
        RTCRtpSender: sender,
        aiortc.RTCRtpTransceiver: transceiver,
        forwarding.MediaStreamTrack: track,
    }
    for cls, name in PRIVATE_API:
        assert hasattr(instances[cls], name), f"{cls.__name__}.{name} is gone"
    assert track.id == "wanted-id"
    assert receiver._RTCRtpReceiver__decoder_thread is None
    assert hasattr(receiver._RTCRtpReceiver__decoder_queue, "put")
    assert list(inspect.signature(RTCRtpReceiver._send_rtcp_pli).parameters) == [
        "self",
        "media_ssrc",
    ]
    assert list(inspect.signature(RTCRtpReceiver._handle_rtp_packet).parameters) == [
        "self",
        "packet",
        "arrival_time_ms",
    ]
    assert list(inspect.signature(RTCRtpSender._send_keyframe).parameters) == ["self"]
    assert list(inspect.signature(forwarding.MediaStreamTrack.__init__).parameters) == ["self"]


def vp8_rtp_packets(frames, *, ssrc=1234):
    """Packetise encoded VP8 frames the way aiortc's sender does."""
    encoder = Vp8Encoder()
    sequence = 100
    packets = []
    for index, data in enumerate(frames):
        packet = av.Packet(data)
        packet.pts = index * 3000
        packet.time_base = fractions.Fraction(1, 90000)
        payloads, timestamp = encoder.pack(packet)
        for position, payload in enumerate(payloads):
            rtp = RtpPacket(
                payload_type=96, sequence_number=sequence, timestamp=5000 + timestamp, ssrc=ssrc
            )
            rtp.payload = payload
            rtp.marker = int(position == len(payloads) - 1)
            packets.append(rtp)
            sequence += 1
    return packets


async def started_receiver(forwarder_or_tap):
    transport = FakeDtlsTransport()
    receiver = RTCRtpReceiver("video", transport)
    receiver._track = aiortc.rtcrtpreceiver.RemoteStreamTrack(kind="video")
    forwarder_or_tap(receiver)
    await receiver.receive(RTCRtpReceiveParameters(codecs=[VP8], encodings=[]))
    receiver._set_rtcp_ssrc(42)
    return receiver, transport


async def test_receiver_tap_gets_the_exact_encoded_frames_and_nothing_is_decoded():
    clip = [data for data, _ in encode_clip(64, 48, 6, keyframe_every=3)]
    got = []
    ended = []
    receiver, _ = await started_receiver(
        lambda r: forwarding.tap_receiver(
            r,
            lambda codec, frame: got.append((codec.name, frame.data, frame.timestamp)),
            lambda: ended.append(True),
        )
    )
    for packet in vp8_rtp_packets(clip):
        await receiver._handle_rtp_packet(packet, arrival_time_ms=0)
    # The jitter buffer emits a frame when the next one starts: all but the last.
    assert [data for _, data, _ in got] == clip[:-1]
    assert {name for name, _, _ in got} == {"VP8"}
    assert [ts for _, _, ts in got] == [0, 3000, 6000, 9000, 12000]
    assert receiver.track._queue.empty(), "a tapped receiver must not decode"
    await receiver.stop()
    assert ended == [True]
    await asyncio.sleep(0)


async def test_tap_refuses_a_started_receiver():
    receiver, _ = await started_receiver(lambda r: None)
    with pytest.raises(RuntimeError):
        forwarding.tap_receiver(receiver, lambda codec, frame: None)
    await receiver.stop()


async def test_keyframe_request_sends_a_pli_for_the_publishers_ssrc():
    clip = [data for data, _ in encode_clip(64, 48, 2)]
    receiver, transport = await started_receiver(
        lambda r: forwarding.tap_receiver(r, lambda c, f: None)
    )
    assert await forwarding.send_keyframe_request(receiver) is False  # nothing received yet
    for packet in vp8_rtp_packets(clip, ssrc=777):
        await receiver._handle_rtp_packet(packet, arrival_time_ms=0)
    assert await forwarding.send_keyframe_request(receiver) is True
    (pli,) = [
        p
        for data in transport.sent
        for p in RtcpPacket.parse(data)
        if isinstance(p, RtcpPsfbPacket)
    ]
    assert (pli.fmt, pli.ssrc, pli.media_ssrc) == (RTCP_PSFB_PLI, 42, 777)
    await receiver.stop()


@pytest.mark.parametrize("fmt", [RTCP_PSFB_PLI, RTCP_PSFB_FIR])
async def test_subscriber_keyframe_requests_reach_the_callback(fmt):
    sender = RTCRtpSender("video", FakeDtlsTransport())
    calls = []
    forwarding.on_keyframe_request(sender, lambda: calls.append(fmt))
    await sender._handle_rtcp_packet(RtcpPsfbPacket(fmt=fmt, ssrc=1, media_ssrc=sender._ssrc))
    assert calls == [fmt]


async def test_sender_packetises_forwarded_packets_without_encoding():
    """An EncodedTrack's packets go out as the same VP8 bytes, with the stream id we set."""
    clip = [data for data, _ in encode_clip(64, 48, 3)]
    forwarder = TrackForwarder("video", track_id="t1")
    track = forwarder.add_subscriber()
    transport = FakeDtlsTransport()
    sender = RTCRtpSender(track, transport)
    forwarding.set_stream_id(sender, "room-stream")
    assert sender._stream_id == "room-stream"
    await sender.send(RTCRtpSendParameters(codecs=[VP8], rtcp=RTCRtcpParameters(cname="x")))
    await asyncio.sleep(0.01)  # the sender reads the track: the subscriber has started
    for index, data in enumerate(clip):
        forwarder.push(VP8, JitterFrame(data, index * 3000))
    await asyncio.sleep(0.05)
    await sender.stop()
    rtp = [RtpPacket.parse(data) for data in transport.sent if data[1] & 0x7F == 96]
    frames = {}
    for packet in rtp:
        frames.setdefault(packet.timestamp, b"")
        frames[packet.timestamp] += vp8_depayload(packet.payload)
    assert list(frames.values()) == clip


# Fan-out rules, without network ------------------------------------------------------------


class FakeReceiver:
    """getSynchronizationSources / _send_rtcp_pli, recording the PLIs."""

    def __init__(self):
        self.plis: list[float] = []

    def getSynchronizationSources(self):  # noqa: N802 (aiortc's name)
        return [
            aiortc.rtcrtpreceiver.RTCRtpSynchronizationSource(
                timestamp=datetime.datetime.now(datetime.UTC), source=9
            )
        ]

    async def _send_rtcp_pli(self, media_ssrc):
        self.plis.append(asyncio.get_running_loop().time())


def forwarder_with_fake_receiver(kind="video", **kwargs):
    receiver = FakeReceiver()
    receiver._RTCRtpReceiver__decoder_thread = None
    forwarder = TrackForwarder(kind, track_id="t", receiver=receiver, **kwargs)
    return forwarder, receiver


def push(forwarder, data, index, codec=VP8):
    forwarder.push(codec, JitterFrame(data, index * 3000))


KEY = b"\x10" + b"k" * 20  # VP8 frame tag bit 0 = 0: keyframe
DELTA = b"\x11" + b"d" * 20


def test_vp8_and_h264_keyframe_detection():
    clip = encode_clip(64, 48, 4, keyframe_every=2)
    assert [key for _, key in clip] == [True, False, True, False]
    assert is_keyframe("VP8", KEY)
    assert not is_keyframe("VP8", DELTA)
    assert is_keyframe("H264", b"\x00\x00\x00\x01\x67rest\x00\x00\x01\x65x")
    assert not is_keyframe("H264", b"\x00\x00\x00\x01\x41delta")
    assert is_keyframe("opus", b"\xfc")


async def test_new_subscriber_asks_for_a_keyframe_and_skips_delta_frames():
    forwarder, receiver = forwarder_with_fake_receiver()
    track = forwarder.add_subscriber()
    reading = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert len(receiver.plis) == 1  # asked as soon as the subscriber's sender reads
    push(forwarder, DELTA, 1)
    push(forwarder, DELTA, 2)
    push(forwarder, KEY, 3)
    push(forwarder, DELTA, 4)
    first = await asyncio.wait_for(reading, 1)
    assert bytes(first) == KEY
    assert first.pts == 9000
    assert bytes(await track.recv()) == DELTA
    assert track.first_keyframe is True
    assert track.frames_dropped == 2
    forwarder.close()


async def test_keyframe_requests_are_rate_limited_per_publisher_track():
    forwarder, receiver = forwarder_with_fake_receiver(keyframe_interval=0.2)
    tracks = [forwarder.add_subscriber() for _ in range(5)]
    readers = [asyncio.ensure_future(t.recv()) for t in tracks]
    for _ in range(3):
        await asyncio.sleep(0)
    for index in range(10):  # delta frames while everyone waits: each would ask again
        push(forwarder, DELTA, index)
    await asyncio.sleep(0.05)
    assert len(receiver.plis) == 1
    await asyncio.sleep(0.25)  # one deferred request at the end of the window, not ten
    assert len(receiver.plis) == 2
    assert receiver.plis[1] - receiver.plis[0] >= 0.19
    push(forwarder, KEY, 11)
    await asyncio.gather(*readers)
    await asyncio.sleep(0.25)
    assert len(receiver.plis) == 2  # nobody waits any more: no further request
    forwarder.close()


async def test_slow_subscriber_drops_video_until_next_keyframe_but_keeps_audio():
    video, _ = forwarder_with_fake_receiver("video")
    audio, _ = forwarder_with_fake_receiver("audio")
    fast_video, slow_video = video.add_subscriber(), video.add_subscriber(max_frames=5)
    slow_audio = audio.add_subscriber(max_frames=20)
    for track in (fast_video, slow_video, slow_audio):
        track._started = True  # their senders read (the slow one then stalls)
    push(video, KEY, 0)
    for index in range(1, 12):
        push(video, DELTA, index)
        audio.push(OPUS, JitterFrame(b"a%d" % index, index * 960))
    # The slow subscriber's queue overflowed: it holds nothing stale and waits for a keyframe...
    assert len(slow_video._queue) == 0
    assert slow_video._need_keyframe
    assert len(fast_video._queue) == 12
    # ...while its audio, with the larger queue, lost nothing.
    assert len(slow_audio._queue) == 11
    assert slow_audio.frames_dropped == 0
    push(video, DELTA, 12)
    push(video, KEY, 13)
    packet = await slow_video.recv()
    assert bytes(packet) == KEY
    assert packet.pts == 13 * 3000
    video.close()
    audio.close()


async def test_muted_forwarder_forwards_nothing_and_video_resumes_on_a_keyframe():
    forwarder, receiver = forwarder_with_fake_receiver()
    track = forwarder.add_subscriber()
    track._started = True
    push(forwarder, KEY, 0)
    forwarder.set_muted(True)
    push(forwarder, KEY, 1)
    push(forwarder, DELTA, 2)
    assert len(track._queue) == 1
    forwarder.set_muted(False)
    await asyncio.sleep(0)
    assert len(receiver.plis) == 1  # unmuting asks for a keyframe
    push(forwarder, DELTA, 3)
    push(forwarder, KEY, 4)
    assert [bytes(p) for p, _ in track._queue] == [KEY, KEY]
    forwarder.close()


async def test_closing_a_forwarder_ends_its_subscriber_tracks():
    forwarder, _ = forwarder_with_fake_receiver()
    track = forwarder.add_subscriber()
    reading = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    forwarder.close()
    with pytest.raises(aiortc.mediastreams.MediaStreamError):
        await asyncio.wait_for(reading, 1)
    assert track.readyState == "ended"
    assert forwarder.subscriber_count == 0
