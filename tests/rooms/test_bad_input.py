"""Input that used to crash the room socket (close 1011) gets an error frame; the socket goes on.

Each case was seen in the field: the client re-sends unacknowledged commands after a
reconnect, so one such frame crashed the socket again and again.
"""

import json
from dataclasses import replace

import pytest
from channels.db import database_sync_to_async

from council.core import ratelimit
from council.rooms import host
from council.rooms.models import Message
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(room, user_with_role):
    return user_with_role("member", room.council, display_name="Marc Membre")


@database_sync_to_async
def _stored(room):
    return list(Message.objects.filter(room=room).values_list("seq", "text"))


async def _still_usable(communicator, room) -> None:
    """A normal message on the same socket is acked and stored."""
    await communicator.send_json_to(command("rooms.send_message", "ok1", text="Toujours là"))
    ack = await answer_to(communicator, "ok1")
    assert ack == {"type": "ack", "request_id": "ok1", "payload": {"seq": 1, "duplicate": False}}
    assert await _stored(room) == [(1, "Toujours là")]


async def _error(communicator) -> tuple[str, str]:
    frame = await next_frame(communicator)
    assert frame["type"] == "error", frame
    return frame["request_id"], frame["payload"]["code"]


async def test_deeply_nested_json_is_bad_json(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_to(text_data="[" * 20_000 + "]" * 20_000)

    assert await _error(alice) == ("", "bad_json")
    await _still_usable(alice, room)
    await alice.disconnect()


async def test_nul_in_chat_text_is_refused_with_its_request_id(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_json_to(command("rooms.send_message", "r1", text="a\x00b"))

    assert await _error(alice) == ("r1", "bad_frame")
    await _still_usable(alice, room)
    await alice.disconnect()


async def test_nul_in_request_id_is_refused(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_json_to(command("rooms.send_message", "r\x001", text="Bonjour"))

    assert await _error(alice) == ("", "bad_frame")
    await _still_usable(alice, room)
    await alice.disconnect()


async def test_nul_in_a_key_is_refused(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_to(text_data=json.dumps(command("rooms.send_message", "r1", **{"te\x00xt": "x"})))

    assert await _error(alice) == ("r1", "bad_frame")
    await _still_usable(alice, room)
    await alice.disconnect()


async def test_escaped_lone_surrogate_in_chat_text_is_refused(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_to(
        text_data='{"type": "rooms.send_message", "request_id": "r1", "payload": {"text": "a\\ud800b"}}'
    )

    assert await _error(alice) == ("r1", "bad_frame")
    await _still_usable(alice, room)
    await alice.disconnect()


async def test_raw_lone_surrogate_does_not_break_the_size_check(room, member):
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_to(
        text_data='{"type": "rooms.send_message", "request_id": "r1", "payload": {"text": "a\ud800b"}}'
    )

    assert await _error(alice) == ("r1", "bad_frame")
    await _still_usable(alice, room)
    await alice.disconnect()


async def test_an_unexpected_failure_is_an_internal_error_and_is_logged(room, member, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("a bug in a service")

    registered = host.command_spec("rooms.raise_hand")
    monkeypatch.setitem(host._commands, "rooms.raise_hand", replace(registered, handler=host.service_handler(broken)))
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_json_to(command("rooms.raise_hand", "h1"))

    frame = await answer_to(alice, "h1")
    assert frame == {
        "type": "error",
        "request_id": "h1",
        "payload": {"code": "internal", "message": "Le serveur n’a pas pu exécuter cette commande."},  # noqa: RUF001
    }
    failures = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert [r.getMessage() for r in failures] == ["command rooms.raise_hand failed"]
    await _still_usable(alice, room)
    await alice.disconnect()


async def test_a_failing_rate_limiter_is_an_internal_error(room, member, monkeypatch):
    alice, _ = await connect(room_path(room.pk), user=member)

    def cache_is_down(key, rate):
        raise ConnectionError("the cache went away")

    with monkeypatch.context() as patched:
        patched.setattr(ratelimit, "hit", cache_is_down)
        await alice.send_json_to(command("rooms.send_message", "r1", text="Bonjour"))
        frame = await answer_to(alice, "r1")

    assert (frame["type"], frame["payload"]["code"]) == ("error", "internal")
    await _still_usable(alice, room)
    await alice.disconnect()
