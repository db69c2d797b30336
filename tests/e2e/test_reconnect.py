"""A Daphne process dies mid-conversation; its client reconnects to the other and misses nothing."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from council.rooms.models import Message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

POSTS = 14
LIVE_AFTER_RECONNECT = 2  # the sender holds back its last posts until the listener is back


@pytest.fixture
def two_daphnes(daphne):
    return daphne(2)


def _room_messages(room_id: int) -> list[tuple[int, str, str]]:
    try:
        return list(
            Message.objects.filter(room_id=room_id)
            .order_by("seq")
            .values_list("seq", "text", "client_request_id")
        )
    finally:
        connections.close_all()  # this thread's connection must not outlive the test database


async def test_reconnecting_client_gets_exactly_what_it_missed(two_daphnes, meeting, room_client):
    first, second = two_daphnes
    listener = await room_client(first, meeting.alice)
    sender = await room_client(second, meeting.bob)
    await listener.synced()
    await sender.synced()

    # Alice's own message, acknowledged by the first process before it dies.
    own = await listener.command(
        "rooms.send_message",
        {"text": "Je propose un banc devant l'école."},
        request_id="alice-banc",
    )
    assert own["payload"] == {"seq": 1, "duplicate": False}

    posted: dict[int, str] = {}
    progress = asyncio.Condition()
    reconnected = asyncio.Event()

    async def keep_posting() -> None:
        for number in range(1, POSTS + 1):
            if number > POSTS - LIVE_AFTER_RECONNECT:
                await reconnected.wait()
            text = f"Point {number} de l'ordre du jour"
            ack = await sender.command("rooms.send_message", {"text": text})
            assert ack["type"] == "ack", ack
            async with progress:
                posted[ack["payload"]["seq"]] = text
                progress.notify_all()
            await asyncio.sleep(0.1)

    posting = asyncio.create_task(keep_posting())
    try:
        await listener.wait_seq(4)
        # A command sent just as the process dies: applied or not, its ack never comes back.
        await listener.send(
            "rooms.send_message", {"text": "Et un arbre ?"}, request_id="alice-arbre"
        )
        first.kill()  # SIGKILL: no close frame, no clean-up, messages in flight to it are gone
        assert await listener.wait_closed() not in (1000, 1001)
        seen_before = listener.seqs()
        last_seen = seen_before[-1]
        assert seen_before == list(range(1, last_seen + 1))

        # Bob keeps talking on the second process while Alice is away.
        async with progress:
            await asyncio.wait_for(progress.wait_for(lambda: len(posted) >= last_seen + 2), 10)

        again = await room_client(second, meeting.alice, since=last_seen)
        snapshot = await again.synced()
        reconnected.set()
        assert snapshot["since_seq"] == last_seen
        assert snapshot["messages"], "the messages posted while away come in the snapshot"
        await posting
        await again.wait_seq(POSTS + 1)

        # Re-sent after the reconnect, Alice's command is recognised, not applied twice.
        resent = await again.command(
            "rooms.send_message",
            {"text": "Je propose un banc devant l'école."},
            request_id="alice-banc",
        )
        assert resent["type"] == "ack"
        assert resent["payload"] == {"seq": 1, "duplicate": True}
        # The unacknowledged one is retried, as the browser client does: it lands once.
        retried = await again.command(
            "rooms.send_message", {"text": "Et un arbre ?"}, request_id="alice-arbre"
        )
        assert retried["type"] == "ack", retried
        await again.wait_seq(POSTS + 2)
    finally:
        posting.cancel()

    stored = await sync_to_async(_room_messages, thread_sensitive=False)(meeting.room_id)
    assert [seq for seq, _text, _rid in stored] == list(range(1, POSTS + 3))  # no gap, no double
    request_ids = [rid for _seq, _text, rid in stored]
    assert request_ids.count("alice-banc") == 1
    assert request_ids.count("alice-arbre") == 1
    assert retried["payload"]["seq"] == request_ids.index("alice-arbre") + 1

    # After the reconnect: exactly the missed messages, then the live ones, each once, in order.
    assert again.seqs() == list(range(last_seen + 1, POSTS + 3))
    assert {m["seq"]: m["text"] for m in again.messages()} == {
        seq: text for seq, text, _rid in stored if seq > last_seen
    }
    live = [f["payload"]["seq"] for f in again.of_type("rooms.message_posted")]
    assert len(live) >= LIVE_AFTER_RECONNECT, "the sender's last posts arrive live"
    assert posted == {seq: text for seq, text, rid in stored if not rid.startswith("alice-")}
