"""Scale-out: two Daphne processes share Redis; what happens on one is seen live on the other."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_daphnes(daphne):
    return daphne(2)


async def test_chat_and_hands_cross_from_one_process_to_the_other(
    two_daphnes, meeting, room_client
):
    first, second = two_daphnes
    alice = await room_client(first, meeting.alice)
    bob = await room_client(second, meeting.bob)
    await alice.synced()
    await bob.synced()

    text = "Bonjour à tous, la séance est ouverte."
    ack = await alice.command("rooms.send_message", {"text": text})
    assert ack["type"] == "ack"
    assert ack["payload"] == {"seq": 1, "duplicate": False}
    posted = await bob.wait_event("rooms.message_posted", seq=1)
    assert posted["payload"]["text"] == text
    assert posted["payload"]["author"] == {"id": meeting.alice.user_id, "name": "Alice Martin"}

    reply = "Merci, je voudrais parler du parc."
    assert (await bob.command("rooms.send_message", {"text": reply}))["payload"]["seq"] == 2
    assert (await alice.wait_event("rooms.message_posted", seq=2))["payload"]["text"] == reply

    # A hand raised on the second process reaches the first, in the queue's order.
    assert (await bob.command("rooms.raise_hand"))["type"] == "ack"
    hands = await alice.wait_for(
        lambda f: f["type"] == "rooms.hands_changed" and f["payload"]["queue"], what="Bob's hand"
    )
    assert [(h["user_id"], h["name"]) for h in hands["payload"]["queue"]] == [
        (meeting.bob.user_id, "Bob Lefèvre")
    ]

    # Each saw every message exactly once, in order.
    assert alice.seqs() == [1, 2]
    assert bob.seqs() == [1, 2]
