"""Coalesced presence broadcasts and the heartbeat of this process's sockets.

Joins and leaves are persisted at once, but the room hears about them at most
once per ROOM_PRESENCE_COALESCE_SECONDS per process, as one full summary: a
room of 1,000 people must not get 1,000 events when they all arrive.
A crashed process cannot delete its rows; the heartbeat of the surviving ones
keeps their own rows fresh and purges stale rows, then tells the rooms concerned.
"""

import asyncio
import contextlib
from collections import Counter
from datetime import timedelta
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from council.core.realtime import group_message
from council.core.realtime import group_send
from council.rooms import events
from council.rooms import services
from council.rooms.models import Presence
from council.rooms.models import Room
from council.rooms.selectors import presence_summary

_pending: dict[int, asyncio.Task[None]] = {}
_last_count: dict[int, int] = {}  # room id -> people present at the last summary
PEOPLE_PER_INTERVAL = 100  # a room of 1,000 hears at most one summary per 10 intervals
MAX_INTERVAL_SECONDS = 10.0
_local_channels: dict[str, int] = {}  # channel name -> room id, sockets open in this process
_local_counts: Counter[int] = Counter()  # room id -> sockets open here: _local_channels counted, kept as it changes (read per vote)
_heartbeat: asyncio.Task[None] | None = None


def schedule_broadcast(room_id: int) -> None:
    """Send the room's presence summary soon, once for all changes until then."""
    if room_id in _pending and not _pending[room_id].done():
        return
    _pending[room_id] = asyncio.get_running_loop().create_task(_broadcast_later(room_id))


def _interval(room_id: int) -> float:
    """Wait longer in bigger rooms: every summary costs one delivery per person present."""
    size_factor = max(1.0, _last_count.get(room_id, 0) / PEOPLE_PER_INTERVAL)
    coalesce_seconds: float = settings.ROOM_PRESENCE_COALESCE_SECONDS
    return min(MAX_INTERVAL_SECONDS, coalesce_seconds * size_factor)


async def _broadcast_later(room_id: int) -> None:
    await asyncio.sleep(_interval(room_id))
    _pending.pop(room_id, None)
    summary = await database_sync_to_async(_summary)(room_id)
    if summary is not None:
        _last_count[room_id] = summary["count"]
        message = group_message(events.PRESENCE_CHANGED, summary)
        await group_send(events.room_group(room_id), message)  # Redis down: the resync after carries it


def _summary(room_id: int) -> dict[str, Any] | None:
    room = Room.objects.select_related("council").filter(pk=room_id).first()
    return presence_summary(room=room) if room else None


def track(channel_name: str, room_id: int) -> None:
    global _heartbeat
    untrack(channel_name)  # a socket moving between rooms (workshops)
    _local_channels[channel_name] = room_id
    _local_counts[room_id] += 1
    if _heartbeat is None or _heartbeat.done():
        _heartbeat = asyncio.get_running_loop().create_task(_heartbeat_loop())


def untrack(channel_name: str) -> None:
    room_id = _local_channels.pop(channel_name, None)
    if room_id is not None:
        _local_counts[room_id] -= 1
        if _local_counts[room_id] <= 0:
            del _local_counts[room_id]


def local_sockets(room_id: int) -> int:
    """How many sockets this process holds in the room: what one of its broadcasts there costs it."""
    return _local_counts.get(room_id, 0)


async def _heartbeat_loop() -> None:
    interval = settings.ROOM_PRESENCE_TTL_SECONDS / 3
    while _local_channels:
        await asyncio.sleep(interval)
        with contextlib.suppress(Exception):  # a database hiccup must not stop the heartbeat
            rooms = await database_sync_to_async(_touch_and_purge)(list(_local_channels))
            for room_id in rooms:
                schedule_broadcast(room_id)


def _touch_and_purge(channel_names: list[str]) -> set[int]:
    services.presence_touch(channel_names=channel_names)
    cutoff = timezone.now() - timedelta(seconds=settings.ROOM_PRESENCE_TTL_SECONDS)
    stale = Presence.objects.filter(seen_at__lt=cutoff)
    rooms = set(stale.values_list("room_id", flat=True))
    stale.delete()
    return rooms
