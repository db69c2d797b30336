"""Every message a socket sends is told in words, in the person's language.

Refusals used to carry the permission's name ("rooms.send_message") and protocol errors
were English only, whatever the person's language.
"""

import re
from dataclasses import replace

import pytest
import rules
from channels.db import database_sync_to_async

from council.core.refusals import registered_refusals
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)

NBSP = "\u00a0"
PERMISSION_NAME = re.compile(r"\b(rooms|workshops|groups|councils|accounts)\.[a-z_]+\b")


@pytest.fixture(params=["fr", "en"])
def language(request) -> str:
    return request.param


async def _person(user_with_role, role, room, language):
    return await database_sync_to_async(user_with_role)(role, room.council, preferred_language=language)


async def _error_message(communicator, request_id: str = "") -> str:
    frame = await (answer_to(communicator, request_id) if request_id else next_frame(communicator))
    assert frame["type"] == "error", frame
    message = frame["payload"]["message"]
    assert not PERMISSION_NAME.search(message), message
    return message


PROTOCOL_ERRORS = {
    "binary": (
        {"bytes_data": b"\x00"},
        "Les trames binaires ne sont pas acceptées.",
        "Binary frames are not accepted.",
    ),
    "bad_json": (
        {"text_data": "{nope"},
        "La trame n’est pas du JSON valide.",  # noqa: RUF001
        "The frame is not valid JSON.",
    ),
    "not_an_object": (
        {"text_data": "[1]"},
        f"Une trame est un objet dont le champ «{NBSP}type{NBSP}» est une chaîne.",
        "A frame is an object with a string “type”.",
    ),
    "request_id": (
        {"text_data": '{"type": "rooms.sync", "request_id": 7}'},
        f"«{NBSP}request_id{NBSP}» est une chaîne de 1 à 64 caractères.",
        "“request_id” is a string of 1 to 64 characters.",
    ),
    "payload": (
        {"text_data": '{"type": "rooms.sync", "payload": []}'},
        f"«{NBSP}payload{NBSP}» est un objet.",
        "“payload” is an object.",
    ),
    "nul": (
        {"text_data": '{"type": "rooms.send_message", "payload": {"text": "a\\u0000b"}}'},
        "Le texte ne peut contenir ni le caractère U+0000 ni un demi-code UTF-16 isolé.",
        "Text may not hold the character U+0000 or a lone surrogate.",
    ),
    "unknown": (
        {"text_data": '{"type": "rooms.dance"}'},
        f"Commande inconnue{NBSP}: «{NBSP}rooms.dance{NBSP}».",
        "Unknown command “rooms.dance”.",
    ),
}


@pytest.mark.parametrize("case", sorted(PROTOCOL_ERRORS))
async def test_protocol_errors_are_in_the_persons_language(case, language, room, user_with_role):
    frame, french, english = PROTOCOL_ERRORS[case]
    member = await _person(user_with_role, "member", room, language)
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_to(**frame)

    frame = await next_frame(alice)
    assert frame["type"] == "error", frame
    assert frame["payload"]["message"] == {"fr": french, "en": english}[language]
    await alice.disconnect()


async def test_frame_limit_is_told_in_words(language, room, user_with_role, settings):
    settings.ROOM_MAX_FRAME_BYTES = 100
    member = await _person(user_with_role, "member", room, language)
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_json_to(command("rooms.send_message", "r1", text="x" * 200))

    assert await _error_message(alice) == {
        "fr": "Une trame ne peut pas dépasser 100 octets.",
        "en": "Frames are limited to 100 bytes.",
    }[language]
    await alice.disconnect()


async def test_flooding_is_told_in_words(language, room, user_with_role, settings):
    settings.ROOM_RATE_LIMIT = "1/86400"
    member = await _person(user_with_role, "member", room, language)
    alice, _ = await connect(room_path(room.pk), user=member)
    await alice.send_json_to(command("rooms.sync", "s1"))
    await answer_to(alice, "s1")

    await alice.send_json_to(command("rooms.sync", "s2"))

    assert await _error_message(alice, "s2") == {
        "fr": f"Ralentissez{NBSP}: au plus 1 commande en 86400 s.",
        "en": "Slow down: at most 1 command every 86400 s.",
    }[language]
    await alice.disconnect()


async def test_an_internal_failure_is_told_in_words(language, room, user_with_role, monkeypatch):
    from council.rooms import host

    def broken(**kwargs):
        raise RuntimeError("a bug")

    # the host holds the service it was registered with: a broken one is registered in its place
    spec = host.command_spec("rooms.raise_hand")
    monkeypatch.setitem(host._commands, spec.name, replace(spec, handler=host.service_handler(broken)))
    member = await _person(user_with_role, "member", room, language)
    alice, _ = await connect(room_path(room.pk), user=member)

    await alice.send_json_to(command("rooms.raise_hand", "h1"))

    assert await _error_message(alice, "h1") == {
        "fr": "Le serveur n’a pas pu exécuter cette commande.",  # noqa: RUF001
        "en": "The server could not carry out this command.",
    }[language]
    await alice.disconnect()


REFUSALS = {
    "resident writes": (
        "resident",
        command("rooms.send_message", "x", text="Bonjour"),
        "Vous ne pouvez pas écrire dans cette discussion.",
        "You cannot write in this discussion.",
    ),
    "member locks": (
        "member",
        command("rooms.lock_room", "x", locked=True),
        "Seule l’équipe d’animation peut verrouiller ou déverrouiller la salle.",  # noqa: RUF001
        "Only the facilitation team can lock or unlock the room.",
    ),
    "member mutes": (
        "member",
        command("rooms.mute_participant", "x", user_id=1, muted=True),
        "Seule l’équipe d’animation peut retirer la parole à quelqu’un.",  # noqa: RUF001
        "Only the facilitation team can mute someone.",
    ),
    "member edits the agenda": (
        "member",
        command("workshops.agenda_add", "x", title="Budget", planned_minutes=5),
        "Seule l’équipe d’animation peut modifier l’ordre du jour.",  # noqa: RUF001
        "Only the facilitation team can change the agenda.",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
async def test_refusals_say_what_is_refused_in_words(case, language, room, user_with_role):
    role, frame, french, english = REFUSALS[case]
    person = await _person(user_with_role, role, room, language)
    alice, _ = await connect(room_path(room.pk), user=person)

    await alice.send_json_to(frame)

    answer = await answer_to(alice, "x")
    assert answer["payload"]["code"] == "forbidden"
    assert answer["payload"]["message"] == {"fr": french, "en": english}[language]
    await alice.disconnect()


def test_every_action_rule_has_a_sentence():
    ours = {name for name in rules.permissions.permissions if name.split(".")[0] in {"rooms", "workshops", "groups", "councils"}}

    assert sorted(ours - set(registered_refusals())) == []
