"""docs/asyncapi.yaml stays true to the code: every event, command and error code is documented.

Event types, error codes and close codes are collected from the source with `ast`,
so adding an event (or an error code) without documenting it fails this test.
"""

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "council"
DOCUMENT = ROOT / "docs" / "asyncapi.yaml"

# Functions whose argument is the type of a frame a client may receive, and its position.
EVENT_SENDERS = {"send_event_on_commit": 1, "send_event": 0, "envelope": 0, "group_message": 0}
# Functions that put an error code into an error frame, and the code's position.
ERROR_SENDERS = {"send_error": 1}


# ---------------------------------------------------------------- reading the document


@pytest.fixture(scope="module")
def document() -> dict:
    return yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))


def resolve(document: dict, node):
    """Follow local `$ref`s (`#/a/b/c`) until a plain object is reached."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local references are used, not {ref}"
        assert ref not in seen, f"reference cycle at {ref}"
        seen.add(ref)
        node = document
        for part in ref[2:].split("/"):
            assert isinstance(node, dict), f"dangling reference {ref}"
            assert part in node, f"dangling reference {ref}"
            node = node[part]
    return node


def operation_message_names(document: dict, action: str) -> set[str]:
    """Names of the messages the application sends (`send`, plus replies) or receives."""
    names = set()
    for operation in document["operations"].values():
        refs = []
        if operation["action"] == action:
            refs += operation.get("messages", [])
        if action == "send" and "reply" in operation:
            refs += operation["reply"].get("messages", [])
        names |= {resolve(document, ref)["name"] for ref in refs}
    return names


def frame_type(document: dict, message: dict) -> str:
    payload = resolve(document, message["payload"])
    return resolve(document, payload["properties"]["type"])["const"]


def error_code_enum(document: dict) -> set[str]:
    error = resolve(document, document["components"]["messages"]["error"])
    frame = resolve(document, error["payload"])
    payload = resolve(document, frame["properties"]["payload"])
    return set(resolve(document, payload["properties"]["code"])["enum"])


# ---------------------------------------------------------------- reading the source


def python_files() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _string(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def event_constants(trees: dict[Path, ast.Module]) -> dict[str, set[str]]:
    """Module-level UPPER_CASE string constants of every `events.py`: the event names, by constant name.

    A set per name: two apps may name their own events alike (rooms' and consultation's
    CAPABILITIES_CHANGED), and neither may hide the other.
    """
    constants: dict[str, set[str]] = {}
    for path, tree in trees.items():
        if path.name != "events.py":
            continue
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and _string(statement.value) is not None:
                for target in statement.targets:
                    if isinstance(target, ast.Name) and target.id.isupper():
                        constants.setdefault(target.id, set()).add(statement.value.value)
    return constants


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _argument(call: ast.Call, position: int, keyword: str):
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    return call.args[position] if len(call.args) > position else None


def sent_event_types(trees: dict[Path, ast.Module]) -> set[str]:
    """Every frame type the server can send: events.py constants and literals given to senders.

    An argument naming an UPPER_CASE constant that is not an events.py constant fails,
    so an event cannot hide behind a constant defined somewhere else.
    """
    constants = event_constants(trees)
    types = set().union(*constants.values())
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _called_name(node) not in EVENT_SENDERS:
                continue
            argument = _argument(node, EVENT_SENDERS[_called_name(node)], "event_type")
            if argument is None:
                continue
            if _string(argument) is not None:
                types.add(argument.value)
                continue
            name = getattr(argument, "attr", getattr(argument, "id", None))
            if name is not None and name.isupper():
                assert name in constants, (
                    f"{path.relative_to(ROOT)}:{node.lineno}: event type {name} is not a "
                    "constant of an events.py module"
                )
    return types


def error_codes(trees: dict[Path, ast.Module]) -> set[str]:
    """`code="..."` keywords, `code = "..."` class attributes and codes given to send_error."""
    codes = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for item in node.keywords:
                    if item.arg == "code" and _string(item.value) is not None:
                        codes.add(item.value.value)
                if _called_name(node) in ERROR_SENDERS:
                    argument = _argument(node, ERROR_SENDERS[_called_name(node)], "code")
                    if _string(argument) is not None:
                        codes.add(argument.value)
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(
                            isinstance(t, ast.Name) and t.id == "code" for t in statement.targets
                        )
                        and _string(statement.value) is not None
                    ):
                        codes.add(statement.value.value)
    return codes


@pytest.fixture(scope="module")
def trees() -> dict[Path, ast.Module]:
    return {path: parse(path) for path in python_files()}


# ---------------------------------------------------------------- the checks


def test_document_is_asyncapi_3_with_the_room_channel(document):
    assert document["asyncapi"] == "3.0.0"
    room = document["channels"]["room"]
    assert room["address"] == "ws/rooms/room/{roomId}/"
    assert set(room["parameters"]) == {"roomId"}
    assert "since" in room["bindings"]["ws"]["query"]["properties"]
    assert document["components"]["securitySchemes"]["session"]["in"] == "cookie"
    assert "Origin" in document["info"]["description"]


def test_every_reference_resolves_and_every_message_names_its_frame_type(document):
    for channel in document["channels"].values():
        for message in channel["messages"].values():
            resolved = resolve(document, message)
            assert frame_type(document, resolved) == resolved["name"], resolved["name"]
    for key, operation in document["operations"].items():
        channel = resolve(document, operation["channel"])
        for ref in operation.get("messages", []):
            assert ref["$ref"].startswith("#/channels/"), key
            assert resolve(document, ref) in [
                resolve(document, m) for m in channel["messages"].values()
            ], f"operation {key} uses a message its channel does not carry"


def test_collectors_find_what_the_code_sends(trees):
    """The collectors are not vacuous: they see the events and codes known today."""
    types = sent_event_types(trees)
    assert {
        "ack",
        "error",
        "rooms.room_synced",
        "rooms.message_posted",
        "rooms.capabilities_changed",
        "councils.role_changed",
    } <= types
    assert {"bad_json", "frame_too_large", "rate_limited", "forbidden", "invalid"} <= error_codes(
        trees
    )


def test_an_undocumented_event_would_be_caught(document):
    """A new service broadcasting an event nobody documented makes the main check fail."""
    new_code = ast.parse(
        "def thing_do(*, actor):\n    send_event_on_commit(room_group(1), 'rooms.thing_done', {})\n"
    )
    found = sent_event_types({SOURCE / "rooms" / "new.py": new_code})
    assert found == {"rooms.thing_done"}
    assert found - operation_message_names(document, "send") == {"rooms.thing_done"}


def test_every_event_the_server_sends_is_documented(document, trees):
    undocumented = sent_event_types(trees) - operation_message_names(document, "send")
    assert not undocumented, f"document these events in docs/asyncapi.yaml: {sorted(undocumented)}"


def test_no_documented_event_is_stale(document, trees):
    stale = operation_message_names(document, "send") - sent_event_types(trees)
    assert not stale, f"docs/asyncapi.yaml documents events the code never sends: {sorted(stale)}"


def test_every_command_is_documented_and_answered_by_ack_or_error(document):
    from council.rooms import host

    commands = host.command_types()  # every module registers its commands with the host
    assert {"rooms.send_message", "rooms.rtc_publish", "workshops.open", "workshops.agenda_add"} <= commands
    assert operation_message_names(document, "receive") == commands

    for key, operation in document["operations"].items():
        if operation["action"] != "receive":
            continue
        replies = {resolve(document, m)["name"] for m in operation["reply"]["messages"]}
        assert replies == {"ack", "error"}, key


def test_every_error_code_is_listed(document, trees):
    codes = error_codes(trees)
    listed = error_code_enum(document)
    assert codes - listed == set(), (
        f"list these error codes in docs/asyncapi.yaml: {sorted(codes - listed)}"
    )
    assert listed - codes == set(), (
        f"the code never sends these error codes: {sorted(listed - codes)}"
    )


def test_every_close_code_is_described(document):
    from council.core import consumers

    close_codes = {value for name, value in vars(consumers).items() if name.startswith("CLOSE_")}
    assert close_codes == {4401, 4403, 4408, 4409, 4410, 4429}
    described = {
        int(code) for code in re.findall(r"^\| (\d{4}) \|", document["info"]["description"], re.M)
    }
    assert described == close_codes
