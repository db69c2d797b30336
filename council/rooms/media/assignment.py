"""Which media worker hosts which room: heartbeats and room pins, in Redis or in memory.

A media worker announces itself every MEDIA_WORKER_HEARTBEAT_SECONDS; it is live until
three heartbeats are missed. A room is pinned to one live worker (the least loaded when
it is first pinned) and the worker refreshes the pins of the rooms it hosts. A room whose
worker is gone is pinned again, atomically (compare-and-set), to a live one.

With Redis (REDIS_URL, every deployment with several processes) the state is shared by
every Daphne process and every worker; in the embedded default (one process) it lives
in memory. Keys start with MEDIA_KEY_PREFIX.
"""

import asyncio
import time
from typing import TYPE_CHECKING
from typing import Protocol
from typing import cast

from django.conf import settings

from council.core.redis_clients import retry_once

if TYPE_CHECKING:
    import redis.asyncio

MISSED_HEARTBEATS = 3  # a worker is gone after this many heartbeats without news
PIN_HEARTBEATS = 15  # a pin nobody refreshes (room without media) expires after this many
MEDIA_WORKERS_GROUP = "media.workers"  # every media worker; services broadcast decisions here


def worker_channel(worker_id: str) -> str:
    """The fixed channel-layer channel a media worker receives its commands on."""
    return f"media.worker.{worker_id}"


def _interval() -> float:
    seconds: float = settings.MEDIA_WORKER_HEARTBEAT_SECONDS
    return seconds


class Store(Protocol):
    async def heartbeat(self, worker_id: str, room_ids: list[int]) -> None: ...
    async def forget(self, worker_id: str) -> None: ...
    async def live_workers(self) -> dict[str, int]: ...
    async def pinned(self, room_id: int) -> str | None: ...
    async def repin(self, room_id: int, expected: str | None, worker_id: str) -> str | None: ...
    async def once(self, key: str) -> bool: ...


class MemoryStore:
    """One process (the embedded default): plain dictionaries with deadlines."""

    def __init__(self) -> None:
        self.workers: dict[str, tuple[float, int]] = {}  # id -> (deadline, rooms hosted)
        self.pins: dict[int, tuple[str, float]] = {}
        self.seen: dict[str, float] = {}

    async def heartbeat(self, worker_id: str, room_ids: list[int]) -> None:
        now = time.monotonic()
        self.workers[worker_id] = (now + MISSED_HEARTBEATS * _interval(), len(room_ids))
        for room_id in room_ids:
            if self.pins.get(room_id, (None,))[0] in (None, worker_id):
                self.pins[room_id] = (worker_id, now + PIN_HEARTBEATS * _interval())

    async def forget(self, worker_id: str) -> None:
        self.workers.pop(worker_id, None)

    async def live_workers(self) -> dict[str, int]:
        now = time.monotonic()
        return {w: load for w, (deadline, load) in self.workers.items() if deadline > now}

    async def pinned(self, room_id: int) -> str | None:
        worker_id, deadline = self.pins.get(room_id, (None, 0.0))
        return worker_id if deadline > time.monotonic() else None

    async def repin(self, room_id: int, expected: str | None, worker_id: str) -> str | None:
        current = await self.pinned(room_id)
        if current == expected:
            self.pins[room_id] = (worker_id, time.monotonic() + PIN_HEARTBEATS * _interval())
            return worker_id
        return current

    async def once(self, key: str) -> bool:
        now = time.monotonic()
        if self.seen.get(key, 0.0) > now:
            return False
        self.seen[key] = now + PIN_HEARTBEATS * _interval()
        return True


# Set the pin to ARGV[1] only if it is still ARGV[2] ("" = no pin); return the pin now.
_REPIN = """
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[2] == '') or current == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  return ARGV[1]
end
return current
"""
# Refresh the pin of a room only if this worker still holds it.
_REFRESH = """
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
"""


class RedisStore:
    """Shared by every process: a sorted set of workers by deadline, one key per room pin.

    The client decodes replies (decode_responses=True), which redis-py's annotations cannot
    say: they type every reply bytes | str, hence the casts to str below.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self._clients: dict[int, redis.asyncio.Redis] = {}

    @property
    def client(self) -> "redis.asyncio.Redis":
        import redis.asyncio

        loop = asyncio.get_running_loop()  # a client belongs to the loop that created it
        key = id(loop)
        if key not in self._clients:
            self._clients[key] = redis.asyncio.Redis.from_url(self.url, decode_responses=True, retry=retry_once())
        return self._clients[key]

    def _key(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    async def heartbeat(self, worker_id: str, room_ids: list[int]) -> None:
        now = time.time()
        ttl_ms = int(PIN_HEARTBEATS * _interval() * 1000)
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.zadd(self._key("workers"), {worker_id: now + MISSED_HEARTBEATS * _interval()})
            pipe.zremrangebyscore(self._key("workers"), "-inf", now - 3600)
            pipe.hset(self._key("load"), worker_id, len(room_ids))
            for room_id in room_ids:
                pipe.eval(_REFRESH, 1, self._key("room", room_id), worker_id, ttl_ms)
            await pipe.execute()

    async def forget(self, worker_id: str) -> None:
        await self.client.zrem(self._key("workers"), worker_id)
        await self.client.hdel(self._key("load"), worker_id)

    async def live_workers(self) -> dict[str, int]:
        live = cast(list[str], await self.client.zrangebyscore(self._key("workers"), time.time(), "+inf"))
        if not live:
            return {}
        loads = await self.client.hmget(self._key("load"), live)
        return {w: int(load or 0) for w, load in zip(live, loads, strict=True)}

    async def pinned(self, room_id: int) -> str | None:
        return cast(str | None, await self.client.get(self._key("room", room_id)))

    async def repin(self, room_id: int, expected: str | None, worker_id: str) -> str | None:
        ttl_ms = int(PIN_HEARTBEATS * _interval() * 1000)
        pin: str | None = await self.client.eval(
            _REPIN, 1, self._key("room", room_id), worker_id, expected or "", ttl_ms
        )
        return pin

    async def once(self, key: str) -> bool:
        ttl_ms = int(PIN_HEARTBEATS * _interval() * 1000)
        return bool(await self.client.set(self._key("once", key), 1, nx=True, px=ttl_ms))


_memory = MemoryStore()
_redis: dict[tuple[str, str], RedisStore] = {}


def store() -> Store:
    if settings.MEDIA_EMBEDDED_WORKER or not settings.REDIS_URL:
        return _memory
    key = (settings.REDIS_URL, settings.MEDIA_KEY_PREFIX)
    if key not in _redis:
        _redis[key] = RedisStore(*key)
    return _redis[key]


def reset_memory() -> None:
    """Forget the in-memory state (tests)."""
    global _memory
    _memory = MemoryStore()


async def worker_for(room_id: int) -> str | None:
    """The live worker hosting `room_id`, pinning the room first if its worker is gone.

    None when no media worker is live.
    """
    state = store()
    live = await state.live_workers()
    current = await state.pinned(room_id)
    if current in live:
        return current
    if not live:
        return None
    choice = min(live, key=lambda worker_id: (live[worker_id], worker_id))
    pinned = await state.repin(room_id, current, choice)
    return pinned if pinned in live else None
