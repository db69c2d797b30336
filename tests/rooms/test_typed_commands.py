"""Every command's payload is validated once, by its typed schema, before anything runs."""

import pytest
from channels.db import database_sync_to_async

from council.core.commands import Payload
from council.rooms import host
from council.rooms.models import ChatMute
from council.rooms.models import Room
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)

NBSP = "\u00a0"


@database_sync_to_async
def _state(room, member):
    return Room.objects.get(pk=room.pk).is_locked, ChatMute.objects.filter(room=room, user=member).exists()


@pytest.mark.parametrize(
    ("type_", "payload", "message"),
    [
        ("rooms.lock_room", {"locked": "false"}, "“locked” must be true or false."),
        ("rooms.mute_participant", {"user_id": "MEMBER", "muted": "no"}, "“muted” must be true or false."),
        ("rooms.mute_participant", {"user_id": "MEMBER", "mutted": False}, "“mutted” is not expected here."),
        ("rooms.remove_participant", {}, "“user_id” is missing."),
    ],
)
async def test_a_bad_payload_is_one_invalid_error_naming_the_field_and_changes_nothing(
    type_, payload, message, room, user_with_role
):
    make = database_sync_to_async(user_with_role)
    facilitator = await make("facilitator", room.council, preferred_language="en")
    member = await make("member", room.council)
    payload = {key: member.pk if value == "MEMBER" else value for key, value in payload.items()}
    socket, _ = await connect(room_path(room.pk), user=facilitator)

    await socket.send_json_to(command(type_, "bad", **payload))

    assert await answer_to(socket, "bad") == {
        "type": "error",
        "request_id": "bad",
        "payload": {"code": "invalid", "message": message},
    }
    assert await _state(room, member) == (False, False)
    await socket.disconnect()


async def test_the_field_is_named_in_the_persons_language(room, user_with_role):
    person = await database_sync_to_async(user_with_role)("member", room.council, preferred_language="fr")
    socket, _ = await connect(room_path(room.pk), user=person)

    await socket.send_json_to(command("rooms.send_message", "m1", text=["Bonjour"]))

    error = await answer_to(socket, "m1")
    assert error["payload"] == {"code": "invalid", "message": f"«{NBSP}text{NBSP}» doit être un texte."}
    await socket.disconnect()


def test_every_registered_command_has_a_strict_schema_that_refuses_unknown_keys():
    assert len(host.command_types()) >= 40
    for type_ in host.command_types():
        schema = host.command_spec(type_).schema
        assert issubclass(schema, Payload), type_
        assert (schema.model_config["strict"], schema.model_config["extra"]) == (True, "forbid"), type_
