"""The frame check of tests/protocol.py: what it accepts, what it refuses, and that it is precise.

Every test of the suite runs with it (tests/conftest.py): a frame a consumer sends that does
not follow docs/asyncapi.yaml fails the test that sent it.
"""

import json

import pytest
import yaml

from council.core import consumers
from council.core.consumers import Command
from council.core.consumers import CouncilConsumer
from tests.protocol import DOCUMENT
from tests.protocol import frame_schemas
from tests.protocol import logged_violations
from tests.protocol import watch_frames


def frame(frame_type: str, payload, request_id: str | None = None) -> str:
    content = {"type": frame_type, "payload": payload}
    if request_id is not None:
        content["request_id"] = request_id
    return json.dumps(content)


def test_an_event_that_follows_its_schema_passes():
    assert frame_schemas().errors(frame("rooms.message_deleted", {"room_id": 1, "seq": 4})) == []


def test_an_event_with_a_missing_or_unknown_field_fails_with_the_path():
    errors = frame_schemas().errors(frame("rooms.message_deleted", {"room_id": 1, "sequence": 4}))

    assert errors == [
        "rooms.message_deleted: at /payload: 'seq' is a required property",
        "rooms.message_deleted: at /payload: Additional properties are not allowed ('sequence' was unexpected)",
    ]


def test_a_nested_oneof_names_the_closest_branch():
    speakers = {"room_id": 1, "current": {"user_id": 3}, "totals": [], "server_now": "2026-12-02T20:00:00+00:00"}

    (error,) = frame_schemas().errors(frame("workshops.speakers_changed", speakers))

    assert error.startswith("workshops.speakers_changed: at /payload/current: {'user_id': 3} is not valid under any of")
    assert error.endswith("(closest: at /payload/current: 'name' is a required property)")


def test_an_undocumented_frame_type_fails():
    assert frame_schemas().errors(frame("rooms.thing_done", {})) == [
        "rooms.thing_done: no message of this type is sent in docs/asyncapi.yaml"
    ]


def test_an_ack_is_checked_against_the_command_it_answers():
    schemas = frame_schemas()
    send_message_ack = frame("ack", {"seq": 7, "duplicate": False}, "r1")

    assert schemas.errors(send_message_ack, acked="rooms.send_message") == []
    assert schemas.errors(frame("ack", {"seq": 7}, "r1"), acked="rooms.send_message") == [
        "ack of rooms.send_message: at /payload: 'duplicate' is a required property"
    ]
    # the same payload answering a command whose ack is empty
    assert schemas.errors(send_message_ack, acked="rooms.raise_hand") == [
        "ack of rooms.raise_hand: at /payload: Additional properties are not allowed "
        "('duplicate', 'seq' were unexpected)"
    ]
    assert schemas.errors(frame("ack", {}, ""), acked=None) == [
        "an ack that answers no known command (acks go through send_ack)"
    ]


def test_every_command_has_its_ack_and_every_sent_event_its_schema():
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    commands = {m["name"] for m in document["components"]["messages"].values() if "Command" in m["payload"]["$ref"]}
    schemas = frame_schemas()

    assert set(schemas.acks) == commands
    assert {"error", "rooms.room_synced", "workshops.session_updated", "workshops.agenda_changed"} <= set(schemas.events)


def _objects(node, path="#"):
    """Every schema object in `node` that describes a JSON object, with its path."""
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{path}/{index}")


def test_what_the_server_sends_is_described_precisely():
    """No `{}` and no open object in a frame the server sends: each says what it holds."""
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    sent = sorted(_frames_on_the_socket(document))
    seen: set[str] = set()
    loose = []

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for path, schema in _objects(schemas[name], f"#/components/schemas/{name}"):
            if "additionalProperties" not in schema or not schema.get("properties", True):
                loose.append(path)
        for ref in _refs(schemas[name]):
            visit(ref.split("/")[3])

    for name in sent:
        visit(name)

    assert len(seen) > len(sent)  # the shared objects (Person, Workshop…) were visited too
    assert loose == []


def _frames_on_the_socket(document) -> set[str]:
    """Schema names of the frames a browser receives: the room channel's events, acks and errors.

    Events of the channel-layer groups (councils.role_changed…) never reach a browser as they are.
    """
    names = set()
    for operation in document["operations"].values():
        if operation["channel"]["$ref"] != "#/channels/room":
            continue
        refs = operation["messages"] if operation["action"] == "send" else operation["reply"]["messages"]
        for ref in refs:
            channel_key = ref["$ref"].split("/")[-1]
            message_key = document["channels"]["room"]["messages"][channel_key]["$ref"].split("/")[-1]
            names.add(document["components"]["messages"][message_key]["payload"]["$ref"].split("/")[-1])
    return names


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/components/schemas/"):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


class Recorder(CouncilConsumer):
    """A consumer whose frames go to a list instead of a socket."""

    def __init__(self) -> None:
        super().__init__()
        self.scope = {"user": None}  # nobody in particular: errors in the instance's language
        self.sent: list[str] = []


async def test_the_watch_records_what_a_consumer_sends_against_the_document():
    with pytest.MonkeyPatch.context() as patch:

        async def to_list(self, text_data=None, bytes_data=None, close=False):
            self.sent.append(text_data)

        patch.setattr(CouncilConsumer, "send", to_list)
        violations = watch_frames(patch)
        consumer = Recorder()

        await consumer.send_ack(Command("rooms.send_message", "r1", {}), {"seq": 3, "duplicate": False})
        await consumer.send_ack(Command("rooms.sync", None, {}), {"seq": 3})
        await consumer.send_event("workshops.time_up", {"session_id": "4"})
        await consumer.send_error("r2", "forbidden", "No.")

    assert violations == [
        "ack of rooms.sync: at /payload: Additional properties are not allowed ('seq' was unexpected)",
        "workshops.time_up: at /payload/session_id: '4' is not of type 'integer'",
    ]
    assert len(consumer.sent) == 4  # checked, and sent all the same


class Wire(CouncilConsumer):
    """A consumer whose real `send` runs down to a list standing for the socket."""

    def __init__(self) -> None:
        super().__init__()
        self.scope = {"user": None}
        self.wire: list[str] = []

        async def base_send(message):
            self.wire.append(message["text"])

        self.base_send = base_send


async def test_with_a_frame_log_every_frame_sent_is_written_with_the_command_an_ack_answers(tmp_path, settings):
    """What a server process of the end-to-end and browser tests writes for the check below."""
    settings.FRAME_LOG = str(tmp_path / "frames.jsonl")
    consumer = Wire()

    await consumer.send_ack(Command("rooms.send_message", "r1", {}), {"seq": 3, "duplicate": False})
    await consumer.send_event("rooms.message_deleted", {"room_id": 1, "seq": 3})
    await consumer.send_error("r2", "forbidden", "No.")
    consumers._frame_log(settings.FRAME_LOG).close()
    consumers._frame_log.cache_clear()

    logged = [json.loads(line) for line in (tmp_path / "frames.jsonl").read_text().splitlines()]
    assert logged == [
        {"frame": consumer.wire[0], "acked": "rooms.send_message"},
        {"frame": consumer.wire[1], "acked": None},
        {"frame": consumer.wire[2], "acked": None},
    ]
    assert logged_violations(tmp_path / "frames.jsonl") == []
    assert consumer.answering is None


def test_the_frame_log_check_fails_on_a_bad_frame_naming_its_type_and_path(tmp_path):
    """A server's frame that the document does not describe fails its end-to-end or browser test."""
    frame_log = tmp_path / "frames.jsonl"
    bad_event = frame("rooms.message_deleted", {"room_id": 1, "seq": "4"})
    entries = [
        {"frame": bad_event, "acked": None},
        {"frame": bad_event, "acked": None},  # the same frame again: reported once
        {"frame": frame("rooms.thing_done", {}), "acked": None},
        {"frame": frame("ack", {"seq": 7}, "r1"), "acked": "rooms.send_message"},
        {"frame": frame("ack", {}, "r2"), "acked": None},
        {"frame": frame("rooms.message_deleted", {"room_id": 1, "seq": 4}), "acked": None},
    ]
    frame_log.write_text("".join(json.dumps(entry) + "\n" for entry in entries))

    assert logged_violations(frame_log) == [
        "rooms.message_deleted: at /payload/seq: '4' is not of type 'integer'",
        "rooms.thing_done: no message of this type is sent in docs/asyncapi.yaml",
        "ack of rooms.send_message: at /payload: 'duplicate' is a required property",
        "an ack that answers no known command (acks go through send_ack)",
    ]
    assert logged_violations(tmp_path / "never-written.jsonl") == []
