"""Sockets connecting at the same moment enter in one wave (council/rooms/arrivals.py).

When a meeting starts, or a Daphne restarts and its sockets come back, a crowd connects
within seconds: its connects share their reads, those refused are closed as one alone is,
and the room hears one presence summary for the wave, not one per person.
"""

import asyncio
import threading
import traceback

import pytest
from channels.db import database_sync_to_async
from django.db.backends import utils as db_utils

from council.rooms import arrivals
from council.rooms import moves
from council.rooms import services
from tests.helpers import connect
from tests.helpers import expect_close
from tests.helpers import next_frame_of
from tests.helpers import room_path
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)


class _Queries:
    """Count the queries of every thread (sockets' database work runs on a pool), but the
    process's coalesced presence summaries, which come on their own schedule."""

    def __init__(self):
        self.count = 0
        self.statements: list[str] = []
        self._lock = threading.Lock()

    def __enter__(self):
        real = self._real = db_utils.CursorWrapper.execute

        def execute(cursor, sql, params=None):
            if not any(frame.name == "_summary" for frame in traceback.extract_stack()):
                with self._lock:
                    self.count += 1
                    self.statements.append(sql)
            return real(cursor, sql, params)

        db_utils.CursorWrapper.execute = execute
        return self

    def __exit__(self, *exc):
        db_utils.CursorWrapper.execute = self._real


@pytest.fixture
def one_wave(monkeypatch):
    """Connects started together make one wave however slowly the test's loop gets to them."""
    monkeypatch.setattr(moves, "QUIET_SECONDS", 0.3)
    monkeypatch.setattr(moves, "MAX_WAIT_SECONDS", 3.0)


async def test_a_crowd_connecting_together_costs_fewer_queries_than_one_by_one(room, user_with_role, one_wave):
    people = await database_sync_to_async(lambda: [user_with_role("member", room.council) for _ in range(8)])()

    with _Queries() as one_by_one:
        sockets = [(await connect(room_path(room.pk), user=person))[0] for person in people]
    for socket in sockets:
        await socket.disconnect()
    with _Queries() as together:
        connected = await asyncio.gather(*(connect(room_path(room.pk), user=person) for person in people))

    # every snapshot still shows the whole crowd, each person as themselves
    for person, (_socket, snapshot) in zip(people, connected, strict=True):
        assert snapshot["payload"]["me"]["id"] == person.pk
        assert snapshot["payload"]["presence"]["count"] == len(people)
    # one by one, each connect reads its facts and its room's views (~25 queries each); the
    # crowd reads them once, then only what each person has of their own
    assert together.count * 3 < one_by_one.count, (together.count, one_by_one.count)
    for socket, _snapshot in connected:
        await socket.disconnect()


async def test_a_crowd_entering_together_gets_the_rooms_messages_each_from_where_its_page_was(
    room, user_with_role, one_wave, monkeypatch
):
    monkeypatch.setattr(arrivals, "SNAPSHOTS_PER_SLICE", 3)  # two slices: the second built while the first is sent
    people = await database_sync_to_async(lambda: [user_with_role("member", room.council) for _ in range(4)])()
    for text in ("Bonjour", "La séance commence", "Premier point"):
        await database_sync_to_async(services.message_post)(actor=people[0], room_id=room.pk, text=text)

    # three fresh pages and one coming back after the first message: their snapshots share
    # the room's messages and presence (encoded once for the wave), each with its own part
    connected = await asyncio.gather(
        *(connect(room_path(room.pk, since=1 if i == 3 else None), user=person) for i, person in enumerate(people))
    )

    for i, (person, (_socket, snapshot)) in enumerate(zip(people, connected, strict=True)):
        payload = snapshot["payload"]
        assert payload["me"]["id"] == person.pk
        texts = [message["text"] for message in payload["messages"]]
        assert texts == (["La séance commence", "Premier point"] if i == 3 else ["Bonjour", "La séance commence", "Premier point"])
        assert payload["presence"]["count"] == len(people)
    for socket, _snapshot in connected:
        await socket.disconnect()


async def test_in_a_wave_the_refused_are_closed_and_the_room_hears_the_others_once(room, user_with_role, user_factory, one_wave):
    observer = await database_sync_to_async(user_with_role)("member", room.council)
    people = await database_sync_to_async(lambda: [user_with_role("member", room.council) for _ in range(3)])()
    outsider = await database_sync_to_async(user_factory)()
    watching, _snapshot = await connect(room_path(room.pk), user=observer)
    while (await next_frame_of(watching, "rooms.presence_changed", wait=2))["payload"]["count"] != 1:
        pass  # the observer's own arrival heard

    refused = ws_communicator(room_path(room.pk), user=outsider)

    async def refused_connect():
        await refused.connect()
        return await expect_close(refused, 4403)

    *connected, seen_by_outsider = await asyncio.gather(
        *(connect(room_path(room.pk), user=person) for person in people), refused_connect()
    )

    assert seen_by_outsider == []  # closed before any snapshot
    for _socket, snapshot in connected:
        assert snapshot["payload"]["presence"]["count"] == 4
    summary = await next_frame_of(watching, "rooms.presence_changed", wait=2)
    assert summary["payload"]["count"] == 4
    assert {person["id"] for person in summary["payload"]["participants"]} == {observer.pk, *(p.pk for p in people)}
    assert await watching.receive_nothing(0.5)  # one summary for the wave
    for socket, _snapshot in connected:
        await socket.disconnect()
    await watching.disconnect()


async def test_pages_coming_back_together_drop_their_dead_sockets_rows_in_one_statement(room, user_with_role, one_wave):
    """A killed process's pages come back to this one together (client.js sends each page's tab):
    each page's row of the dead socket goes, whatever their number, in one DELETE for the wave."""
    from django.utils import timezone

    from council.rooms.models import Presence

    people = await database_sync_to_async(lambda: [user_with_role("member", room.council) for _ in range(4)])()
    await database_sync_to_async(Presence.objects.bulk_create)(
        [
            Presence(room=room, user=person, channel_name=f"specific.dead!{index}", tab=f"tab{index}", seen_at=timezone.now())
            for index, person in enumerate(people)
        ]
    )

    with _Queries() as queries:
        connected = await asyncio.gather(
            *(connect(f"{room_path(room.pk)}?tab=tab{index}", user=person) for index, person in enumerate(people))
        )

    rows = await database_sync_to_async(lambda: sorted(Presence.objects.values_list("user_id", "tab", "channel_name")))()
    assert [(user_id, tab) for user_id, tab, _channel in rows] == sorted((p.pk, f"tab{i}") for i, p in enumerate(people))
    assert not any(channel.startswith("specific.dead!") for _user_id, _tab, channel in rows)
    for _socket, snapshot in connected:
        assert snapshot["payload"]["presence"]["count"] == len(people)
    deletes = [sql for sql in queries.statements if sql.startswith("DELETE") and "rooms_presence" in sql]
    assert len(deletes) == 1, deletes
    for socket, _snapshot in connected:
        await socket.disconnect()


async def test_a_wave_that_waited_behind_another_takes_in_the_sockets_arriving_as_its_turn_comes(monkeypatch):
    """A crowd connecting in turns (each page's next socket opens once the last one got its
    snapshot) made waves of 127 and of 1 by turns: the one that just missed a wave left alone
    when its turn came, and the sockets let in meanwhile started yet another wave behind it."""
    monkeypatch.setattr(moves, "QUIET_SECONDS", 0.3)  # wide margins: a busy CI loop stalls for tens of ms
    monkeypatch.setattr(moves, "MAX_WAIT_SECONDS", 0.6)
    sizes: list[int] = []
    ahead_done = asyncio.Event()

    async def carry_out(wave):
        sizes.append(len(wave.moves))
        if len(sizes) == 1:
            await ahead_done.wait()
        for step in wave.moves:
            step.done.set_result(True)

    class Step:
        def __init__(self):
            self.done = asyncio.get_running_loop().create_future()

    ahead = asyncio.create_task(moves.join_wave(Step(), carry_out))
    await asyncio.sleep(0.45)  # the wave ahead is under way
    late = asyncio.create_task(moves.join_wave(Step(), carry_out))
    await asyncio.sleep(0.9)  # longer than a wave gathers: the late one waits for its turn
    ahead_done.set()
    await asyncio.sleep(0.09)  # its turn came; then the sockets let in by the wave ahead come back
    others = [asyncio.create_task(moves.join_wave(Step(), carry_out)) for _ in range(3)]

    assert await asyncio.gather(ahead, late, *others) == [True] * 5
    assert sizes == [1, 4]
