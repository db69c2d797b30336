"""Redis dies for 5 s under a live meeting of 50 people chatting on two Daphnes (issue 16).

Redis is the test's own server on a free port, killed with SIGKILL and started again on the
same port with nothing kept: the channel layer's groups, the queued messages, the counters
are gone. The clients behave as the browser's (tests/e2e/live_client.py) and nobody helps
them. What a person must notice: a status while Redis is away (the room's
`rooms.updates_interrupted`, or their socket closing with a code that is not final and
coming back), then the chat as it is, with every message acknowledged to anyone shown
exactly once, stored exactly once.
"""

import asyncio
import random
from collections import Counter

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from council.councils.models import Council
from council.councils.models import Role
from council.rooms.models import Message
from tests.e2e.client import room_path
from tests.e2e.conftest import make_person
from tests.e2e.live_client import LiveRoomClient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PEOPLE = 50
OUTAGE_SECONDS = 5
CHAT_BEFORE_SECONDS = 3
CHAT_AFTER_SECONDS = 4
PAUSE_BETWEEN_POSTS = (0.8, 2.0)  # seconds, each person: about 35 messages a second in all
RECOVERY_SECONDS = 25  # every client back and holding every message, from Redis's return


@pytest.fixture
def crowd(meeting):
    council = Council.objects.get(pk=meeting.council_id)
    try:
        return [make_person(council, f"p{number}", f"Personne {number}", Role.MEMBER) for number in range(PEOPLE)]
    finally:
        connections.close_all()


def _stored(room_id: int) -> list[tuple[int, str, str]]:
    try:
        return list(Message.objects.filter(room_id=room_id).order_by("seq").values_list("seq", "text", "client_request_id"))
    finally:
        connections.close_all()  # this thread's connection must not outlive the test database


async def test_a_meeting_survives_redis_dying_for_five_seconds(redis_server, daphne, meeting, crowd):
    servers = daphne(2, REDIS_URL=redis_server.url, ROOM_RATE_LIMIT="1000/10")
    clients = [
        LiveRoomClient(
            url=lambda since, server=servers[number % 2]: server.ws_url(room_path(meeting.room_id, since=since)),
            cookie=person.cookie,
            origin=servers[number % 2].origin,
            name=f"p{number}",
        )
        for number, person in enumerate(crowd)
    ]
    for client in clients:
        client.start()
    try:
        await asyncio.wait_for(asyncio.gather(*(client.synced.wait() for client in clients)), 30)
        chatting = True
        phase = "before"
        acked_in: Counter[str] = Counter()  # acknowledgements received before, during and after the outage

        async def chat(client: LiveRoomClient) -> None:
            number = 0
            while chatting:
                number += 1
                if (await client.post(f"{client.name} dit {number}"))["type"] == "ack":
                    acked_in[phase] += 1
                await asyncio.sleep(random.uniform(*PAUSE_BETWEEN_POSTS))

        talk = [asyncio.create_task(chat(client)) for client in clients]
        await asyncio.sleep(CHAT_BEFORE_SECONDS)
        redis_server.kill()
        phase = "during"
        await asyncio.sleep(OUTAGE_SECONDS)
        redis_server.start()
        phase = "after"
        back = asyncio.get_running_loop().time()
        await asyncio.sleep(CHAT_AFTER_SECONDS)
        chatting = False
        await asyncio.wait_for(asyncio.gather(*talk), RECOVERY_SECONDS)

        stored = await sync_to_async(_stored, thread_sensitive=False)(meeting.room_id)
        last_seq = stored[-1][0]

        left = RECOVERY_SECONDS - (asyncio.get_running_loop().time() - back)
        waiting = [asyncio.create_task(client.caught_up(last_seq)) for client in clients]
        await asyncio.wait(waiting, timeout=max(left, 1))
        for task in waiting:
            task.cancel()
        behind = {c.name: (c.contiguous, sorted(set(range(1, last_seq + 1)) - set(c.messages))[:10]) for c in clients if c.contiguous != last_seq}
        assert not behind, f"clients not caught up with seq {last_seq} (contiguous, first missing): {behind}"
    finally:
        for client in clients:
            await client.stop()

    # Stored exactly once each, with no gap in seq, and acknowledged with the seq it was stored at.
    assert [seq for seq, _text, _rid in stored] == list(range(1, last_seq + 1))
    by_request = Counter(rid for _seq, _text, rid in stored)
    assert [rid for rid, count in by_request.items() if count > 1] == []
    stored_seq = {rid: seq for seq, _text, rid in stored}
    acked = {rid: seq for client in clients for rid, seq in client.acked.items()}
    assert {rid: stored_seq.get(rid) for rid in acked} == acked
    assert all(acked_in[when] for when in ("before", "during", "after")), acked_in  # chat went on throughout
    assert [(c.name, c.errors) for c in clients if c.errors] == []

    # Every client holds every stored message once, as stored (the page's view, by seq).
    texts = {seq: text for seq, text, _rid in stored}
    for client in clients:
        assert {seq: m["text"] for seq, m in client.messages.items()} == texts, client.name

    # Everyone saw that the live connection was interrupted, and recovered by themselves.
    # On the wire: the room's rooms.updates_interrupted, or the socket closing with a code
    # that is not final (the page shows "reconnecting") and a new one opening.
    unaware = [c.name for c in clients if not c.statuses and not (c.closes and c.sockets > 1)]
    assert unaware == [], "clients shown no status while Redis was away"
    assert all(c.final_code is None for c in clients)
