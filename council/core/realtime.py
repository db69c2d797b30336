"""Broadcast events to channel-layer groups, only once the data behind them is committed."""

import json
import logging
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from council.core import process_cache

logger = logging.getLogger(__name__)

#: event type -> the process-cache tags it drops, from (group, payload) (council/core/process_cache.py)
_invalidations: dict[str, Callable[[str, Mapping[str, Any]], list[str]]] = {}


def invalidates(event_type: str, tags: Callable[[str, Mapping[str, Any]], list[str]]) -> None:
    """Declare that committing an event of this type changes what every process keeps under `tags`.

    Whoever sends the event (roles, memberships…) thereby tells every process's cache: there
    is one place that announces a change, and the cache cannot miss one the sockets hear.
    """
    _invalidations[event_type] = tags


def envelope(event_type: str, payload: Mapping[str, Any], request_id: str | None = None) -> str:
    """Return the JSON text of one frame in the envelope every WebSocket frame uses."""
    frame: dict[str, Any] = {"type": event_type, "payload": payload}
    if request_id is not None:
        frame["request_id"] = request_id
    return json.dumps(frame, separators=(",", ":"), default=str)


class SharedText:
    """The JSON text of values that many frames share, encoded once (a wave's snapshots).

    Sockets entering a room together get snapshots whose biggest parts (the room's recent
    messages, its presence) are the very same objects: a wave of 128 encoded them 128
    times, a tenth of the process's time while a crowd connected. A list or dict met in a
    second frame is encoded once and its text spliced into every frame after. Values are
    known by identity and held until the wave is sent, so an id is never reused meanwhile;
    a shared value must not change while its frames are being sent (none does: they are
    read once for the wave and only read after).
    """

    def __init__(self) -> None:
        self._seen: dict[int, tuple[Any, str | None]] = {}

    def text(self, value: Any) -> str | None:
        """The value's text if an earlier frame had the same value (None the first time: encode it with the rest)."""
        if not isinstance(value, list | dict):
            return None
        seen = self._seen.get(id(value))
        if seen is None:
            self._seen[id(value)] = (value, None)
            return None
        if seen[1] is None:
            seen = self._seen[id(value)] = (value, _dumps(value))
        return seen[1]


def envelope_sharing(event_type: str, payload: Mapping[str, Any], shared: SharedText) -> str:
    """envelope(event_type, payload), with the parts of the payload `shared` already encoded spliced in.

    The same JSON value as envelope's; the parts shared come after the frame's own ones.
    """
    own: dict[str, Any] = {}
    spliced: list[str] = []
    for key, value in payload.items():
        text = shared.text(value)
        if text is None:
            own[key] = value
        else:
            spliced.append(f"{_dumps(str(key))}:{text}")
    values = _dumps(own)[1:-1]  # one call for the frame's own parts
    if spliced:
        values = ",".join([values, *spliced]) if values else ",".join(spliced)
    return f'{{"type":{_dumps(event_type)},"payload":{{{values}}}}}'


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


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
    tags = _invalidations.get(message["type"])
    if tags is not None:  # before the event: a socket told of a change must not connect to the old answer
        process_cache.publish(tags(group, message["payload"]))
    async_to_sync(group_send)(group, message)


async def group_send(group: str, message: dict[str, Any]) -> bool:
    """Send `message` to `group`; False, logged, when the channel layer cannot be reached.

    What was committed stays committed, and the command that wrote it is answered: when the
    layer is back, each process's hub resyncs its sockets from the database (council/core/hub.py),
    which holds what could not be sent. One retry: after Redis restarted, the first command
    on each pooled connection fails, though Redis answers again.
    """
    layer = get_channel_layer()
    for attempt in (1, 2):
        try:
            await layer.group_send(group, message)
            return True
        except (OSError, RedisConnectionError, RedisTimeoutError) as error:
            if attempt == 2:
                logger.warning("%s not sent to %s, the channel layer is unreachable: %s", message["type"], group, error)
    return False
