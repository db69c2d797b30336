"""What a connect reads that is the same from one connect to the next, kept per process (issue 16).

A connect reads the person's session and user, the facts the rules ask about them (their role,
their groups) and what their room shows everyone (its settings, agenda, polls…). Within one
arrival wave these are read once (council/core/memo.py); here they outlive the wave, so the
waves that follow, and the person's next connect, do not read them again. Two stores, each
dropped by what changes what it holds:

- `people`: a person's session and facts, until an event that changes them (a role granted or
  revoked, a membership changed, the account saved or logged out) is committed. Such events
  are written to a Redis stream (`publish`) by whichever process commits them, and every
  process reads the stream's news before it trusts its store (`people.catch_up()`, once per
  wave): a role revoked anywhere is obeyed by the next connect. Redis unreadable, the stream
  gone or trimmed past what was read, or the hub having lost Redis: everything is dropped.
- `room_views`: what rooms show everyone (not who is present, nor the messages, whose seqs
  a socket counts from), read at most ROOM_VIEWS_SECONDS ago and dropped
  whenever this process's hub hears any event but a presence summary (`room_event_heard`),
  leaves a group (it would no longer hear that group's events) or loses Redis. A room's events
  reach the process before or after its new sockets join the room's group: before, the views
  are dropped; after, the sockets get the event themselves (seq order is kept).

An answer read while its store was dropped is not kept (each store has a generation, taken when
the wave starts). Commands never use these stores: they read in their own unit of work.
Without Redis (the embedded default) nothing is kept.
"""

import logging
import threading
import time
from collections.abc import Callable
from collections.abc import Hashable
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from council.core.redis_clients import thread_client

logger = logging.getLogger(__name__)

#: the Redis stream of committed changes to people's facts, read by every process
STREAM = "council:process-cache:people"
STREAM_MAXLEN = 10_000
#: what a process reads of the stream at once; more news than that drops everything
CATCH_UP_MAX = 1_000


def person_tag(user_id: int) -> str:
    return f"person:{user_id}"


class Store:
    """Answers by key, each with the tags that drop it; dropped whole when the generation moves."""

    def __init__(self, name: str, *, seconds: Callable[[], float]) -> None:
        self.name = name
        self.seconds = seconds
        self.lock = threading.Lock()
        self.generation = 0
        self.entries: dict[Hashable, tuple[Any, float, tuple[str, ...]]] = {}
        self.keys_by_tag: dict[str, set[Hashable]] = {}

    def get(self, key: Hashable) -> tuple[bool, Any]:
        entry = self.entries.get(key)
        if entry is None or entry[1] < time.monotonic():
            return False, None
        return True, entry[0]

    def put(self, key: Hashable, value: Any, *, generation: int, tags: tuple[str, ...] = ()) -> None:
        """Keep an answer read since `generation` (unless something was dropped since)."""
        with self.lock:
            if generation != self.generation:
                return
            self.entries[key] = (value, time.monotonic() + self.seconds(), tags)
            for tag in tags:
                self.keys_by_tag.setdefault(tag, set()).add(key)

    def drop(self, tags: Iterable[str]) -> None:
        with self.lock:
            self.generation += 1
            for tag in tags:
                for key in self.keys_by_tag.pop(tag, ()):
                    self.entries.pop(key, None)

    def drop_all(self) -> None:
        with self.lock:
            self.generation += 1
            self.entries.clear()
            self.keys_by_tag.clear()


class PeopleStore(Store):
    """People's sessions and facts, kept in step with the stream of committed changes."""

    def __init__(self) -> None:
        super().__init__("people", seconds=lambda: settings.PROCESS_CACHE_SECONDS)
        self.last_id: str | None = None  # the last stream entry applied; None: nothing read yet

    def catch_up(self) -> bool:
        """Apply the changes committed anywhere since the last call; False if the store may not be used.

        Sync (database thread): one round trip when nothing changed.
        """
        client = thread_client()
        if client is None or not enabled():
            return False
        try:
            with client.pipeline(transaction=False) as pipe:
                pipe.xrange(STREAM, "-", "+", count=1)
                pipe.xrevrange(STREAM, "+", "-", count=1)
                oldest, newest = pipe.execute()
            newest_id = _id(newest[0][0]) if newest else "0-0"
            if self.last_id is None or newest_id == self.last_id:
                if self.last_id is None:
                    self.drop_all()
                    self.last_id = newest_id
                return True
            if _before(newest_id, self.last_id) or (oldest and _before(self.last_id, _id(oldest[0][0])) and self.last_id != "0-0"):
                raise LookupError("the stream was lost or trimmed past what this process read")
            news: list[Any] = client.xrange(STREAM, f"({self.last_id}", newest_id, count=CATCH_UP_MAX) or []
            if len(news) >= CATCH_UP_MAX:
                raise LookupError("too many changes to apply one by one")
        except Exception as error:  # Redis unreachable, or news missed: start afresh
            logger.info("people's cache dropped: %s", error)
            self.drop_all()
            self.last_id = None
            return False
        self.drop(tag for _id_, fields in news for tag in _text((fields or {}).get(b"tags", b"")).split())
        self.last_id = newest_id
        return True


def _id(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _before(left: str, right: str) -> bool:
    return tuple(int(part) for part in left.split("-")) < tuple(int(part) for part in right.split("-"))


people = PeopleStore()
room_views = Store("room_views", seconds=lambda: settings.ROOM_VIEWS_SECONDS)


def enabled() -> bool:
    return bool(getattr(settings, "REDIS_URL", "")) and settings.PROCESS_CACHE_SECONDS > 0


def publish(tags: Iterable[str]) -> None:
    """Tell every process that what is tagged so changed (call once committed; sync).

    This process drops it at once; the others when their next wave catches up. If Redis cannot
    be written, the others drop everything anyway: their hub lost Redis too, or their stream
    reads fail.
    """
    tags = sorted(set(tags))
    if not tags:
        return
    people.drop(tags)
    client = thread_client()
    if client is None:
        return
    try:
        client.xadd(STREAM, {"tags": " ".join(tags)}, maxlen=STREAM_MAXLEN, approximate=True)
    except Exception as error:
        logger.warning("cache invalidation of %s not published: %s", tags, error)


def drop_everything() -> None:
    """The process lost Redis: invalidations may have been missed."""
    people.drop_all()
    people.last_id = None
    room_views.drop_all()


#: hub readers running in this process: rooms' views are kept only while one hears the events
_readers = 0


def hub_reading(reading: bool) -> None:
    """A hub reader started or stopped; when one stops, what it no longer hears is dropped."""
    global _readers
    with room_views.lock:
        _readers += 1 if reading else -1
    if not reading:
        room_views.drop_all()


def room_event_heard(message_type: str) -> None:
    """The hub routed an event: unless it only says who is present, rooms' views may have changed."""
    if message_type not in _PRESENCE_ONLY_EVENTS:
        room_views.drop_all()


_PRESENCE_ONLY_EVENTS: set[str] = set()
#: name prefixes of groups whose events are for one person: leaving one drops no room's views
_PERSONAL_GROUPS: set[str] = set()


def personal_groups(prefix: str) -> None:
    """Declare groups (by name prefix) whose events never change what rooms show everyone."""
    _PERSONAL_GROUPS.add(prefix)


def group_left(group: str) -> None:
    """This process no longer hears `group`: what its events would have dropped goes now."""
    if not any(group.startswith(prefix) for prefix in _PERSONAL_GROUPS):
        room_views.drop_all()


def presence_only_event(event_type: str) -> None:
    """Declare an event that changes nothing rooms' shared views hold (presence is never kept)."""
    _PRESENCE_ONLY_EVENTS.add(event_type)


# Which memo kinds (council/core/memo.py) are kept, and in which store.

#: kind -> position of the person's id in the key
_PERSON_KINDS: dict[str, int] = {}
_ROOM_VIEW_KINDS: set[str] = set()


def person_fact(kind: str, *, person_at: int = 1) -> str:
    """Keep answers of this memo kind per person, dropped when the person's facts change."""
    _PERSON_KINDS[kind] = person_at
    return kind


def room_view(kind: str) -> str:
    """Keep answers of this memo kind (the same for everyone) while no room event is heard."""
    _ROOM_VIEW_KINDS.add(kind)
    return kind


class Unit:
    """The process's stores as one unit of work sees them: generations taken at its start."""

    def __init__(self, *, people_usable: bool) -> None:
        self.people_generation = people.generation if people_usable else None
        self.room_views_generation = room_views.generation if _readers > 0 else None
        #: rooms' views are kept only once the wave's sockets joined their groups (`joined`):
        #: one read before may predate an event this process was not yet listening for
        self.keeps_room_views = False

    def joined(self) -> None:
        """The wave's sockets are in their rooms' groups: what is read from now on may be kept."""
        self.room_views_generation = room_views.generation if _readers > 0 else None
        self.keeps_room_views = True

    def store_of(self, key: Hashable) -> tuple[Store, int, tuple[str, ...]] | None:
        if not isinstance(key, tuple) or not key:
            return None
        kind = key[0]
        if kind in _ROOM_VIEW_KINDS and self.room_views_generation is not None:
            return room_views, self.room_views_generation, ()
        if kind in _PERSON_KINDS and self.people_generation is not None:
            return people, self.people_generation, (person_tag(key[_PERSON_KINDS[kind]]),)
        return None

    def get(self, key: Hashable) -> tuple[bool, Any]:
        found = self.store_of(key)
        if found is None:
            return False, None
        store, generation, _tags = found
        if store.generation != generation:
            return False, None  # dropped since this unit started: read afresh
        return store.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        found = self.store_of(key)
        if found is not None:
            store, generation, tags = found
            if store is room_views and not self.keeps_room_views:
                return
            store.put(key, value, generation=generation, tags=tags)


def unit() -> Unit | None:
    """The stores for one arrival wave (sync, database thread), or None when nothing may be kept."""
    if not enabled():
        return None
    return Unit(people_usable=people.catch_up())
