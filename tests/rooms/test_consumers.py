"""The room socket, end to end in one process: snapshot, live events, resync, limits, moderation."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

from council.councils.services import role_grant
from council.councils.services import role_revoke
from council.rooms.models import Message
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import expect_close
from tests.helpers import expect_silence
from tests.helpers import next_frame
from tests.helpers import room_path
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(room, user_with_role):
    return user_with_role("member", room.council, display_name="Marc Membre")


@pytest.fixture
def other_member(room, user_with_role):
    return user_with_role("member", room.council, display_name="Mia Membre")


@pytest.fixture
def facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, display_name="Fatou Facilitatrice")


async def _send(communicator, text, request_id):
    await communicator.send_json_to(command("rooms.send_message", request_id, text=text))
    ack = await next_frame(
        communicator, skip=frozenset({"rooms.presence_changed", "rooms.message_posted"})
    )
    assert ack == {
        "type": "ack",
        "request_id": request_id,
        "payload": {"seq": ack["payload"]["seq"], "duplicate": False},
    }
    return ack["payload"]["seq"]


async def _posted(communicator):
    frame = await next_frame(communicator)
    assert frame["type"] == "rooms.message_posted", frame
    return frame["payload"]["seq"], frame["payload"]["text"]


@database_sync_to_async
def _stored(room):
    return list(Message.objects.filter(room=room).values_list("seq", "text"))


async def test_snapshot_on_connect(room, member, message_factory):
    await database_sync_to_async(message_factory)(room=room, author=member, text="Avant")

    communicator, snapshot = await connect(room_path(room.pk), user=member)

    payload = snapshot["payload"]
    assert payload["room"]["id"] == room.pk
    assert [(m["seq"], m["text"]) for m in payload["messages"]] == [(1, "Avant")]
    assert payload["me"]["role"] == "member"
    assert payload["me"]["capabilities"]["send_message"] is True
    presence = await next_frame(communicator, skip=frozenset())
    assert presence["type"] == "rooms.presence_changed"
    assert presence["payload"]["participants"] == [
        {"id": member.pk, "name": "Marc Membre", "role": "member", "moderates": False}
    ]
    await communicator.disconnect()


async def test_unauthenticated_is_closed_with_4401(room):
    communicator = ws_communicator(room_path(room.pk), user=AnonymousUser())

    connected, _ = await communicator.connect()

    assert connected  # accepted first, so the browser can read the code
    assert await expect_close(communicator, 4401) == []


async def test_outsider_is_closed_with_4403(room, user_factory):
    outsider = await database_sync_to_async(user_factory)()
    communicator = ws_communicator(room_path(room.pk), user=outsider)

    await communicator.connect()

    assert await expect_close(communicator, 4403) == []


async def test_missing_room_looks_like_a_forbidden_one(room, member):
    communicator = ws_communicator(room_path(room.pk + 1000), user=member)

    await communicator.connect()

    await expect_close(communicator, 4403)


async def test_message_from_one_reaches_the_other_live(room, member, other_member):
    alice, _ = await connect(room_path(room.pk), user=member)
    bob, _ = await connect(room_path(room.pk), user=other_member)

    seq = await _send(alice, "Bonjour à tous", "r1")

    assert seq == 1
    assert await _posted(bob) == (1, "Bonjour à tous")
    assert await _posted(alice) == (1, "Bonjour à tous")
    await expect_silence(bob)
    assert await _stored(room) == [(1, "Bonjour à tous")]
    await alice.disconnect()
    await bob.disconnect()


async def test_resent_request_id_is_answered_but_not_applied_twice(room, member, other_member):
    alice, _ = await connect(room_path(room.pk), user=member)
    bob, _ = await connect(room_path(room.pk), user=other_member)
    await _send(alice, "Une fois", "r1")

    await alice.send_json_to(command("rooms.send_message", "r1", text="Une fois"))

    ack = await next_frame(
        alice, skip=frozenset({"rooms.presence_changed", "rooms.message_posted"})
    )
    assert ack["payload"] == {"seq": 1, "duplicate": True}
    assert await _posted(bob) == (1, "Une fois")
    await expect_silence(bob)
    assert await _stored(room) == [(1, "Une fois")]
    await alice.disconnect()
    await bob.disconnect()


async def test_reconnect_with_since_gets_exactly_what_was_missed(room, member, other_member):
    alice, _ = await connect(room_path(room.pk), user=member)
    bob, _ = await connect(room_path(room.pk), user=other_member)
    await _send(alice, "Un", "r1")
    assert await _posted(bob) == (1, "Un")
    await bob.disconnect()  # Bob's connection drops after seq 1
    await _send(alice, "Deux", "r2")
    await _send(alice, "Trois", "r3")

    bob, snapshot = await connect(room_path(room.pk, since=1), user=other_member)

    assert [(m["seq"], m["text"]) for m in snapshot["payload"]["messages"]] == [
        (2, "Deux"),
        (3, "Trois"),
    ]
    await _send(alice, "Quatre", "r4")
    assert await _posted(bob) == (4, "Quatre")
    await expect_silence(bob)  # nothing twice
    await alice.disconnect()
    await bob.disconnect()


async def test_sync_command_resends_the_gap(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)
    await _send(alice, "Un", "r1")
    await _send(alice, "Deux", "r2")

    await alice.send_json_to(command("rooms.sync", "s1", since=1))

    frames = [
        await next_frame(alice, skip=frozenset({"rooms.presence_changed", "rooms.message_posted"}))
        for _ in range(2)
    ]
    assert frames[0] == {"type": "ack", "request_id": "s1", "payload": {}}
    assert frames[1]["type"] == "rooms.room_synced"
    assert [m["seq"] for m in frames[1]["payload"]["messages"]] == [2]
    await alice.disconnect()


async def test_malformed_json_gets_an_error_and_the_socket_stays_usable(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)
    await _send(alice, "Accepté", "r1")
    assert await _posted(alice) == (1, "Accepté")

    await alice.send_to(text_data='{"type": "rooms.send_message", "payload": {"text": "oups"')

    error = await next_frame(alice)
    assert error["type"] == "error"
    assert error["payload"]["code"] == "bad_json"
    assert await _send(alice, "Toujours là", "r2") == 2
    assert await _stored(room) == [(1, "Accepté"), (2, "Toujours là")]
    await alice.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ('["rooms.send_message"]', "bad_envelope"),
        ('{"type": "rooms.send_message", "payload": "text"}', "bad_envelope"),
        ('{"type": "rooms.send_message", "request_id": 7}', "bad_envelope"),
        ('{"type": "rooms.send_message", "payload": {"text": 12}}', "invalid"),
        ('{"type": "rooms.delete_message", "payload": {"seq": "1"}}', "invalid"),
        ('{"type": "rooms.send_message", "payload": {"text": "  "}}', "invalid"),
    ],
)
async def test_bad_frames_get_precise_errors(frame, code, room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_to(text_data=frame)

    error = await next_frame(alice)
    assert (error["type"], error["payload"]["code"]) == ("error", code)
    assert await _stored(room) == []
    await alice.disconnect()


async def test_unknown_type_gets_an_error_with_its_request_id(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_json_to(command("rooms.dance", "r9"))

    error = await next_frame(alice)
    assert (error["type"], error["request_id"], error["payload"]["code"]) == (
        "error",
        "r9",
        "unknown_type",
    )
    assert await _send(alice, "Encore là", "r10") == 1
    await alice.disconnect()


async def test_oversized_frame_is_refused_without_closing(room, member, settings):
    settings.ROOM_MAX_FRAME_BYTES = 1024
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_json_to(command("rooms.send_message", "big", text="x" * 1100))

    error = await next_frame(alice)
    assert (error["type"], error["payload"]["code"]) == ("error", "frame_too_large")
    assert await _stored(room) == []
    assert await _send(alice, "Court", "r2") == 1
    await alice.disconnect()


async def test_flood_is_rate_limited_then_closed_with_4429(room, member, other_member, settings):
    settings.ROOM_RATE_LIMIT = "3/86400"  # 3 commands a day: the window never turns during the test
    alice, _ = await connect(room_path(room.pk), user=member)
    bob, _ = await connect(room_path(room.pk), user=other_member)
    for n in range(1, 4):
        assert await _send(alice, f"Message {n}", f"r{n}") == n

    await alice.send_json_to(command("rooms.send_message", "r4", text="Trop"))
    limited = await next_frame(
        alice, skip=frozenset({"rooms.presence_changed", "rooms.message_posted"})
    )
    for n in range(5, 17):  # the 16th command is five times the allowance
        await alice.send_json_to(command("rooms.send_message", f"r{n}", text="Trop"))

    assert (limited["type"], limited["request_id"], limited["payload"]["code"]) == (
        "error",
        "r4",
        "rate_limited",
    )
    seen = await expect_close(alice, 4429)
    assert set(seen) <= {"error", "rooms.message_posted", "rooms.presence_changed"}
    assert seen.count("error") == 11  # r5 … r15; r16 closes the socket
    assert await _stored(room) == [(1, "Message 1"), (2, "Message 2"), (3, "Message 3")]
    assert [await _posted(bob) for _ in range(3)] == [
        (1, "Message 1"),
        (2, "Message 2"),
        (3, "Message 3"),
    ]
    assert await _send(bob, "Bob n'est pas limité", "b1") == 4
    await bob.disconnect()


async def test_deleted_message_disappears_for_everyone_live(room, member, facilitator):
    alice, _ = await connect(room_path(room.pk), user=member)
    fatou, _ = await connect(room_path(room.pk), user=facilitator)
    await _send(alice, "À retirer", "r1")
    assert await _posted(alice) == (1, "À retirer")
    assert await _posted(fatou) == (1, "À retirer")

    await fatou.send_json_to(command("rooms.delete_message", "d1", seq=1))

    expected = {"type": "rooms.message_deleted", "payload": {"room_id": room.pk, "seq": 1}}
    ack = await next_frame(fatou)
    assert ack == {"type": "ack", "request_id": "d1", "payload": {"seq": 1}}
    assert await next_frame(fatou) == expected
    assert await next_frame(alice) == expected
    _, snapshot = await connect(room_path(room.pk), user=member)
    assert snapshot["payload"]["messages"][0]["text"] == ""
    await alice.disconnect()
    await fatou.disconnect()


async def test_member_cannot_delete(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)
    await _send(alice, "Le mien", "r1")

    await alice.send_json_to(command("rooms.delete_message", "d1", seq=1))

    error = await next_frame(
        alice, skip=frozenset({"rooms.presence_changed", "rooms.message_posted"})
    )
    assert (error["type"], error["payload"]["code"]) == ("error", "forbidden")
    await alice.disconnect()


async def test_removed_participant_is_closed_with_4410_and_cannot_come_back(
    room, member, facilitator
):
    alice, _ = await connect(room_path(room.pk), user=member)
    alice_tab, _ = await connect(room_path(room.pk), user=member)
    fatou, _ = await connect(room_path(room.pk), user=facilitator)

    await fatou.send_json_to(command("rooms.remove_participant", "x1", user_id=member.pk))

    await expect_close(alice, 4410)
    await expect_close(alice_tab, 4410)
    assert (await next_frame(fatou))["type"] == "ack"
    removed = await next_frame(fatou)
    assert removed == {
        "type": "rooms.participant_removed",
        "payload": {"room_id": room.pk, "user_id": member.pk},
    }
    again = ws_communicator(room_path(room.pk), user=member)
    await again.connect()
    await expect_close(again, 4403)
    await fatou.disconnect()


async def test_revoked_role_closes_open_sockets_with_4403(room, member, other_member):
    alice, _ = await connect(room_path(room.pk), user=member)
    bob, _ = await connect(room_path(room.pk), user=other_member)

    await database_sync_to_async(role_revoke)(actor=None, council=room.council, user=member)

    await expect_close(alice, 4403)
    await expect_silence(bob)  # another person's role change is not Bob's business
    await bob.disconnect()


async def test_a_role_change_that_keeps_access_updates_capabilities(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await database_sync_to_async(role_grant)(
        actor=None, council=room.council, user=member, role="facilitator"
    )

    frame = await next_frame(alice)
    assert frame == {
        "type": "rooms.capabilities_changed",
        "payload": {
            "room_id": room.pk,
            "capabilities": {
                "send_message": True,
                "raise_hand": True,
                "moderate_room": True,
                "publish_media": True,
                "moderate_media": True,
            },
        },
    }
    await alice.disconnect()


async def test_muted_participant_is_told_and_cannot_send(room, member, facilitator):
    alice, _ = await connect(room_path(room.pk), user=member)
    fatou, _ = await connect(room_path(room.pk), user=facilitator)

    await fatou.send_json_to(command("rooms.mute_participant", "m1", user_id=member.pk, muted=True))

    muted = {
        "type": "rooms.participant_muted",
        "payload": {"room_id": room.pk, "user_id": member.pk, "muted": True},
    }
    assert await next_frame(alice) == muted
    assert await next_frame(alice) == {
        "type": "rooms.capabilities_changed",
        "payload": {
            "room_id": room.pk,
            "capabilities": {
                "send_message": False,
                "raise_hand": True,
                "moderate_room": False,
                "publish_media": True,  # muted in the chat, not on camera
                "moderate_media": False,
            },
        },
    }
    await alice.send_json_to(command("rooms.send_message", "r1", text="Je proteste"))
    error = await next_frame(alice)
    assert (error["type"], error["request_id"], error["payload"]["code"]) == (
        "error",
        "r1",
        "forbidden",
    )
    assert await _stored(room) == []
    await alice.disconnect()
    await fatou.disconnect()


async def test_hands_queue_is_shared_live(room, member, other_member, facilitator):
    alice, _ = await connect(room_path(room.pk), user=member)
    fatou, _ = await connect(room_path(room.pk), user=facilitator)

    await alice.send_json_to(command("rooms.raise_hand", "h1"))

    assert await next_frame(alice) == {"type": "ack", "request_id": "h1", "payload": {}}
    changed = await next_frame(fatou)
    assert changed["type"] == "rooms.hands_changed"
    assert [h["user_id"] for h in changed["payload"]["queue"]] == [member.pk]

    raised = await next_frame(alice)
    assert (raised["type"], raised["payload"]["queue"]) == (
        "rooms.hands_changed",
        changed["payload"]["queue"],
    )

    await fatou.send_json_to(command("rooms.clear_hands", "c1"))

    cleared = await next_frame(alice)
    assert (cleared["type"], cleared["payload"]) == (
        "rooms.hands_changed",
        {"room_id": room.pk, "queue": []},
    )
    await alice.disconnect()
    await fatou.disconnect()


async def test_locked_room_keeps_new_members_out(room, member, other_member, facilitator):
    fatou, _ = await connect(room_path(room.pk), user=facilitator)
    alice, _ = await connect(room_path(room.pk), user=member)

    await fatou.send_json_to(command("rooms.lock_room", "l1", locked=True))

    updated = await next_frame(alice)
    assert (updated["type"], updated["payload"]["locked"]) == ("rooms.room_updated", True)
    assert (await next_frame(alice))["type"] == "rooms.capabilities_changed"
    late = ws_communicator(room_path(room.pk), user=other_member)
    await late.connect()
    await expect_close(late, 4403)
    assert await _send(alice, "Déjà dedans", "r1") == 1  # those inside go on
    await alice.disconnect()
    await fatou.disconnect()


async def test_a_room_kept_for_a_group_closes_the_sockets_of_the_others(room, member, facilitator):
    from council.groups.models import NeighbourhoodGroup
    from council.rooms.services import room_update

    alice, _ = await connect(room_path(room.pk), user=member)
    fatou, _ = await connect(room_path(room.pk), user=facilitator)
    seniors = await database_sync_to_async(NeighbourhoodGroup.objects.create)(council=room.council, name="Aînés")

    await database_sync_to_async(room_update)(
        actor=facilitator, room_id=room.pk, name=room.name, eligible_group_ids=[seniors.pk]
    )

    assert "rooms.room_updated" in await expect_close(alice, 4403)
    updated = await next_frame(fatou, skip=frozenset({"rooms.presence_changed"}))
    assert (updated["type"], updated["payload"]["name"]) == ("rooms.room_updated", room.name)
    await fatou.disconnect()
