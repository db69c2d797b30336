"""A real Daphne writes every frame it sends to its FRAME_LOG, which the `daphne` fixture checks.

tests/docs/test_asyncapi_frames.py shows the check failing on a bad frame; this shows the
server process really writes what its sockets receive, acks with the command they answer.
"""

import json

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


async def test_the_server_writes_each_frame_a_client_receives_to_its_frame_log(daphne, meeting, room_client):
    (server,) = daphne(1)
    alice = await room_client(server, meeting.alice)
    await alice.synced()
    await alice.command("rooms.send_message", {"text": "Bonjour"}, request_id="m1")
    await alice.wait_event("rooms.message_posted")
    await alice.close()
    server.stop()

    logged = [json.loads(line) for line in server.frame_log.read_text().splitlines()]
    sent = [json.loads(entry["frame"]) for entry in logged]
    assert sent[: len(alice.frames)] == alice.frames  # one socket: what it got, in order
    assert {"rooms.room_synced", "ack", "rooms.message_posted"} <= {frame["type"] for frame in sent}
    assert [entry["acked"] for entry in logged if entry["frame"].startswith('{"type":"ack"')] == [
        "rooms.send_message"
    ]
