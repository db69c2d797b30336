"""Every frame a consumer sends is checked against docs/asyncapi.yaml while the tests run.

Each frame is validated, with JSON Schema Draft 2020-12, against the payload schema of the
message of its `type`; an ack against the ack message of the receive operation of the
command it answers (`CouncilConsumer.answering`, set by `send_ack`). Frames are caught in
two ways, both at `CouncilConsumer.send`, which every frame goes through (acks, errors,
events, and group events relayed pre-serialised by `forward`):

* in this process, `watch_frames` wraps it; `tests/conftest.py` fails the test that sent
  a frame that does not validate, with the path and the message;
* in server processes (end-to-end and browser tests), `settings.FRAME_LOG` names a file the
  server appends every frame to; the fixture that started the server reads it with
  `logged_violations` once the server has stopped, and fails the test.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing import Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "asyncapi.yaml"
BASE_URI = "urn:council:asyncapi"


def _follow(document: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s until a plain object is reached."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@dataclass(frozen=True)
class FrameSchemas:
    """Validators by event type, and by command type for the acks that answer them."""

    events: dict[str, Draft202012Validator]
    acks: dict[str, Draft202012Validator]

    def errors(self, text: str, *, acked: str | None = None) -> list[str]:
        """What is wrong with one frame the server sent (empty when it follows the document)."""
        frame = json.loads(text)
        frame_type = frame.get("type") if isinstance(frame, dict) else None
        if frame_type == "ack":
            if acked is None:
                return ["an ack that answers no known command (acks go through send_ack)"]
            validator = self.acks.get(acked)
            label = f"ack of {acked}"
            if validator is None:
                return [f"{label}: the command has no receive operation with an ack reply"]
        else:
            validator = self.events.get(str(frame_type))
            label = str(frame_type)
            if validator is None:
                return [f"{label}: no message of this type is sent in docs/asyncapi.yaml"]
        return [
            f"{label}: {_describe(error)}"
            for error in sorted(validator.iter_errors(frame), key=lambda e: list(map(str, e.absolute_path)))
        ]


def _describe(error: ValidationError) -> str:
    """Where and what; for a oneOf that nothing matched, the closest branch's own complaint."""
    text = f"at {_path(error)}: {error.message}"
    if error.context:
        # the deepest complaint, and one about content rather than type (a null branch)
        closest = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        text += f" (closest: at {_path(closest)}: {closest.message})"
    return text


def _path(error: ValidationError) -> str:
    return "/" + "/".join(str(part) for part in error.absolute_path)


def _validator(registry: Registry, message: dict[str, Any]) -> Draft202012Validator:
    payload = message["payload"]
    assert set(payload) == {"$ref"}, f"message {message['name']}: its payload is a $ref to a schema"
    schema = {"$ref": BASE_URI + payload["$ref"]}
    return Draft202012Validator(schema, registry=registry)


@functools.cache
def frame_schemas(path: Path = DOCUMENT) -> FrameSchemas:
    """Read the document once and build a validator for each frame the server sends."""
    return schemas_of(yaml.safe_load(path.read_text(encoding="utf-8")))


def _merged(base: Any, extra: Any) -> Any:
    """`base` with `extra` laid over it: mappings merge key by key, anything else is replaced."""
    if not (isinstance(base, dict) and isinstance(extra, dict)):
        return extra
    return {**base, **{key: _merged(base.get(key), value) for key, value in extra.items()}}


def document_also(monkeypatch: Any, fragment: Path) -> None:
    """Check frames, for this test, against docs/asyncapi.yaml with `fragment` laid over it.

    A module registered only in tests (tests/host_example) documents its frames in a
    fragment of the document, as a real module documents them in docs/asyncapi.yaml.
    """
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    extended = schemas_of(_merged(document, yaml.safe_load(fragment.read_text(encoding="utf-8"))))
    monkeypatch.setitem(_extended, "schemas", extended)


#: the schemas frames are checked against when a test extends the document (else the document's)
_extended: dict[str, FrameSchemas] = {}


def schemas_of(document: dict[str, Any]) -> FrameSchemas:
    """A validator for each frame the server sends, as `document` describes them."""
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource(BASE_URI, resource)
    events: dict[str, Draft202012Validator] = {}
    acks: dict[str, Draft202012Validator] = {}
    for operation in document["operations"].values():
        messages = [_follow(document, m) for m in operation.get("messages", [])]
        if operation["action"] == "send":
            for message in messages:
                if message["name"] != "ack":
                    events[message["name"]] = _validator(registry, message)
            continue
        replies = [_follow(document, m) for m in operation["reply"]["messages"]]
        for reply in replies:
            if reply["name"] == "error":
                events["error"] = _validator(registry, reply)
        (ack,) = [reply for reply in replies if reply["name"] == "ack"]
        for message in messages:
            acks[message["name"]] = _validator(registry, ack)
    return FrameSchemas(events=events, acks=acks)


def current_schemas() -> FrameSchemas:
    """The document's schemas, or those a test extended it with (`document_also`)."""
    return _extended.get("schemas") or frame_schemas()


def watch_frames(monkeypatch: Any) -> list[str]:
    """Validate every frame consumers send from now on; return the list the violations go to."""
    from council.core.consumers import CouncilConsumer

    violations: list[str] = []
    send = CouncilConsumer.send

    async def checked_send(self: Any, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False) -> None:
        if text_data is not None:
            violations.extend(current_schemas().errors(text_data, acked=self.answering))
        await send(self, text_data=text_data, bytes_data=bytes_data, close=close)

    monkeypatch.setattr(CouncilConsumer, "send", checked_send)
    return violations


def logged_violations(path: Path) -> list[str]:
    """What is wrong with the frames a server process wrote to its FRAME_LOG (none: no file).

    Each distinct frame is validated once: a room sends the same presence or signalling
    frame many times, and the suite has a time budget.
    """
    if not path.exists():
        return []
    schemas = current_schemas()
    violations: list[str] = []
    for line in dict.fromkeys(path.read_text(encoding="utf-8").splitlines()):
        entry = json.loads(line)
        violations.extend(schemas.errors(entry["frame"], acked=entry["acked"]))
    return violations


def violations_text(violations: list[str]) -> str:
    unique = list(dict.fromkeys(violations))
    return "frames that do not follow docs/asyncapi.yaml:\n  " + "\n  ".join(unique)
