"""A vote's socket: its public state on connect, participation live, casting with a receipt.

No partial result leaves before closing, and no Redis command written during the vote
(channel layer and cache, watched with MONITOR) holds both a voter and a ballot.
"""

import json
import os
import threading
from urllib.parse import urlparse

import pytest
import redis
from channels.layers import channel_layers

from council.voting.ballots import services
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import next_frame
from tests.helpers import next_frame_of
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TRACKERS = ["A" * 26, "B" * 26, "C" * 26]


def _path(vote) -> str:
    return f"/ws/c/{vote.council.slug}/votes/{vote.pk}/"


@pytest.fixture
def open_vote(make_vote):
    """An open vote of three electors (made before the event loop runs; its council read)."""
    vote, electors = make_vote()
    vote.council  # noqa: B018 - loaded here, not in the event loop
    return vote, electors


async def _follow(vote, user):
    socket = ws_communicator(_path(vote), user=user)
    connected, _ = await socket.connect()
    assert connected
    return socket, await next_frame(socket)


async def test_followers_see_participation_and_head_but_no_ballot_before_closing(open_vote, official):
    vote, (alice, _bob, _carol) = open_vote
    watcher, synced = await _follow(vote, official)
    voter, _ = await _follow(vote, alice)

    await voter.send_json_to(command("ballots.cast", "r1", vote_id=vote.pk, content={"choice": "against"}, tracker=TRACKERS[0]))
    ack = await answer_to(voter, "r1")
    update = await next_frame_of(watcher, "ballots.participation_changed")

    assert synced["type"] == "ballots.vote_synced"
    assert (synced["payload"]["participation"], synced["payload"]["status"]) == (0, "open")
    assert ack == {"type": "ack", "request_id": "r1", "payload": {"tracker": TRACKERS[0]}}
    assert update["payload"] == {"vote_id": vote.pk, "participation": 1, "head": synced["payload"]["head"]}
    assert TRACKERS[0] not in json.dumps(update)
    assert "against" not in json.dumps(update)

    await voter.send_json_to(command("ballots.cast", "r2", vote_id=vote.pk, content={"choice": "for"}))
    refused = await answer_to(voter, "r2")
    assert refused["payload"]["code"] == "already_voted"
    await watcher.disconnect()
    await voter.disconnect()


async def test_an_outsider_is_refused(open_vote, user):
    vote, _electors = open_vote
    stranger = user  # signed in, no role in this council
    outsider = ws_communicator(_path(vote), user=stranger)
    await outsider.connect()

    output = await outsider.receive_output(2)

    assert output == {"type": "websocket.close", "code": 4403}


@pytest.fixture
def redis_everywhere(settings):
    """The channel layer and the cache in Redis (TEST_REDIS_URL's database, emptied first)."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    channel_layers.backends.clear()
    yield client
    channel_layers.backends.clear()
    client.flushdb()


class Monitor:
    """Every command Redis receives on our database while it runs (MONITOR)."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.db = int(urlparse(url).path.strip("/") or 0)
        self.commands: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        with self.client.monitor() as monitor:
            for entry in monitor.listen():
                if self.stop.is_set():
                    return
                if int(entry.get("db", -1)) == self.db:
                    self.commands.append(entry["command"])

    def __enter__(self) -> "Monitor":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.client.ping()  # wakes the listener
        self.thread.join(5)


async def test_no_redis_command_holds_both_a_voter_and_a_ballot(open_vote, official, redis_everywhere):
    vote, electors = open_vote
    with Monitor(REDIS_URL) as monitor:
        watcher, _ = await _follow(vote, official)
        for number, (person, tracker) in enumerate(zip(electors, TRACKERS, strict=True)):
            voter, _ = await _follow(vote, person)
            await voter.send_json_to(command("ballots.cast", f"r{number}", vote_id=vote.pk, content={"choice": "against"}, tracker=tracker))
            assert (await answer_to(voter, f"r{number}"))["type"] == "ack"
            await next_frame_of(watcher, "ballots.participation_changed")
            await voter.disconnect()
        await watcher.disconnect()

    voter_marks = [mark for person in electors for mark in (person.email, str(person), f"ws:{person.pk}")]
    ballot_marks = [*TRACKERS, "against"]
    assert monitor.commands, "Redis was used during the vote"
    assert any("participation_changed" in line for line in monitor.commands)
    for line in monitor.commands:
        assert not (any(m in line for m in voter_marks) and any(m in line for m in ballot_marks)), line
    for key in redis_everywhere.scan_iter():
        value = redis_everywhere.dump(key) or b""
        text = key.decode(errors="replace") + value.decode(errors="replace")
        assert not any(m in text for m in ballot_marks), text


async def test_the_meeting_stage_is_told_when_a_vote_closes(open_vote, official):
    vote, (alice, *_rest) = open_vote
    watcher, _ = await _follow(vote, alice)

    from channels.db import database_sync_to_async

    await database_sync_to_async(services.vote_close)(actor=official, vote_id=vote.pk)
    changed = await next_frame_of(watcher, "ballots.vote_changed")

    assert changed["payload"]["status"] == "closed"
    assert "result" not in changed["payload"]
    await watcher.disconnect()


@pytest.fixture
def meeting_vote(make_vote, room_factory, council):
    """An open vote held in a meeting (its room), with its electors."""
    room = room_factory(council=council)
    vote, electors = make_vote(room_id=room.pk)
    return room, vote, electors


async def test_a_vote_in_a_meeting_is_on_the_room_socket(meeting_vote, official):
    from tests.helpers import connect
    from tests.helpers import room_path

    room, vote, (alice, *_rest) = meeting_vote
    stage, snapshot = await connect(room_path(room.pk), user=official)
    voter, _ = await connect(room_path(room.pk), user=alice)

    await voter.send_json_to(command("ballots.cast", "m1", vote_id=vote.pk, content={"choice": "for"}))
    ack = await answer_to(voter, "m1")
    update = await next_frame_of(stage, "ballots.participation_changed")

    assert [(state["vote_id"], state["status"], state["participation"]) for state in snapshot["payload"]["votes"]] == [
        (vote.pk, "open", 0)
    ]
    assert ack["type"] == "ack"
    assert update["payload"]["participation"] == 1
    await stage.disconnect()
    await voter.disconnect()


async def test_a_cast_resent_on_a_new_room_socket_with_its_tracker_is_counted_once(meeting_vote):
    """What the stage card relies on: the client re-sends the same frame after a lost connection."""
    from channels.db import database_sync_to_async

    from council.voting.ballots.selectors import participation_count
    from tests.helpers import connect
    from tests.helpers import room_path

    room, vote, (alice, *_rest) = meeting_vote
    cast = command("ballots.cast", "s1", vote_id=vote.pk, content={"choice": "for"}, tracker=TRACKERS[0])
    first, _ = await connect(room_path(room.pk), user=alice)
    await first.send_json_to(cast)
    acked = await answer_to(first, "s1")
    await first.disconnect()  # the ack was lost with the connection, say
    again, _ = await connect(room_path(room.pk), user=alice)
    await again.send_json_to(cast)
    repeated = await answer_to(again, "s1")

    assert acked["payload"] == repeated["payload"] == {"tracker": TRACKERS[0]}
    assert await database_sync_to_async(participation_count)(vote) == 1
    await again.disconnect()


async def test_the_official_closes_and_publishes_a_vote_from_the_meeting_and_everyone_hears_it(meeting_vote, official):
    from channels.db import database_sync_to_async

    from council.voting.ballots.models import Vote
    from tests.helpers import connect
    from tests.helpers import room_path

    room, vote, (alice, *_rest) = meeting_vote
    desk, _ = await connect(room_path(room.pk), user=official)
    voter, _ = await connect(room_path(room.pk), user=alice)

    # a resident may not; a step out of order is refused; neither changes the vote
    await voter.send_json_to(command("ballots.step", "x1", vote_id=vote.pk, step="close"))
    assert (await answer_to(voter, "x1"))["payload"]["code"] == "forbidden"
    await desk.send_json_to(command("ballots.step", "x2", vote_id=vote.pk, step="publish"))
    refused = await answer_to(desk, "x2")
    assert (refused["type"], refused["payload"]["code"]) == ("error", "invalid")
    assert await database_sync_to_async(lambda: Vote.objects.get(pk=vote.pk).status)() == "open"

    await desk.send_json_to(command("ballots.step", "s1", vote_id=vote.pk, step="close"))
    assert (await answer_to(desk, "s1"))["type"] == "ack"
    heard = await next_frame_of(voter, "ballots.vote_changed")
    assert (heard["payload"]["vote_id"], heard["payload"]["status"]) == (vote.pk, "closed")
    await desk.send_json_to(command("ballots.step", "s2", vote_id=vote.pk, step="publish"))
    assert (await answer_to(desk, "s2"))["type"] == "ack"
    assert (await next_frame_of(voter, "ballots.vote_changed"))["payload"]["status"] == "published"
    assert await database_sync_to_async(lambda: Vote.objects.get(pk=vote.pk).status)() == "published"
    await desk.disconnect()
    await voter.disconnect()


async def test_a_vote_of_another_meeting_cannot_be_stepped_from_this_one(meeting_vote, official, room_factory, council):
    from channels.db import database_sync_to_async

    from council.voting.ballots.models import Vote
    from tests.helpers import connect
    from tests.helpers import room_path

    _room, vote, _electors = meeting_vote
    elsewhere = await database_sync_to_async(room_factory)(council=council)
    desk, _ = await connect(room_path(elsewhere.pk), user=official)

    await desk.send_json_to(command("ballots.step", "s1", vote_id=vote.pk, step="close"))

    assert (await answer_to(desk, "s1"))["payload"]["code"] == "forbidden"
    assert await database_sync_to_async(lambda: Vote.objects.get(pk=vote.pk).status)() == "open"
    await desk.disconnect()
