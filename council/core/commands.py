"""Typed payloads of socket commands: one schema per command, validated once at the edge.

A module registers each command with a `Payload` subclass (council/rooms/host.py); the base
consumer validates the frame's payload against it before any handler runs, so services take
typed values. Strict: "false" is not read as a boolean, 1 is not text, an unknown key is refused.
"""

from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import ValidationError

from council.core.errors import InvalidInput


class Payload(BaseModel):
    """The payload of one command; fields left out by the client are not passed on."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def arguments(self) -> dict[str, Any]:
        """The fields the client sent, as keyword arguments of a service.

        A field left out is not passed, whatever its default: the service's own default
        (or "unchanged") applies, so a default in a schema only gives the field its type.
        """
        return self.model_dump(exclude_unset=True)


class NoPayload(Payload):
    """A command that takes nothing."""


def _problem(kind: str, bounds: dict[str, Any]) -> str:
    """What was wrong with a field, in words (pydantic's error type -> a translated phrase).

    A bound the schema sets is told with its value: "at most 160 characters" says what to do.
    """
    if kind == "missing":
        return _("“%(field)s” is missing.")
    if kind == "extra_forbidden":
        return _("“%(field)s” is not expected here.")
    if kind == "string_too_long":
        return _("“%(field)s” is too long (at most %(max)s characters).") % {"field": "%(field)s", "max": bounds["max_length"]}
    if kind == "string_too_short":
        return _("“%(field)s” cannot be empty.")
    if kind == "too_long":
        return _("“%(field)s” has too many items (at most %(max)s).") % {"field": "%(field)s", "max": bounds["max_length"]}
    if kind == "greater_than_equal":
        return _("“%(field)s” must be at least %(min)s.") % {"field": "%(field)s", "min": bounds["ge"]}
    if kind == "less_than_equal":
        return _("“%(field)s” must be at most %(max)s.") % {"field": "%(field)s", "max": bounds["le"]}
    if kind.startswith("int") or kind.startswith("greater_than") or kind.startswith("less_than"):
        return _("“%(field)s” must be a whole number in range.")
    if kind.startswith("string"):
        return _("“%(field)s” must be text.")
    if kind.startswith("bool"):
        return _("“%(field)s” must be true or false.")
    if kind.startswith("list") or kind.startswith("too_"):
        return _("“%(field)s” must be a list of the right length.")
    if kind in ("literal_error", "enum"):
        return _("“%(field)s” is not one of the accepted values.")
    return _("“%(field)s” is not valid.")


def parse_payload(schema: type[Payload], payload: dict[str, Any]) -> Payload:
    """The payload as `schema`; raise InvalidInput naming the first field that is wrong."""
    try:
        return schema.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "payload"
        raise InvalidInput(_problem(first["type"], first.get("ctx", {})) % {"field": field}) from None
