"""On a real Daphne, frames that used to close the socket with 1011 get an error and it goes on."""

import asyncio

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


async def test_frames_that_crashed_the_socket_are_answered_and_it_stays_open(
    daphne, meeting, room_client
):
    (server,) = daphne(1)
    alice = await room_client(server, meeting.alice)
    await alice.synced()

    await alice.connection.send("[" * 20_000 + "]" * 20_000)
    nul = await alice.command("rooms.send_message", {"text": "a\x00b"}, request_id="nul")
    await alice.send("rooms.send_message", {"text": "Bonjour"}, request_id="r\x00")  # answered without it
    surrogate = '{"type": "rooms.send_message", "request_id": "sur", "payload": {"text": "\\ud800"}}'
    await alice.connection.send(surrogate)
    answer = await alice.wait_for(lambda f: f.get("request_id") == "sur")

    assert nul["payload"]["code"] == "bad_frame"
    assert answer["payload"]["code"] == "bad_frame"
    errors = [f["payload"]["code"] for f in alice.of_type("error")]
    assert errors == ["bad_json", "bad_frame", "bad_frame", "bad_frame"]
    ok = await alice.command("rooms.send_message", {"text": "Toujours là"}, request_id="ok")
    assert ok == {"type": "ack", "request_id": "ok", "payload": {"seq": 1, "duplicate": False}}
    await asyncio.sleep(0.2)
    assert alice.close_code is None
