"""A broadcast reaches idle sockets written straight by the hub, the same frame in the same order.

council/core/wire.py writes a relayed event's frame to each socket whose consumer is idle,
without waking it. This runs a real Daphne: if an upgrade of Daphne or autobahn changes what
the wire reads, the frames go through the consumers again and the first assertion fails.
"""

import json

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


async def test_an_idle_socket_gets_a_relayed_event_written_by_the_hub_in_order(daphne, meeting, room_client):
    (server,) = daphne(1)
    alice = await room_client(server, meeting.alice)
    await alice.synced()
    bob = await room_client(server, meeting.bob)
    await bob.synced()

    await bob.command("rooms.raise_hand", {}, request_id="h1")
    await alice.wait_event("rooms.hands_changed")
    await alice.command("rooms.send_message", {"text": "Après la main levée"}, request_id="m1")
    await bob.wait_event("rooms.message_posted")
    await alice.wait_event("rooms.message_posted")
    server.stop()

    logged = [json.loads(line) for line in server.frame_log.read_text().splitlines()]
    hands = [entry for entry in logged if entry["frame"].startswith('{"type":"rooms.hands_changed"')]
    assert any(entry.get("direct") for entry in hands), "no hands change was written by the hub"
    assert not any(entry.get("direct") for entry in logged if entry["acked"] or '"rooms.message_posted"' in entry["frame"])
    for client in (alice, bob):  # the same frame, before the message that followed it
        types = [frame["type"] for frame in client.frames]
        assert types.index("rooms.hands_changed") < types.index("rooms.message_posted")
    assert alice.of_type("rooms.hands_changed")[-1] == bob.of_type("rooms.hands_changed")[-1]
