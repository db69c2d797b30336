"""Video signalling over the room socket, with the embedded media worker (one process).

aiortc peers stand in for browsers: they publish numbered VP8 frames and a tone through
`rooms.rtc_publish`, receive the others through `rooms.rtc_subscribe` / `rooms.rtc_answer`,
and the real RoomConsumer, services, media worker and MediaRoom sit in between.
"""

import asyncio

import pytest
from channels.db import database_sync_to_async

from council.rooms.media.testing import NumberedVideoTrack
from council.rooms.media.testing import ToneTrack
from council.rooms.media.testing import wait_for
from council.rooms.models import MediaMute
from council.rooms.models import RoomFloor
from tests.media_signalling.conftest import peer_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_settings")]


@pytest.fixture
def people(room, user_with_role):
    make = user_with_role
    return {
        "anna": make("member", room.council, display_name="Anna Membre"),
        "bruno": make("member", room.council, display_name="Bruno Membre"),
        "fatou": make("facilitator", room.council, display_name="Fatou Facilitatrice"),
        "rose": make("resident", room.council, display_name="Rose Habitante"),
    }


def _video_from(peer, *, at_least: int):
    return [t for t in peer.tracks_of("video") if t.count >= at_least]


async def _publish(client, *, audio=True):
    peer = peer_for(client)
    await peer.publish(video=NumberedVideoTrack(), audio=ToneTrack() if audio else None)
    return peer


async def test_members_publish_and_receive_each_other(room, people, open_socket):
    anna = await open_socket(room, people["anna"])
    bruno = await open_socket(room, people["bruno"])

    anna_peer = await _publish(anna)
    bruno_peer = await _publish(bruno)
    await anna_peer.subscribe()
    await bruno_peer.subscribe()

    await wait_for(lambda: _video_from(anna_peer, at_least=15) and _video_from(bruno_peer, at_least=15))
    await wait_for(lambda: any(t.count >= 10 for t in bruno_peer.tracks_of("audio")))
    for peer, sender in ((anna_peer, bruno_peer), (bruno_peer, anna_peer)):
        (video,) = peer.tracks_of("video")  # the other's camera, never one's own
        numbers = video.numbers()
        assert numbers == sorted(numbers)
        assert len(set(numbers)) == len(numbers)
        sent = {frame.data for frame in sender.video.sent}
        assert all(frame.data in sent for frame in video.frames)  # forwarded, not re-encoded
    tiles = await bruno.event("rooms.media_tracks_changed", lambda p: len(p["tracks"]) == 4)
    assert {(t["user_id"], t["name"], t["kind"]) for t in tiles["tracks"]} == {
        (people["anna"].pk, "Anna Membre", "video"),
        (people["anna"].pk, "Anna Membre", "audio"),
        (people["bruno"].pk, "Bruno Membre", "video"),
        (people["bruno"].pk, "Bruno Membre", "audio"),
    }

    await anna.close()  # a publisher leaving: its tracks leave everyone's tiles
    await bruno.event("rooms.media_tracks_changed", lambda p: {t["user_id"] for t in p["tracks"]} == {people["bruno"].pk})


async def test_a_resident_follows_and_publishes_only_once_given_the_floor(room, people, open_socket):
    anna = await open_socket(room, people["anna"])
    fatou = await open_socket(room, people["fatou"])
    rose = await open_socket(room, people["rose"])
    await _publish(anna, audio=False)
    rose_peer = peer_for(rose)
    await rose_peer.subscribe()  # residents follow: they see and hear the meeting
    await wait_for(lambda: _video_from(rose_peer, at_least=5))

    refused = await rose.request("rooms.rtc_publish", sdp="v=0\r\n")
    assert refused["type"] == "error"
    assert refused["payload"]["code"] == "forbidden"

    await rose.call("rooms.raise_hand")
    await fatou.call("rooms.give_floor", user_id=people["rose"].pk)

    floor = await rose.event("rooms.floor_changed")
    assert floor["user_id"] == people["rose"].pk
    assert floor["floor"] is True
    assert (await rose.event("rooms.hands_changed", lambda p: p["queue"] == []))["queue"] == []
    assert await database_sync_to_async(RoomFloor.objects.filter(room=room, user=people["rose"]).exists)()
    await rose_peer.publish(video=NumberedVideoTrack())
    anna_peer = anna.peer
    await anna_peer.subscribe()
    await wait_for(lambda: _video_from(anna_peer, at_least=5))
    (tile,) = [t for t in (await anna.event("rooms.media_tracks_changed", lambda p: len(p["tracks"]) == 2))["tracks"] if t["user_id"] == people["rose"].pk]
    assert tile["kind"] == "video"

    # Taking the floor back stops her camera reaching the others.
    mark = anna.mark()
    await fatou.call("rooms.give_floor", user_id=people["rose"].pk, floor=False)
    await anna.event(
        "rooms.media_tracks_changed",
        lambda p: people["rose"].pk not in {t["user_id"] for t in p["tracks"]},
        after=mark,
    )
    assert (await rose.request("rooms.rtc_publish", sdp="v=0\r\n"))["payload"]["code"] == "forbidden"


async def test_a_facilitator_mutes_a_participant_and_their_audio_stops(room, people, open_socket):
    anna = await open_socket(room, people["anna"])
    bruno = await open_socket(room, people["bruno"])
    fatou = await open_socket(room, people["fatou"])
    await _publish(anna)
    bruno_peer = peer_for(bruno)
    await bruno_peer.subscribe()
    await wait_for(lambda: any(t.count >= 10 for t in bruno_peer.tracks_of("audio")))

    await fatou.call("rooms.mute_media", user_id=people["anna"].pk, kind="audio")

    told = await anna.event("rooms.media_muted")
    assert told == {
        "room_id": room.pk,
        "user_ids": [people["anna"].pk],
        "kind": "audio",
        "by": {"id": people["fatou"].pk, "name": "Fatou Facilitatrice"},
    }
    assert bruno.count("rooms.media_muted") == 0  # only the person muted is told
    tiles = await bruno.event("rooms.media_tracks_changed", lambda p: any(t["muted"] for t in p["tracks"]))
    assert {t["kind"]: t["muted"] for t in tiles["tracks"]} == {"audio": True, "video": False}
    await asyncio.sleep(0.3)  # packets already in flight
    (audio,), (video,) = bruno_peer.tracks_of("audio"), bruno_peer.tracks_of("video")
    audio_before, video_before = audio.count, video.count
    await asyncio.sleep(1.0)
    assert audio.count == audio_before  # nothing forwarded any more
    assert video.count > video_before + 10  # her camera still reaches him
    assert await database_sync_to_async(
        MediaMute.objects.filter(room=room, user=people["anna"], kind="audio").exists
    )()

    # She unmutes herself: her audio flows again and the facilitator's mute is lifted.
    await anna.call("rooms.rtc_mute", kind="audio", muted=False)
    await wait_for(lambda: audio.count > audio_before + 10)
    assert not await database_sync_to_async(MediaMute.objects.filter(room=room).exists)()


async def test_only_facilitators_control_the_call(room, people, open_socket):
    anna = await open_socket(room, people["anna"])
    for command, payload in (
        ("rooms.give_floor", {"user_id": people["rose"].pk}),
        ("rooms.mute_media", {"user_id": people["bruno"].pk, "kind": "audio"}),
        ("rooms.mute_all_media", {}),
        ("rooms.end_call", {}),
    ):
        frame = await anna.request(command, **payload)
        assert frame["payload"]["code"] == "forbidden", command


async def test_mute_all_and_end_call(room, people, open_socket):
    anna = await open_socket(room, people["anna"])
    bruno = await open_socket(room, people["bruno"])
    fatou = await open_socket(room, people["fatou"])
    await _publish(anna)
    await _publish(bruno)
    fatou_peer = peer_for(fatou)
    await fatou_peer.subscribe()
    await wait_for(lambda: len(_video_from(fatou_peer, at_least=3)) == 2)

    ack = await fatou.call("rooms.mute_all_media", kind="audio")

    assert ack["user_ids"] == sorted([people["anna"].pk, people["bruno"].pk])
    for client in (anna, bruno):
        assert (await client.event("rooms.media_muted"))["kind"] == "audio"
    await fatou.event(
        "rooms.media_tracks_changed",
        lambda p: sorted((t["kind"], t["muted"]) for t in p["tracks"])
        == [("audio", True), ("audio", True), ("video", False), ("video", False)],
    )

    await fatou.call("rooms.end_call")

    for client in (anna, bruno, fatou):
        assert (await client.event("rooms.call_ended"))["by"]["id"] == people["fatou"].pk
        await client.event("rooms.media_tracks_changed", lambda p: p["tracks"] == [])
    assert not await database_sync_to_async(MediaMute.objects.filter(room=room).exists)()


async def test_followers_are_capped(room, people, user_with_role, open_socket, settings):
    settings.MEDIA_MAX_FOLLOWERS = 1
    other = await database_sync_to_async(user_with_role)("resident", room.council)
    rose = await open_socket(room, people["rose"])
    second = await open_socket(room, other)
    anna = await open_socket(room, people["anna"])

    await peer_for(rose).subscribe()
    refused = await second.request("rooms.rtc_subscribe")
    assert refused["type"] == "error"
    assert refused["payload"]["code"] == "media_full"
    await peer_for(anna).subscribe()  # members are not followers: never capped


async def test_without_a_media_worker_video_is_unavailable_and_chat_works(room, people, open_socket, settings):
    settings.MEDIA_EMBEDDED_WORKER = False
    settings.REDIS_URL = ""  # the in-memory assignment store, where no worker announced itself
    anna = await open_socket(room, people["anna"])

    assert (await anna.event("rooms.room_synced"))["media"] == {"available": False}
    refused = await anna.request("rooms.rtc_subscribe")

    assert refused["type"] == "error"
    assert refused["payload"]["code"] == "media_unavailable"
    assert (await anna.call("rooms.send_message", text="On continue par écrit"))["seq"] == 1
