"""MediaRoom with aiortc client peers on loopback: what participants of a video call notice."""

import asyncio
import itertools
import time

from council.rooms.media.forwarding import KEYFRAME_INTERVAL
from council.rooms.media.testing import ClientPeer
from council.rooms.media.testing import NumberedVideoTrack
from council.rooms.media.testing import ToneTrack
from council.rooms.media.testing import wait_for


async def join(room, router, participant_id, *, publish=True):
    client = ClientPeer(room, participant_id, router)
    await client.subscribe()
    if publish:
        await client.publish(NumberedVideoTrack(), ToneTrack())
    return client


def tracks_of(room, participant_id, kind=None):
    return [
        t
        for t in room.tracks()
        if t["participant_id"] == participant_id and (kind is None or t["kind"] == kind)
    ]


def received_from(client, room, participant_id, kind):
    ids = {t["track_id"] for t in tracks_of(room, participant_id, kind)}
    return [t for t in client.received.values() if t.track_id in ids]


async def test_each_participant_receives_the_others_media_in_order(media_room, router):
    ana = await join(media_room, router, "ana")
    ben = await join(media_room, router, "ben")
    await router.settle()

    def both_flowing():
        return all(
            len(received_from(me, media_room, other, "video")) == 1
            and received_from(me, media_room, other, "video")[0].count >= 30
            and received_from(me, media_room, other, "audio")[0].count >= 40
            for me, other in ((ana, "ben"), (ben, "ana"))
        )

    await wait_for(both_flowing, within=10)
    for me, other in ((ana, ben), (ben, ana)):
        (video,) = received_from(me, media_room, other.participant_id, "video")
        numbers = video.numbers()
        assert len(numbers) == len(video.frames) >= 30
        assert numbers == sorted(set(numbers)), "frames out of order or duplicated"
        assert video.frames[0].keyframe
        # Nobody receives their own media back.
        assert not received_from(me, media_room, me.participant_id, "video")
    assert {(t["participant_id"], t["kind"]) for t in media_room.tracks()} == {
        ("ana", "video"),
        ("ana", "audio"),
        ("ben", "video"),
        ("ben", "audio"),
    }
    # Both tracks of one participant share one stream id, so the page shows one tile.
    assert len({t["stream_id"] for t in tracks_of(media_room, "ana")}) == 1
    await ana.close()
    await ben.close()


async def test_forwarded_bytes_are_the_publishers_encoded_frames(media_room, router):
    """No transcoding: what the subscriber reassembles is byte for byte what the publisher encoded."""
    publisher = await join(media_room, router, "pub")
    viewer = await join(media_room, router, "viewer", publish=False)
    await router.settle()
    await wait_for(lambda: sum(t.count for t in viewer.tracks_of("video")) >= 30)
    (video,) = viewer.tracks_of("video")
    sent = [frame.data for frame in publisher.video.sent]
    received = [frame.data for frame in video.frames]
    start = sent.index(received[0])
    assert received == sent[start : start + len(received)]
    # Timing is carried through too: RTP timestamps advance by one 30 fps frame (3000 ticks at 90 kHz).
    steps = {b.timestamp - a.timestamp for a, b in itertools.pairwise(video.frames)}
    assert steps == {3000}
    await publisher.close()
    await viewer.close()


async def test_late_subscriber_starts_on_a_keyframe(media_room, router):
    publisher = await join(media_room, router, "pub")
    early = await join(media_room, router, "early", publish=False)
    await wait_for(lambda: sum(t.count for t in early.tracks_of("video")) >= 25)
    requests_before = publisher.video.keyframe_requests

    late = await join(media_room, router, "late", publish=False)
    await router.settle()
    await wait_for(lambda: sum(t.count for t in late.tracks_of("video")) >= 10)

    (video,) = late.tracks_of("video")
    assert video.frames[0].keyframe
    # The publisher encodes keyframes only when asked: the late joiner made the SFU ask.
    assert publisher.video.keyframe_requests > requests_before
    numbers = video.numbers()  # decodable from its first frame on
    assert len(numbers) == len(video.frames)
    assert numbers == sorted(set(numbers))
    assert numbers[0] > 25
    for client in (publisher, early, late):
        await client.close()


async def test_publisher_leaving_removes_their_tracks_for_everyone(media_room, router):
    ana = await join(media_room, router, "ana")
    ben = await join(media_room, router, "ben")
    await router.settle()
    await wait_for(
        lambda: (
            received_from(ben, media_room, "ana", "video")
            and received_from(ben, media_room, "ana", "video")[0].count > 5
        )
    )
    ana_tracks = received_from(ben, media_room, "ana", "video") + received_from(
        ben, media_room, "ana", "audio"
    )
    offers_before = len([e for e in router.of_type("rooms.rtc_offer") if e[0] == "ben"])

    await media_room.leave("ana")
    await router.settle()

    assert tracks_of(media_room, "ana") == []
    assert media_room.participants() == ["ben"]
    last_change = router.of_type("rooms.media_tracks_changed")[-1]
    assert last_change[0] is None  # to everyone
    assert {t["participant_id"] for t in last_change[1]["tracks"]} == {"ben"}
    # Ben got a renegotiation offer in which Ana's media sections are inactive...
    offers = [payload for pid, payload in router.of_type("rooms.rtc_offer") if pid == "ben"]
    assert len(offers) > offers_before
    assert offers[-1]["pc"] == "subscribe"
    assert offers[-1]["sdp"].count("a=inactive") == 2
    # ...and his receivers of Ana's tracks ended (RTCP BYE).
    await asyncio.wait_for(asyncio.gather(*(t.ended.wait() for t in ana_tracks)), 5)
    await ana.close()
    await ben.close()


async def test_muted_audio_stops_reaching_others_and_resumes(media_room, router):
    ana = await join(media_room, router, "ana")
    ben = await join(media_room, router, "ben", publish=False)
    await router.settle()
    await wait_for(
        lambda: (
            received_from(ben, media_room, "ana", "audio")
            and received_from(ben, media_room, "ana", "audio")[0].count > 10
        )
    )
    (audio,) = received_from(ben, media_room, "ana", "audio")
    (video,) = received_from(ben, media_room, "ana", "video")

    await media_room.set_muted("ana", "audio", True)
    assert tracks_of(media_room, "ana", "audio")[0]["muted"] is True
    assert router.of_type("rooms.media_tracks_changed")[-1][1]["tracks"]
    await asyncio.sleep(0.3)  # what was already in flight arrives
    audio_muted_at, video_muted_at = audio.count, video.count
    await asyncio.sleep(0.8)
    assert audio.count == audio_muted_at, "muted audio still reached the subscriber"
    assert video.count > video_muted_at + 10, "video must keep flowing"

    await media_room.set_muted("ana", "audio", False)
    assert tracks_of(media_room, "ana", "audio")[0]["muted"] is False
    await wait_for(lambda: audio.count > audio_muted_at + 10, within=3)
    await ana.close()
    await ben.close()


def assert_starts_on_keyframe_in_order(video, minimum):
    assert video.frames[0].keyframe, "the first forwarded frame must be a keyframe"
    numbers = video.numbers()  # decodable from its first frame on
    assert len(numbers) == len(video.frames) >= minimum
    assert numbers == sorted(set(numbers)), "frames out of order or duplicated"


async def assert_receives_everyone(room, client, publishers, *, within=10):
    def flowing():
        return all(
            len(received_from(client, room, other, "video")) == 1
            and received_from(client, room, other, "video")[0].count >= 15
            and len(received_from(client, room, other, "audio")) == 1
            and received_from(client, room, other, "audio")[0].count >= 20
            for other in publishers
        )

    try:
        await wait_for(flowing, within=within)
    except AssertionError:
        counts = {
            (other, kind): [t.count for t in received_from(client, room, other, kind)]
            for other in publishers
            for kind in ("video", "audio")
        }
        raise AssertionError(f"{client.participant_id} received {counts}") from None
    for other in publishers:
        (video,) = received_from(client, room, other, "video")
        assert_starts_on_keyframe_in_order(video, 15)


async def test_late_follower_receives_both_publishers(media_room, router):
    """Two members publish, then a resident subscribes only: both members reach them."""
    marc = await join(media_room, router, "marc")
    lea = await join(media_room, router, "lea")
    await router.settle()
    await wait_for(lambda: all(t.count >= 10 for t in marc.tracks_of("video")) and lea.received)
    requests_before = (marc.video.keyframe_requests, lea.video.keyframe_requests)

    resident = await join(media_room, router, "resident", publish=False)
    await router.settle()

    await assert_receives_everyone(media_room, resident, ("marc", "lea"))
    # Each publisher was asked for a keyframe for the newcomer.
    assert marc.video.keyframe_requests > requests_before[0]
    assert lea.video.keyframe_requests > requests_before[1]
    for client in (marc, lea, resident):
        await client.close()


async def test_late_publisher_receives_both_earlier_publishers(media_room, router):
    marc = await join(media_room, router, "marc")
    lea = await join(media_room, router, "lea")
    await router.settle()
    await wait_for(lambda: all(t.count >= 10 for t in marc.tracks_of("video")) and lea.received)

    third = await join(media_room, router, "third")
    await router.settle()

    await assert_receives_everyone(media_room, third, ("marc", "lea"))
    for client in (marc, lea):
        await assert_receives_everyone(media_room, client, ("third",))
    for client in (marc, lea, third):
        await client.close()


def keyframes_sent(client, since):
    """When the publisher sent keyframes (its encoder makes one only when asked) after ``since``."""
    return [
        frame.sent_at for frame in client.video.sent if frame.keyframe and frame.sent_at > since
    ]


async def test_followers_joining_within_the_keyframe_interval_both_start(media_room, router):
    """A keyframe request inside the rate-limit window is deferred to its end, not dropped."""
    marc = await join(media_room, router, "marc")
    lea = await join(media_room, router, "lea")
    await router.settle()
    await wait_for(lambda: all(t.count >= 10 for t in marc.tracks_of("video")) and lea.received)
    before = time.monotonic()

    first = await join(media_room, router, "first", publish=False)
    await wait_for(lambda: keyframes_sent(marc, before) and keyframes_sent(lea, before))
    second = await join(media_room, router, "second", publish=False)  # inside the window
    joined_at = time.monotonic()
    await router.settle()

    for client in (first, second):
        await assert_receives_everyone(media_room, client, ("marc", "lea"))
    for publisher in (marc, lea):
        times = keyframes_sent(publisher, before)
        # Rate-limited: never two keyframes asked of one publisher within the interval...
        assert all(b - a >= KEYFRAME_INTERVAL - 0.1 for a, b in itertools.pairwise(times)), times
        # ...but the second follower's request, deferred, went out at the end of the window.
        assert len(times) >= 2, f"{publisher.participant_id}: one keyframe for two followers"
        assert times[1] <= max(joined_at, times[0] + KEYFRAME_INTERVAL) + 0.5, times
    for client in (marc, lea, first, second):
        await client.close()


async def test_a_connection_closing_while_its_offer_is_made_is_no_error(media_room, router, caplog, monkeypatch):
    """When everyone hangs up at once, a subscriber's connection can close mid-renegotiation."""
    ana = await join(media_room, router, "ana")
    ben = await join(media_room, router, "ben", publish=False)
    cleo = await join(media_room, router, "cleo", publish=False)
    await router.settle()
    real_sync = media_room._sync_senders

    async def ben_hangs_up_meanwhile(participant):
        changed = await real_sync(participant)
        if participant.participant_id == "ben":
            await participant.subscribe_pc.close()
        return changed

    monkeypatch.setattr(media_room, "_sync_senders", ben_hangs_up_meanwhile)
    offers_to_cleo = len([e for e in router.of_type("rooms.rtc_offer") if e[0] == "cleo"])

    await media_room.leave("ana")
    await router.settle()

    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    # the others' calls go on: Cleo is offered the call without Ana
    assert len([e for e in router.of_type("rooms.rtc_offer") if e[0] == "cleo"]) > offers_to_cleo
    for client in (ana, ben, cleo):
        await client.close()


async def test_a_connection_closed_while_aiortc_connects_it_is_no_error_but_others_still_are(media_room, caplog):
    """aiortc's unawaited connect task fails when its connection closes (aiortc#1040)."""
    from aiortc import RTCPeerConnection
    from aiortc.exceptions import InvalidStateError

    media_room._new_pc()  # installs the loop's handler, as every connection the room makes does
    loop = asyncio.get_running_loop()
    pc = RTCPeerConnection()
    connecting = asyncio.ensure_future(pc._RTCPeerConnection__connect())
    other = asyncio.ensure_future(asyncio.sleep(0))
    await asyncio.gather(connecting, other)

    loop.call_exception_handler(
        {"message": "Task exception was never retrieved", "future": connecting,
         "exception": InvalidStateError("RTCIceTransport is closed")}
    )
    loop.call_exception_handler(
        {"message": "Task exception was never retrieved", "future": other, "exception": RuntimeError("a real bug")}
    )
    await pc.close()

    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1  # the real bug, and only it
    assert "coro=<sleep()" in errors[0]
