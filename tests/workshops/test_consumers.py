"""The meeting socket with real consumers: people follow their workshop, and nothing leaks between workshops."""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async

from council.core import deadlines
from council.rooms.models import Presence
from council.rooms.models import Room
from council.rooms.selectors import presence_summary
from council.workshops import services
from council.workshops.models import Assignment
from council.workshops.models import LogEntry
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame
from tests.helpers import next_frame_of
from tests.helpers import room_path
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)

NOTHING = frozenset()


async def _types_within(communicator, seconds):
    """Types of every frame that arrives within `seconds`."""
    seen = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if await communicator.receive_nothing(min(left, 0.05)):
            continue
        frame = await next_frame(communicator, wait=1, skip=NOTHING)
        seen.append(frame["type"])
    return seen


async def _moved_to(communicator, room_id):
    synced = await next_frame_of(communicator, "rooms.room_synced")
    assert synced["payload"]["room"]["id"] == room_id
    moved = await next_frame_of(communicator, "rooms.moved")
    assert moved["payload"]["room_id"] == room_id
    return moved


async def _disconnect(*communicators):
    for communicator in communicators:
        await communicator.disconnect()


@database_sync_to_async
def _prepare(make_session, facilitator, placements, count=2, **options):
    """A session whose workshops get these people: [[people of workshop 1], [of workshop 2], …]."""
    session = make_session(count, **options)
    workshops = list(Workshop.objects.filter(session=session))
    for workshop, people in zip(workshops, placements, strict=False):
        for person in people:
            services.assignment_set(
                actor=facilitator, session_id=session.pk, user_id=person.pk, workshop_id=workshop.pk
            )
    return session, workshops


@database_sync_to_async
def _open(facilitator, session):
    services.session_open(actor=facilitator, session_id=session.pk)


async def _open_and_follow(facilitator, session, moves):
    """Open the session; each (socket, room id) in `moves` must get there."""
    await _open(facilitator, session)
    for communicator, room_id in moves:
        await _moved_to(communicator, room_id)


@database_sync_to_async
def _in_db(func):
    return func()


# ---------------------------------------------------------------- chat stays in its workshop


async def test_chat_of_a_workshop_reaches_neither_another_workshop_nor_the_plenary(
    room, facilitator, members, make_session
):
    session, (a, b) = await _prepare(
        make_session, facilitator, [[members[0], members[1]], [members[2]]]
    )
    sockets = [
        (await connect(room_path(room.pk), user=person))[0]
        for person in [*members[:4], facilitator]
    ]
    in_a, also_in_a, in_b, in_plenary, boss = sockets
    await _open_and_follow(
        facilitator, session, [(in_a, a.room_id), (also_in_a, a.room_id), (in_b, b.room_id)]
    )

    await in_a.send_json_to(command("rooms.send_message", "m1", text="Bonjour l'atelier 1"))

    posted = await next_frame_of(also_in_a, "rooms.message_posted")
    assert (posted["payload"]["room_id"], posted["payload"]["text"]) == (
        a.room_id,
        "Bonjour l'atelier 1",
    )
    for elsewhere in (in_b, in_plenary, boss):
        assert "rooms.message_posted" not in await _types_within(elsewhere, 0.5)
    stored = await _in_db(lambda: list(a.room.messages.values_list("text", flat=True)))
    assert stored == ["Bonjour l'atelier 1"]
    await _disconnect(*sockets)


# ---------------------------------------------------------------- moving people


async def test_a_member_moved_while_workshops_run_moves_with_their_socket(
    room, facilitator, members, make_session
):
    session, (a, b) = await _prepare(make_session, facilitator, [[members[0]], [members[1]]])
    mover, _ = await connect(room_path(room.pk), user=members[0])
    in_b, _ = await connect(room_path(room.pk), user=members[1])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(facilitator, session, [(mover, a.room_id), (in_b, b.room_id)])

    await boss.send_json_to(
        command(
            "workshops.assign", "r1", session_id=session.pk, user_id=members[0].pk, workshop_id=b.pk
        )
    )

    assert (await answer_to(boss, "r1"))["type"] == "ack"
    synced = await next_frame_of(mover, "rooms.room_synced")
    assert synced["payload"]["room"]["name"] == "Atelier 2"  # the page says where the person is now
    assert (await next_frame_of(mover, "rooms.moved"))["payload"]["room_id"] == b.room_id
    await mover.send_json_to(command("rooms.send_message", "m1", text="Me voici"))
    posted = await next_frame_of(in_b, "rooms.message_posted")
    assert posted["payload"]["author"]["id"] == members[0].pk
    log = await _in_db(
        lambda: list(
            LogEntry.objects.filter(session=session, user=members[0]).values_list(
                "kind", "workshop__name"
            )
        )
    )
    assert log[-2:] == [("left", "Atelier 1"), ("entered", "Atelier 2")]
    await _disconnect(mover, in_b, boss)


async def test_a_late_arrival_lands_in_a_workshop(room, facilitator, members, make_session):
    session, (_a, b) = await _prepare(
        make_session, facilitator, [[members[0], members[1]], [members[2]]], mode="random"
    )
    await _open(facilitator, session)

    late, snapshot = await connect(room_path(room.pk), user=members[3])

    assert snapshot["payload"]["room"]["id"] == b.room_id  # the least filled workshop
    assert snapshot["payload"]["room"]["parent_id"] == room.pk
    assert snapshot["payload"]["workshops"]["my_workshop_id"] == b.pk
    assigned = await _in_db(
        lambda: Assignment.objects.get(session=session, user=members[3]).workshop_id
    )
    assert assigned == b.pk
    await _disconnect(late)


async def test_a_late_arrival_is_logged_as_entering_their_workshop(
    room, facilitator, members, make_session
):
    session, (_a, b) = await _prepare(make_session, facilitator, [[members[0]], []], mode="random")
    await _open(facilitator, session)

    late, _ = await connect(room_path(room.pk), user=members[3])

    log = await _in_db(
        lambda: list(
            LogEntry.objects.filter(session=session, user=members[3]).values_list(
                "kind", "workshop_id"
            )
        )
    )
    assert log == [("assigned", b.pk), ("entered", b.pk)]
    await _disconnect(late)


async def test_a_cofacilitator_who_connects_while_workshops_run_goes_to_their_workshop(
    room, facilitator, members, make_session
):
    session, (_a, b) = await _prepare(make_session, facilitator, [[members[0]], [members[1]]])
    await database_sync_to_async(services.cofacilitator_set)(
        actor=facilitator, workshop_id=b.pk, user_id=members[5].pk
    )
    await _open(facilitator, session)

    cofacilitator, snapshot = await connect(room_path(room.pk), user=members[5])

    assert snapshot["payload"]["room"]["id"] == b.room_id
    assert snapshot["payload"]["workshops"]["cofacilitating_id"] == b.pk
    assert snapshot["payload"]["me"]["capabilities"]["moderate_room"] is True
    await _disconnect(cofacilitator)


async def test_a_late_arrival_waits_in_the_plenary_when_people_are_placed_by_hand(
    room, facilitator, members, make_session
):
    session, _ = await _prepare(make_session, facilitator, [[members[0]], []], mode="manual")
    await _open(facilitator, session)

    late, snapshot = await connect(room_path(room.pk), user=members[3])

    assert snapshot["payload"]["room"]["id"] == room.pk
    assert snapshot["payload"]["workshops"]["my_workshop_id"] is None
    await _disconnect(late)


async def test_the_choice_is_offered_only_to_those_who_may_choose(
    room, facilitator, members, resident, make_session
):
    await _prepare(make_session, facilitator, [[], []], mode="choice")

    follower, snapshot = await connect(room_path(room.pk), user=resident)
    await _disconnect(follower)

    assert snapshot["payload"]["workshops"]["can"]["choose"] is False


# ---------------------------------------------------------------- facilitators visiting


async def _presence_until(communicator, room_id, predicate, *, wait=3.0):
    while True:
        frame = await next_frame_of(communicator, "rooms.presence_changed", wait=wait)
        if frame["payload"]["room_id"] == room_id and predicate(
            {p["id"] for p in frame["payload"]["participants"]}
        ):
            return frame


async def _presence_frames_within(communicator, room_id, seconds):
    """The participant ids of every presence summary of `room_id` heard within `seconds`."""
    heard = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if await communicator.receive_nothing(min(left, 0.05)):
            continue
        frame = await next_frame(communicator, wait=1, skip=NOTHING)
        if frame["type"] == "rooms.presence_changed" and frame["payload"]["room_id"] == room_id:
            heard.append({p["id"] for p in frame["payload"]["participants"]})
    return heard


async def test_a_facilitator_visits_a_workshop_seen_by_its_members_and_returns(
    room, facilitator, members, make_session
):
    session, (a, _b) = await _prepare(make_session, facilitator, [[members[0]], [members[1]]])
    in_a, _ = await connect(room_path(room.pk), user=members[0])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(facilitator, session, [(in_a, a.room_id)])

    await boss.send_json_to(command("workshops.visit", "v1", workshop_id=a.pk))

    assert await answer_to(boss, "v1") == {
        "type": "ack",
        "request_id": "v1",
        "payload": {"room_id": a.room_id},
    }
    moved = await _moved_to(boss, a.room_id)
    assert moved["payload"]["hidden"] is False
    await _presence_until(in_a, a.room_id, lambda ids: facilitator.pk in ids)

    await boss.send_json_to(command("workshops.return", "v2"))

    assert (await answer_to(boss, "v2"))["type"] == "ack"
    await _moved_to(boss, room.pk)
    await _presence_until(in_a, a.room_id, lambda ids: facilitator.pk not in ids)
    log = await _in_db(
        lambda: list(
            LogEntry.objects.filter(session=session, user=facilitator).values_list(
                "kind", flat=True
            )
        )
    )
    assert log == ["visited", "left"]
    await _disconnect(in_a, boss)


async def test_listening_in_is_refused_where_the_council_does_not_allow_it(
    room, facilitator, members, make_session
):
    session, (a, _b) = await _prepare(make_session, facilitator, [[members[0]], []])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open(facilitator, session)

    await boss.send_json_to(command("workshops.visit", "v1", workshop_id=a.pk, hidden=True))

    error = await answer_to(boss, "v1")
    assert (error["type"], error["payload"]["code"]) == ("error", "forbidden")
    assert "rooms.room_synced" not in await _types_within(boss, 0.3)
    where = await _in_db(
        lambda: list(Presence.objects.filter(user=facilitator).values_list("room_id", flat=True))
    )
    assert where == [room.pk]
    await _disconnect(boss)


async def test_listening_in_is_hidden_where_the_council_allows_it(
    room, facilitator, members, make_session
):
    room.council.workshops_allow_listening_in = True
    await database_sync_to_async(room.council.save)(update_fields=["workshops_allow_listening_in"])
    session, (a, _b) = await _prepare(make_session, facilitator, [[members[0]], []])
    in_a, _ = await connect(room_path(room.pk), user=members[0])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(facilitator, session, [(in_a, a.room_id)])
    await _types_within(in_a, 0.3)  # what the member heard before the facilitator came

    await boss.send_json_to(command("workshops.visit", "v1", workshop_id=a.pk, hidden=True))

    assert (await answer_to(boss, "v1"))["type"] == "ack"
    moved = await _moved_to(boss, a.room_id)
    assert moved["payload"]["hidden"] is True
    summary = await _in_db(lambda: presence_summary(room=a.room))
    assert [p["id"] for p in summary["participants"]] == [members[0].pk]
    hidden = await _in_db(lambda: Presence.objects.get(user=facilitator).hidden)
    assert hidden is True
    heard = await _presence_frames_within(
        in_a, a.room_id, 0.5
    )  # the move made the workshop hear its presence again
    assert heard
    assert all(facilitator.pk not in ids for ids in heard)
    log = await _in_db(
        lambda: list(
            LogEntry.objects.filter(session=session, user=facilitator).values_list(
                "kind", flat=True
            )
        )
    )
    assert log == ["observed"]
    await _disconnect(in_a, boss)


async def test_a_listener_who_then_visits_the_same_workshop_becomes_visible(
    room, facilitator, members, make_session
):
    room.council.workshops_allow_listening_in = True
    await database_sync_to_async(room.council.save)(update_fields=["workshops_allow_listening_in"])
    session, (a, _b) = await _prepare(make_session, facilitator, [[members[0]], []])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open(facilitator, session)
    await boss.send_json_to(command("workshops.visit", "v1", workshop_id=a.pk, hidden=True))
    await _moved_to(boss, a.room_id)

    await boss.send_json_to(command("workshops.visit", "v2", workshop_id=a.pk))
    await answer_to(boss, "v2")
    await _types_within(boss, 0.3)
    hidden = await _in_db(lambda: Presence.objects.get(user=facilitator).hidden)
    await _disconnect(boss)

    assert hidden is False


# ---------------------------------------------------------------- alerts and messages


async def test_help_request_reaches_facilitators_and_the_cofacilitator_only(
    room, facilitator, members, make_session
):
    session, (a, _b) = await _prepare(
        make_session, facilitator, [[members[0], members[1]], [members[2]]]
    )
    await database_sync_to_async(services.cofacilitator_set)(
        actor=facilitator, workshop_id=a.pk, user_id=members[5].pk
    )
    asker, _ = await connect(room_path(room.pk), user=members[0])
    neighbour, _ = await connect(room_path(room.pk), user=members[1])
    in_b, _ = await connect(room_path(room.pk), user=members[2])
    in_plenary, _ = await connect(room_path(room.pk), user=members[3])
    cofacilitator, _ = await connect(room_path(room.pk), user=members[5])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(
        facilitator,
        session,
        [(asker, a.room_id), (neighbour, a.room_id), (cofacilitator, a.room_id)],
    )

    await asker.send_json_to(command("workshops.ask_help", "h1"))

    ack = await answer_to(asker, "h1")
    assert ack["type"] == "ack"
    for runner in (boss, cofacilitator):
        alert = await next_frame_of(runner, "workshops.help_requested")
        assert alert["payload"]["workshop"] == {
            "id": a.pk,
            "name": "Atelier 1",
            "room_id": a.room_id,
        }
        assert alert["payload"]["help_id"] == ack["payload"]["help_id"]
    for member in (asker, neighbour, in_b, in_plenary):
        assert "workshops.help_requested" not in await _types_within(member, 0.3)

    await boss.send_json_to(
        command("workshops.answer_help", "h2", help_id=ack["payload"]["help_id"])
    )

    assert (await next_frame_of(cofacilitator, "workshops.help_answered"))["payload"]["by"][
        "id"
    ] == facilitator.pk
    assert "workshops.help_answered" not in await _types_within(asker, 0.3)
    await _disconnect(asker, neighbour, in_b, in_plenary, cofacilitator, boss)


async def test_asking_for_help_from_the_plenary_is_refused(
    room, facilitator, members, make_session
):
    session, _ = await _prepare(make_session, facilitator, [[members[0]], []])
    in_plenary, _ = await connect(room_path(room.pk), user=members[3])
    await _open(facilitator, session)

    await in_plenary.send_json_to(command("workshops.ask_help", "h1"))

    error = await answer_to(in_plenary, "h1")
    assert (error["type"], error["payload"]["code"]) == ("error", "not_in_workshop")
    await _disconnect(in_plenary)


async def test_broadcast_reaches_every_workshop_and_the_plenary(
    room, facilitator, members, make_session
):
    session, (a, b) = await _prepare(make_session, facilitator, [[members[0]], [members[1]]])
    in_a, _ = await connect(room_path(room.pk), user=members[0])
    in_b, _ = await connect(room_path(room.pk), user=members[1])
    in_plenary, _ = await connect(room_path(room.pk), user=members[2])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(facilitator, session, [(in_a, a.room_id), (in_b, b.room_id)])

    await boss.send_json_to(
        command("workshops.broadcast", "b1", session_id=session.pk, text="Plus que 5 minutes")
    )

    for communicator in (in_a, in_b, in_plenary, boss):
        frame = await next_frame_of(communicator, "workshops.broadcast_sent")
        assert (frame["payload"]["text"], frame["payload"]["by"]["id"]) == (
            "Plus que 5 minutes",
            facilitator.pk,
        )
    await _disconnect(in_a, in_b, in_plenary, boss)


# ---------------------------------------------------------------- the clock


async def test_timer_warnings_and_time_up_reach_every_workshop(
    room, facilitator, members, make_session, settings
):
    settings.WORKSHOP_TIMER_WARNINGS = [2, 1]
    session, (a, b) = await _prepare(make_session, facilitator, [[members[0]], [members[1]]])
    in_a, _ = await connect(room_path(room.pk), user=members[0])
    in_b, _ = await connect(room_path(room.pk), user=members[1])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(facilitator, session, [(in_a, a.room_id), (in_b, b.room_id)])
    assert "workshops.timer_warning" not in await _types_within(in_a, 0.3)  # 20 minutes left

    started = time.monotonic()
    await boss.send_json_to(
        command("workshops.set_timer", "t1", session_id=session.pk, seconds_left=3)
    )
    assert (await answer_to(boss, "t1"))["type"] == "ack"

    async def clock(communicator):
        """(frame, seconds left, after how many seconds) of the clock's frames, read as they come."""
        heard = []
        while len(heard) < 3:
            frame = await next_frame(communicator, wait=5, skip=NOTHING)
            if frame["type"] in ("workshops.timer_warning", "workshops.time_up"):
                heard.append(
                    (
                        frame["type"],
                        frame["payload"].get("seconds_left"),
                        time.monotonic() - started,
                    )
                )
        return heard

    for heard in await asyncio.gather(clock(in_a), clock(in_b)):
        assert [(frame_type, left) for frame_type, left, _at in heard] == [
            ("workshops.timer_warning", 2),
            ("workshops.timer_warning", 1),
            ("workshops.time_up", None),
        ]
        for (_type, _left, at), due in zip(heard, (1, 2, 3), strict=True):
            assert due <= at < due + 0.75  # never early, and on time
    await _disconnect(in_a, in_b, boss)


async def test_setting_the_timer_to_zero_ends_the_time_at_once(
    room, facilitator, members, make_session
):
    session, (a, _b) = await _prepare(make_session, facilitator, [[members[0]], []])
    in_a, _ = await connect(room_path(room.pk), user=members[0])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(facilitator, session, [(in_a, a.room_id)])

    await boss.send_json_to(
        command("workshops.set_timer", "t1", session_id=session.pk, seconds_left=0)
    )
    heard = await _types_within(in_a, 1.0)
    await _disconnect(in_a, boss)

    assert "workshops.time_up" in heard


async def test_closing_returns_everyone_after_the_countdown_and_not_before(
    room, facilitator, members, make_session
):
    session, (a, b) = await _prepare(make_session, facilitator, [[members[0]], [members[1]]])
    in_a, _ = await connect(room_path(room.pk), user=members[0])
    in_b, _ = await connect(room_path(room.pk), user=members[1])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    await _open_and_follow(facilitator, session, [(in_a, a.room_id), (in_b, b.room_id)])

    started = time.monotonic()
    await boss.send_json_to(
        command("workshops.close", "c1", session_id=session.pk, grace_seconds=2)
    )

    for communicator in (in_a, in_b):
        closing = await next_frame_of(communicator, "workshops.session_updated")
        assert closing["payload"]["status"] == "closing"
    assert "rooms.room_synced" not in await _types_within(in_a, 1.2)
    for communicator in (in_a, in_b):
        await _moved_to(communicator, room.pk)
    assert time.monotonic() - started >= 1.9
    await asyncio.sleep(0.2)
    status = await _in_db(lambda: WorkshopSession.objects.get(pk=session.pk).status)
    assert status == "closed"  # the server recorded the end
    await _disconnect(in_a, in_b, boss)


@database_sync_to_async
def _close(facilitator, session, grace_seconds):
    services.session_close(actor=facilitator, session_id=session.pk, grace_seconds=grace_seconds)


async def test_with_no_facilitator_connected_the_session_closes_on_time_and_everyone_returns(
    room, facilitator, members, make_session
):
    session, (a, b) = await _prepare(make_session, facilitator, [[members[0]], [members[1]]])
    in_a, _ = await connect(room_path(room.pk), user=members[0])
    in_b, _ = await connect(room_path(room.pk), user=members[1])
    await _open_and_follow(facilitator, session, [(in_a, a.room_id), (in_b, b.room_id)])

    await _close(facilitator, session, 2)  # from elsewhere: no facilitator's socket here
    closes_at = await _in_db(lambda: WorkshopSession.objects.get(pk=session.pk).closes_at)
    for communicator in (in_a, in_b):
        closing = await next_frame_of(communicator, "workshops.session_updated")
        assert closing["payload"]["status"] == "closing"
    for communicator in (in_a, in_b):
        closed = await next_frame_of(communicator, "workshops.session_updated", wait=4)
        assert closed["payload"]["status"] == "closed"
        await _moved_to(communicator, room.pk)
    stored = await _in_db(lambda: WorkshopSession.objects.get(pk=session.pk))
    await _disconnect(in_a, in_b)

    assert (stored.status, stored.closed_at) == ("closed", closes_at)
    assert await _in_db(
        lambda: LogEntry.objects.filter(session=session, kind=LogEntry.Kind.CLOSED).count()
    ) == 1


async def test_a_meeting_socket_starts_the_sweep_only_where_the_server_sweeps(room, members, settings):
    settings.DEADLINE_SWEEP_IN_SERVER = False
    first, _ = await connect(room_path(room.pk), user=members[0])
    without = deadlines._sweep
    settings.DEADLINE_SWEEP_IN_SERVER = True
    second, _ = await connect(room_path(room.pk), user=members[1])
    sweep = deadlines._sweep
    await _disconnect(first, second)

    assert without is None
    assert sweep is not None
    assert not sweep.task.done()


# ---------------------------------------------------------------- bad commands


MALFORMED = [
    ("workshops.assign", {"session_id": "SESSION"}, "invalid"),
    (
        "workshops.assign",
        {"session_id": "SESSION", "user_id": "abc", "workshop_id": None},
        "invalid",
    ),
    ("workshops.assign", {"session_id": "s", "user_id": "MEMBER", "workshop_id": None}, "invalid"),
    ("workshops.open", {}, "invalid"),
    ("workshops.open", {"session_id": "1"}, "invalid"),
    ("workshops.open", {"session_id": [1]}, "invalid"),
    ("workshops.draw", {"session_id": "SESSION", "mode": 3}, "invalid"),
    ("workshops.set_timer", {"session_id": "SESSION", "seconds_left": "10"}, "invalid"),
    ("workshops.broadcast", {"session_id": "SESSION", "text": 5}, "invalid"),
    ("workshops.import_list", {"session_id": "SESSION", "csv_text": {"a": 1}}, "invalid"),
    ("workshops.reopen", {"session_id": "SESSION", "shuffle": "yes"}, "invalid"),
    ("workshops.duplicate", {"session_id": "SESSION", "keep_assignments": "no"}, "invalid"),
    (
        "workshops.update_session",
        {"session_id": "SESSION", "include_followers": "false"},
        "invalid",
    ),
    (
        "workshops.set_cofacilitator",
        {"workshop_id": "WORKSHOP", "user_id": "MEMBER-as-text"},
        "invalid",
    ),
    ("workshops.visit", {"workshop_id": "1"}, "invalid"),
    ("workshops.visit", {}, "invalid"),
    ("workshops.log", {"session_id": "abc"}, "invalid"),
    ("workshops.log", {}, "invalid"),
    ("workshops.create_session", {"title": "Ateliers", "workshops": "A, B"}, "invalid"),
    ("workshops.create_session", {"title": ["Ateliers"], "workshops": [{"name": "A"}]}, "invalid"),
    ("workshops.return", {}, "not_visiting"),
    ("workshops.answer_help", {"help_id": "x"}, "invalid"),
    ("workshops.choose", {"session_id": "SESSION"}, "invalid"),
    # wrong types in every field the services take (no generic catch turns a crash into an error)
    ("workshops.update_session", {"session_id": "SESSION", "duration_seconds": "abc"}, "invalid"),
    ("workshops.update_session", {"session_id": "SESSION", "grace_seconds": [60]}, "invalid"),
    ("workshops.update_session", {"session_id": "SESSION", "include_followers": "yes"}, "invalid"),
    ("workshops.update_session", {"session_id": "SESSION", "strata": 5}, "invalid"),
    ("workshops.update_session", {"session_id": "SESSION", "mode": ["random"]}, "invalid"),
    ("workshops.update_session", {"session_id": "SESSION", "max_proposals": "3"}, "invalid"),
    ("workshops.update_session", {"session_id": "SESSION", "title": {"fr": "Ateliers"}}, "invalid"),
    ("workshops.add_workshop", {"session_id": "SESSION", "name": 5}, "invalid"),
    ("workshops.add_workshop", {"session_id": "SESSION", "name": "C", "capacity": "ten"}, "invalid"),
    ("workshops.add_workshop", {"session_id": "SESSION", "name": "C", "topic": ["a"]}, "invalid"),
    ("workshops.update_workshop", {"workshop_id": "WORKSHOP", "group_ids": "1,2"}, "invalid"),
    ("workshops.update_workshop", {"workshop_id": "WORKSHOP", "group_ids": ["1"]}, "invalid"),
    ("workshops.update_workshop", {"workshop_id": "WORKSHOP", "capacity": 2.5}, "invalid"),
    ("workshops.set_cofacilitator", {"workshop_id": "WORKSHOP", "user_id": "MEMBER-as-text"}, "invalid"),
    ("workshops.remove_workshop", {"workshop_id": [1]}, "invalid"),
    ("workshops.create_session", {"title": "A", "workshops": [{"name": "A", "capacity": "x"}]}, "invalid"),
    ("workshops.create_session", {"title": "A", "workshops": ["A"]}, "invalid"),
    ("workshops.create_session", {"title": "A", "workshops": [{"name": "A"}], "duration_seconds": "x"}, "invalid"),
]


async def test_malformed_commands_get_an_error_and_change_nothing(
    room, facilitator, members, make_session, settings
):
    settings.ROOM_RATE_LIMIT = "100/10"
    session, (a, _b) = await _prepare(make_session, facilitator, [[], []])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    values = {
        "SESSION": session.pk,
        "MEMBER": members[0].pk,
        "WORKSHOP": a.pk,
        "MEMBER-as-text": str(members[0].pk),
    }

    for index, (frame_type, payload, code) in enumerate(MALFORMED):
        payload = {
            key: values.get(value, value) if isinstance(value, str) else value
            for key, value in payload.items()
        }
        await boss.send_json_to(command(frame_type, f"bad{index}", **payload))
        error = await answer_to(boss, f"bad{index}")
        assert (error["type"], error["payload"].get("code")) == ("error", code), (
            frame_type,
            payload,
            error,
        )
        assert error["payload"]["message"], (frame_type, payload)

    assert "workshops.session_updated" not in await _types_within(boss, 0.3)
    state = await _in_db(
        lambda: (
            list(WorkshopSession.objects.values_list("status", "mode", "include_followers")),
            Assignment.objects.count(),
            Workshop.objects.filter(cofacilitator__isnull=False).count(),
            LogEntry.objects.count(),
        )
    )
    assert state == ([("draft", "random", False)], 0, 0, 0)
    await _disconnect(boss)


async def test_a_member_cannot_run_the_workshops(room, facilitator, members, make_session):
    session, (a, _b) = await _prepare(make_session, facilitator, [[members[0]], []])
    member, _ = await connect(room_path(room.pk), user=members[1])

    for request_id, frame_type, payload in (
        ("r1", "workshops.open", {"session_id": session.pk}),
        (
            "r2",
            "workshops.assign",
            {"session_id": session.pk, "user_id": members[1].pk, "workshop_id": a.pk},
        ),
        ("r3", "workshops.visit", {"workshop_id": a.pk}),
        ("r4", "workshops.log", {"session_id": session.pk}),
    ):
        await member.send_json_to(command(frame_type, request_id, **payload))
        error = await answer_to(member, request_id)
        assert (error["type"], error["payload"]["code"]) == ("error", "forbidden"), frame_type

    state = await _in_db(
        lambda: (WorkshopSession.objects.get(pk=session.pk).status, Assignment.objects.count())
    )
    assert state == ("draft", 1)
    await _disconnect(member)


@pytest.fixture
def intruder_room(room, room_factory, council_factory):
    """A room of another council hung under this plenary by a direct write (the admin now refuses it)."""
    own = room_factory(council=council_factory(name="Conseil voisin"), name="Salle voisine")
    Room.objects.filter(pk=own.pk).update(parent=room)
    return own


async def test_a_room_hung_under_another_councils_plenary_hears_nothing_of_its_meeting(
    room, facilitator, make_session, intruder_room, user_with_role
):
    session = await database_sync_to_async(make_session)(2)
    intruder = await database_sync_to_async(user_with_role)("administrator", intruder_room.council)
    communicator = ws_communicator(room_path(intruder_room.pk), user=intruder)
    await communicator.connect()
    boss, _ = await connect(room_path(room.pk), user=facilitator)

    await boss.send_json_to(
        command("workshops.update_session", "r1", session_id=session.pk, title="Ateliers confidentiels")
    )

    assert (await answer_to(boss, "r1"))["type"] == "ack"
    assert (await next_frame_of(boss, "workshops.session_updated"))["payload"]["title"] == "Ateliers confidentiels"
    outputs = []
    while not await communicator.receive_nothing(0.5):
        outputs.append(await communicator.receive_output())

    sent = [json.loads(output["text"])["type"] for output in outputs if output["type"] == "websocket.send"]
    assert "workshops.session_updated" not in sent
    assert outputs[-1] == {"type": "websocket.close", "code": 4403}
    await _disconnect(communicator, boss)
