"""Broadcast events to channel-layer groups, only once the data behind them is committed."""

import json
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def envelope(event_type: str, payload: Mapping[str, Any], request_id: str | None = None) -> str:
    """Return the JSON text of one frame in the envelope every WebSocket frame uses."""
    frame: dict[str, Any] = {"type": event_type, "payload": payload}
    if request_id is not None:
        frame["request_id"] = request_id
    return json.dumps(frame, separators=(",", ":"), default=str)


def group_message(event_type: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Build a channel-layer message carrying the frame already serialised.

    The frame is encoded once here instead of once per receiving consumer, which
    is the cost that multiplies by the number of clients.
    """
    return {"type": event_type, "frame": envelope(event_type, payload), "payload": dict(payload)}


def send_event_on_commit(group: str, event_type: str, payload: Mapping[str, Any]) -> None:
    """Broadcast an event to `group` once the surrounding transaction commits.

    A rolled-back write never reaches a browser. Call from sync code (services, tasks).
    """
    message = group_message(event_type, payload)
    json.dumps(message)  # fail here, not on commit, if the payload is not serialisable
    transaction.on_commit(lambda: _broadcast(group, message))


def send_state_on_commit(group: str, event_type: str, build: Callable[[], Mapping[str, Any]]) -> None:
    """Broadcast a whole state, built after commit: what was committed, built once.

    For events that carry an object's whole state (a workshop session): however many
    writes of one transaction announce it, one event leaves, with the state as committed.
    A rolled-back transaction drops it with its other on-commit callbacks.
    """
    key = (group, event_type)
    connection = transaction.get_connection()
    open_savepoints = set(connection.savepoint_ids)
    if any(
        getattr(callback, "state_key", None) == key and savepoints <= open_savepoints
        for savepoints, callback, _robust in connection.run_on_commit
    ):
        return  # one is already waiting for this transaction's commit

    transaction.on_commit(_StateBroadcast(key, build))


@dataclass(frozen=True)
class _StateBroadcast:
    """The on-commit callback of send_state_on_commit, known by its (group, event type)."""

    state_key: tuple[str, str]
    build: Callable[[], Mapping[str, Any]]

    def __call__(self) -> None:
        group, event_type = self.state_key
        _broadcast(group, group_message(event_type, self.build()))


def _broadcast(group: str, message: dict[str, Any]) -> None:
    async_to_sync(get_channel_layer().group_send)(group, message)
