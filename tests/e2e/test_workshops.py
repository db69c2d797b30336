"""Breakout workshops end to end: Daphne, Redis, a media worker process, aiortc peers.

Twelve members publish video in the plenary of a live meeting; a facilitator draws them at
random into three workshops and opens them. Each member's socket follows into its breakout
room; there each member joins the call again (as the page does after `rooms.moved`)
and must see and read only the people of its own workshop. The timer fires in every
workshop; closing with a countdown brings everyone back to the plenary, where the call
works again. Every frame a peer sends carries its sender's tag, so a receiver knows whose
video it got without trusting the server's labels.
"""

import asyncio
import fractions
import secrets
import signal
import subprocess
import sys
import time
from datetime import datetime

import aioice.ice
import av
import pytest

from council.councils.models import Council
from council.councils.models import Role
from council.rooms.media.assignment import RedisStore
from council.rooms.media.testing import VIDEO_CLOCK
from council.rooms.media.testing import ClientPeer
from council.rooms.media.testing import NumberedVideoTrack
from council.rooms.media.testing import ReceivedTrack
from council.rooms.media.testing import decode_vp8
from council.rooms.media.testing import encode_frame
from council.rooms.media.testing import numbered_frame
from council.rooms.media.testing import read_frame_number
from council.rooms.models import Room
from tests.e2e.client import RoomClient
from tests.e2e.client import room_path
from tests.e2e.conftest import Person
from tests.e2e.conftest import make_person
from tests.e2e.conftest import random_id
from tests.e2e.servers import ROOT
from tests.e2e.servers import redis_url
from tests.e2e.servers import server_env

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEMBERS = 12
WORKSHOPS = ("Le parc", "La rue du marché", "L'école")
FPS = 10  # enough to see frames flow; 156 streams at 30 fps would only load the machine
FRAMES = 5  # frames a receiver must have of each track before it counts as flowing
GRACE_SECONDS = 2
TIMER_SECONDS = 4
WARNING_SECONDS = 2  # WORKSHOP_TIMER_WARNINGS of the server
# The default heartbeat: a worker counts as gone after three missed ones (6 s). With 0.5 s, a
# worker busy with a dozen DTLS handshakes on a loaded CI machine was declared gone mid-test.
MEDIA_ENV = {"MEDIA_WORKER_HEARTBEAT_SECONDS": "2", "MEDIA_REPLY_TIMEOUT_SECONDS": "15"}


class TaggedVideoTrack(NumberedVideoTrack):
    """Numbered frames whose high byte is the sender's tag: a receiver reads who sent them."""

    def __init__(self, tag: int) -> None:
        super().__init__(fps=FPS)
        self.tag = tag

    async def recv(self) -> av.Packet:
        index = await self._wait_next()
        keyframe, self._keyframe_wanted = self._keyframe_wanted, False
        picture = numbered_frame(self.tag << 8 | index & 0xFF, self.width, self.height)
        packet = av.Packet(encode_frame(self._codec, picture, index, keyframe))
        packet.pts = index * (VIDEO_CLOCK // self.fps)
        packet.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        return packet


def senders_seen(tracks: list[ReceivedTrack]) -> list[set[int]]:
    """For each video track, the tags read in its frames (decoded from the first keyframe)."""
    seen = []
    for track in tracks:
        frames = track.frames
        start = next((i for i, frame in enumerate(frames) if frame.keyframe), None)
        decoded = [] if start is None else decode_vp8(frame.data for frame in frames[start:])
        seen.append({read_frame_number(picture) >> 8 for picture in decoded})
    return seen


class SocketCall:
    """The MediaRoom calls of ClientPeer, sent as commands over a real room socket."""

    def __init__(self, client: RoomClient) -> None:
        self.client = client

    async def _ack(self, frame_type: str, payload: dict) -> dict:
        answer = await self.client.command(frame_type, payload, within=20)
        assert answer["type"] == "ack", (
            f"{self.client.name}: {frame_type} refused: {answer['payload']}"
        )
        return answer["payload"]

    async def publish(self, participant_id: str, offer_sdp: str) -> str:
        return (await self._ack("rooms.rtc_publish", {"sdp": offer_sdp}))["sdp"]

    async def subscribe(self, participant_id: str) -> str:
        return (await self._ack("rooms.rtc_subscribe", {}))["sdp"]

    async def subscriber_answer(self, participant_id: str, answer_sdp: str) -> None:
        await self._ack("rooms.rtc_answer", {"sdp": answer_sdp})


class Attendee:
    """One person's page: a room socket and, while in a call, an aiortc peer answering offers."""

    def __init__(self, person: Person, client: RoomClient, tag: int) -> None:
        self.person = person
        self.client = client
        self.tag = tag
        self.peer: ClientPeer | None = None
        self._offers_from = 0
        self._answering = asyncio.create_task(self._answer_offers())

    async def _answer_offers(self) -> None:
        """Answer each renegotiation of the current call's subscribe connection, in order."""
        done = 0
        while not self.client.closed.is_set():
            frames = self.client.frames
            while done < len(frames):
                frame, done = frames[done], done + 1
                peer = self.peer
                if frame["type"] == "rooms.rtc_offer" and done > self._offers_from and peer:
                    await peer.answer_offer(frame["payload"]["sdp"])
            await asyncio.sleep(0.02)

    def mark(self) -> int:
        return len(self.client.frames)

    async def wait_after(self, mark: int, event_type: str, *, within: float = 15, **payload):
        """The first `event_type` frame received at index >= `mark` with these payload values."""
        marked = {id(f) for f in self.client.frames[:mark]}
        return await self.client.wait_for(
            lambda f: (
                id(f) not in marked
                and f["type"] == event_type
                and all(f["payload"].get(k) == v for k, v in payload.items())
            ),
            within=within,
            what=f"{event_type} {payload or ''}",
        )

    def received_after(self, mark: int, event_type: str) -> list[dict]:
        return [f["payload"] for f in self.client.frames[mark:] if f["type"] == event_type]

    async def join_call(self, *, publish: bool = True, subscribe: bool = True) -> None:
        """Join the call of the room the socket is in now, as the page does after a move."""
        await self.leave_call()
        self._offers_from = self.mark()  # offers of an earlier call are not for this one
        self.peer = ClientPeer(SocketCall(self.client), f"user-{self.person.user_id}")
        if publish:
            await self.peer.publish(video=TaggedVideoTrack(self.tag))
        if subscribe:
            await self.peer.subscribe()

    async def leave_call(self) -> None:
        peer, self.peer = self.peer, None
        if peer is not None:
            await peer.close()

    async def hang_up(self) -> None:
        """Leave the call as the page's button does: unpublish, then close the connections."""
        if self.peer is not None and self.peer.publish_pc is not None:
            answer = await self.client.command("rooms.rtc_unpublish", {})
            assert answer["type"] == "ack", (
                f"{self.client.name}: unpublish refused: {answer['payload']}"
            )
        await self.leave_call()

    def video_since(self, known: frozenset[str]) -> list[ReceivedTrack]:
        """Video tracks received by the current call apart from those in `known` (ids)."""
        tracks = self.peer.tracks_of("video") if self.peer else []
        return [t for t in tracks if t.track_id not in known]

    def flowing(self, expected: int, *, known: frozenset[str] = frozenset()) -> bool:
        """True once exactly `expected` (new) video tracks have brought at least FRAMES frames each."""
        tracks = self.video_since(known)
        return len(tracks) == expected and all(t.count >= FRAMES for t in tracks)

    async def close(self) -> None:
        await self.leave_call()
        await self.client.close()
        self._answering.cancel()


async def until(predicate, *, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.05)


def instant(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch):
    """aioice never offers 127.0.0.1: make it the only host candidate of the test's peers."""
    monkeypatch.setattr(
        aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]
    )


@pytest.fixture
def media_key_prefix() -> str:
    return f"test-e2e-media-{secrets.token_hex(4)}"


@pytest.fixture
def media_worker(transactional_db, tmp_path, media_key_prefix):
    """`python -m council.rooms.media` on this run's Redis; its log must hold no traceback."""
    log_path = tmp_path / "media-worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "council.rooms.media"],
            cwd=ROOT,
            env=server_env(
                MEDIA_KEY_PREFIX=media_key_prefix,
                MEDIA_TEST_LOOPBACK="1",
                MEDIA_LOG_LEVEL="WARNING",
                **MEDIA_ENV,
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    log_text = log_path.read_text(errors="replace")
    assert "Traceback" not in log_text, f"the media worker raised:\n{log_text}"


@pytest.fixture
def plenary(transactional_db) -> tuple[int, Person, list[Person]]:
    """A meeting room, its facilitator and twelve members, committed for the servers."""
    council = Council.objects.create(
        id=random_id(), slug=f"sud-{secrets.token_hex(4)}", name="Conseil de quartier Sud"
    )
    room = Room.objects.create(id=random_id(), council=council, name="Assemblée de quartier")
    facilitator = make_person(council, "facilitator", "Fatou Facilitatrice", Role.FACILITATOR)
    members = [
        make_person(council, f"member{n}", f"Membre {n:02d}", Role.MEMBER)
        for n in range(1, MEMBERS + 1)
    ]
    return room.pk, facilitator, members


async def test_workshops_split_the_meeting_chat_and_video_and_bring_it_back(
    daphne, media_worker, media_key_prefix, plenary
):
    plenary_id, facilitator_person, member_people = plenary
    (server,) = daphne(
        1,
        MEDIA_KEY_PREFIX=media_key_prefix,
        WORKSHOP_TIMER_WARNINGS=str(WARNING_SECONDS),
        DEADLINE_SWEEP_IN_SERVER="true",  # no Celery beat runs here: Daphne applies the deadlines
        ROOM_RATE_LIMIT="1000/10",
        **MEDIA_ENV,
    )
    workers = RedisStore(redis_url("channels"), media_key_prefix)
    await until(lambda: media_worker.poll() is None, within=1, what="the media worker runs")
    for _ in range(200):
        if await workers.live_workers():
            break
        assert media_worker.poll() is None, "the media worker exited"
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the media worker never announced itself")

    async def attend(person: Person, tag: int) -> Attendee:
        client = await RoomClient.open(
            server.ws_url(room_path(plenary_id)),
            cookie=person.cookie,
            origin=server.origin,
            name=person.name,
        )
        return Attendee(person, client, tag)

    people = await asyncio.gather(
        attend(facilitator_person, 0), *(attend(p, n) for n, p in enumerate(member_people, start=1))
    )
    boss, members = people[0], people[1:]
    try:
        # -- the plenary: everyone is here and the call works
        for attendee in people:
            snapshot = await attendee.client.synced()
            assert snapshot["room"]["id"] == plenary_id
            assert snapshot["workshops"] is None
            assert snapshot["media"] == {"available": True}
        await asyncio.gather(*(m.join_call(subscribe=False) for m in members))
        await boss.join_call(publish=False)
        await until(
            lambda: boss.flowing(MEMBERS), within=30, what="the facilitator sees the twelve cameras"
        )
        assert sorted(
            tag for tags in senders_seen(boss.peer.tracks_of("video")) for tag in tags
        ) == list(range(1, MEMBERS + 1))

        # -- prepare, draw at random, open
        created = await boss.client.command(
            "workshops.create_session",
            {
                "title": "Ateliers du quartier",
                "workshops": [
                    {"name": name, "topic": f"Vos idées pour {name.lower()}"} for name in WORKSHOPS
                ],
                "mode": "random",
                "duration_seconds": 1200,
                "grace_seconds": GRACE_SECONDS,
            },
        )
        assert created["type"] == "ack", created
        session_id = created["payload"]["session_id"]
        drawn = await boss.client.command("workshops.draw", {"session_id": session_id})
        assert drawn["type"] == "ack", drawn
        assert drawn["payload"]["assigned"] == MEMBERS
        assert not drawn["payload"]["unplaced"]

        before_open = {a.person.user_id: a.mark() for a in people}
        opened = await boss.client.command("workshops.open", {"session_id": session_id})
        assert opened["type"] == "ack", opened
        view = (
            await boss.wait_after(
                before_open[boss.person.user_id], "workshops.session_updated", status="open"
            )
        )["payload"]
        room_of = {w["id"]: w["room_id"] for w in view["workshops"]}
        workshop_of = {p["id"]: p["workshop_id"] for p in view["people"]}
        assert sorted(workshop_of) == sorted(m.person.user_id for m in members)
        sizes = sorted(list(workshop_of.values()).count(w) for w in room_of)
        assert sizes == [4, 4, 4]  # balanced
        mates = {
            m.person.user_id: {
                o.tag
                for o in members
                if workshop_of[o.person.user_id] == workshop_of[m.person.user_id]
            }
            - {m.tag}
            for m in members
        }

        # -- each socket receives its breakout's snapshot, then the move
        for member in members:
            mark = before_open[member.person.user_id]
            workshop_id = workshop_of[member.person.user_id]
            synced = (await member.wait_after(mark, "rooms.room_synced"))["payload"]
            assert synced["room"]["id"] == room_of[workshop_id]
            assert synced["room"]["parent_id"] == plenary_id
            assert synced["workshops"]["my_workshop_id"] == workshop_id
            assert "assignments" not in synced["workshops"]  # others' places are not shown
            assert "people" not in synced["workshops"]
            assert synced["messages"] == []
            moved = (await member.wait_after(mark, "rooms.moved"))["payload"]
            assert moved["room_id"] == room_of[workshop_id]
            assert moved["plenary_id"] == plenary_id
        assert boss.received_after(before_open[boss.person.user_id], "rooms.moved") == []
        # Their plenary connections ended with the move: the facilitator's screen empties.
        await boss.wait_after(
            before_open[boss.person.user_id], "rooms.media_tracks_changed", tracks=[]
        )

        # -- in the workshops: each member's media reaches only its workshop
        seen_by_boss = len(boss.peer.received)
        await asyncio.gather(*(m.join_call(subscribe=False) for m in members))
        await asyncio.gather(*(m.peer.subscribe() for m in members))
        await until(
            lambda: all(m.flowing(3) for m in members),
            within=30,
            what="every member sees its three workshop-mates",
        )
        await asyncio.sleep(1.0)  # a leak from another workshop would have shown up by now
        for member in members:
            assert len(member.peer.tracks_of("video")) == 3, member.person.name
            tags = senders_seen(member.peer.tracks_of("video"))
            assert all(len(track_tags) == 1 for track_tags in tags), (member.person.name, tags)
            assert set().union(*tags) == mates[member.person.user_id], member.person.name
        assert len(boss.peer.received) == seen_by_boss  # the plenary got no workshop video

        # -- chat: a message posted in each workshop reaches its members only
        before_chat = {a.person.user_id: a.mark() for a in people}
        speakers = {}
        for member in members:
            speakers.setdefault(workshop_of[member.person.user_id], member)
        texts = {w: f"Proposition de l'atelier {room_of[w]} : plus de bancs" for w in speakers}
        answers = await asyncio.gather(
            *(
                s.client.command("rooms.send_message", {"text": texts[w]})
                for w, s in speakers.items()
            )
        )
        assert all(a["type"] == "ack" and a["payload"]["seq"] == 1 for a in answers), answers
        for member in members:
            text = texts[workshop_of[member.person.user_id]]
            await member.wait_after(
                before_chat[member.person.user_id], "rooms.message_posted", text=text
            )
        await asyncio.sleep(0.5)
        for member in members:
            posted = member.received_after(
                before_chat[member.person.user_id], "rooms.message_posted"
            )
            workshop_id = workshop_of[member.person.user_id]
            assert [(p["room_id"], p["text"]) for p in posted] == [
                (room_of[workshop_id], texts[workshop_id])
            ]
        assert boss.received_after(before_chat[boss.person.user_id], "rooms.message_posted") == []

        # -- the timer: warnings and time up in every workshop and in the plenary
        before_timer = {a.person.user_id: a.mark() for a in people}
        timer = await boss.client.command(
            "workshops.set_timer", {"session_id": session_id, "seconds_left": TIMER_SECONDS}
        )
        assert timer["type"] == "ack", timer
        for attendee in people:
            mark = before_timer[attendee.person.user_id]
            warning = (
                await attendee.wait_after(mark, "workshops.timer_warning", within=TIMER_SECONDS + 5)
            )["payload"]
            assert warning["session_id"] == session_id
            assert warning["seconds_left"] == WARNING_SECONDS
            await attendee.wait_after(
                mark, "workshops.time_up", within=TIMER_SECONDS + 5, session_id=session_id
            )
            warnings = attendee.received_after(mark, "workshops.timer_warning")
            assert len(warnings) == 1, (attendee.person.name, warnings)
            order = [
                f["type"]
                for f in attendee.client.frames[mark:]
                if f["type"] in ("workshops.timer_warning", "workshops.time_up")
            ]
            assert order == ["workshops.timer_warning", "workshops.time_up"], attendee.person.name
        assert time.time() >= instant(warning["ends_at"]) - 0.5  # time up was not called early

        # -- closing with a countdown brings everyone back, then the call works in the plenary
        before_close = {a.person.user_id: a.mark() for a in people}
        closed = await boss.client.command(
            "workshops.close", {"session_id": session_id, "grace_seconds": GRACE_SECONDS}
        )
        assert closed["type"] == "ack", closed
        closing = (
            await boss.wait_after(
                before_close[boss.person.user_id], "workshops.session_updated", status="closing"
            )
        )["payload"]
        closes_at = instant(closing["closes_at"])
        for member in members:
            mark = before_close[member.person.user_id]
            await member.wait_after(mark, "workshops.session_updated", status="closing")
            synced = (
                await member.wait_after(mark, "rooms.room_synced", within=GRACE_SECONDS + 15)
            )["payload"]
            assert synced["room"]["id"] == plenary_id
            assert synced["room"]["parent_id"] is None
            moved = (await member.wait_after(mark, "rooms.moved"))["payload"]
            assert moved["room_id"] == plenary_id
        back_at = time.time()
        assert back_at >= closes_at - 0.5, "members came back before the countdown ran out"

        before_return = frozenset(boss.peer.received)  # the facilitator stayed in the call
        await asyncio.gather(*(m.join_call(subscribe=False) for m in members))
        await asyncio.gather(*(m.peer.subscribe() for m in members))
        everyone = set(range(1, MEMBERS + 1))
        await until(
            lambda: (
                all(m.flowing(MEMBERS - 1) for m in members)
                and boss.flowing(MEMBERS, known=before_return)
            ),
            within=40,
            what="everyone sees everyone in the plenary again",
        )
        for member in members:
            tags = senders_seen(member.peer.tracks_of("video"))
            assert all(len(track_tags) == 1 for track_tags in tags), (member.person.name, tags)
            assert set().union(*tags) == everyone - {member.tag}, member.person.name
        tags = senders_seen(boss.video_since(before_return))
        assert sorted(tag for track_tags in tags for tag in track_tags) == sorted(everyone)

        # The plenary's chat reaches everyone again.
        mark_chat = {a.person.user_id: a.mark() for a in members}
        posted = await boss.client.command(
            "rooms.send_message", {"text": "Bon retour en plénière !"}
        )
        assert posted["type"] == "ack", posted
        for member in members:
            await member.wait_after(
                mark_chat[member.person.user_id],
                "rooms.message_posted",
                text="Bon retour en plénière !",
            )

        # Everyone leaves the call before closing the page, so the sockets close on a settled
        # call (see the report on closing many peers and sockets at the same instant).
        mark_end = boss.mark()
        await asyncio.gather(*(m.hang_up() for m in members))
        await boss.wait_after(mark_end, "rooms.media_tracks_changed", tracks=[])
        await boss.hang_up()
        await asyncio.sleep(0.5)
    finally:
        await asyncio.gather(*(a.close() for a in people), return_exceptions=True)
