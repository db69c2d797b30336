"""The agenda item's time-up is applied by the server: stored, announced once, whoever is connected."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async

from council.workshops import agenda
from council.workshops import deadlines
from council.workshops.models import AgendaItem
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path


def _start(facilitator, room, title="Budget participatif", minutes=10) -> AgendaItem:
    item_id = agenda.agenda_item_add(actor=facilitator, room_id=room.pk, title=title, planned_minutes=minutes)["item_id"]
    agenda.agenda_item_start(actor=facilitator, room_id=room.pk, item_id=item_id)
    return AgendaItem.objects.get(pk=item_id)


def _time_ups(captured):
    return [(group, message["payload"]) for group, message in captured if message["type"] == "workshops.agenda_time_up"]


def _sweep(at, callbacks) -> int:
    with callbacks(execute=True):
        return deadlines.deadlines_apply(now=at)


@pytest.mark.django_db
def test_the_time_up_is_announced_once_at_the_planned_end(
    room, facilitator, captured_events, django_capture_on_commit_callbacks
):
    item = _start(facilitator, room, minutes=10)

    assert item.ends_at == item.started_at + timedelta(minutes=10)
    assert deadlines.deadline_next() == item.ends_at
    done = [
        _sweep(item.ends_at - timedelta(seconds=1), django_capture_on_commit_callbacks),
        _sweep(item.ends_at, django_capture_on_commit_callbacks),
        _sweep(item.ends_at + timedelta(seconds=5), django_capture_on_commit_callbacks),
    ]

    assert done == [0, 1, 0]
    assert _time_ups(captured_events) == [
        (f"meeting.{room.pk}", {"item_id": item.pk, "title": "Budget participatif", "planned_minutes": 10})
    ]
    assert AgendaItem.objects.get(pk=item.pk).time_up_sent_at == item.ends_at
    assert deadlines.deadline_next() is None


@pytest.mark.django_db
def test_no_time_up_for_an_item_finished_before_its_time(
    room, facilitator, captured_events, django_capture_on_commit_callbacks
):
    item = _start(facilitator, room, minutes=5)
    agenda.agenda_item_finish(actor=facilitator, room_id=room.pk)

    assert _sweep(item.ends_at + timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    assert _time_ups(captured_events) == []
    assert AgendaItem.objects.get(pk=item.pk).time_up_sent_at is None


@pytest.mark.django_db
def test_no_time_up_for_an_item_followed_by_the_next_one(
    room, facilitator, captured_events, django_capture_on_commit_callbacks
):
    first = _start(facilitator, room, title="Ouverture", minutes=5)
    agenda.agenda_item_add(actor=facilitator, room_id=room.pk, title="Travaux", planned_minutes=30)
    agenda.agenda_next(actor=facilitator, room_id=room.pk)

    assert _sweep(first.ends_at + timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    assert _time_ups(captured_events) == []


@pytest.mark.django_db
def test_more_time_after_the_time_up_announces_it_again_at_the_new_end(
    room, facilitator, captured_events, django_capture_on_commit_callbacks
):
    item = _start(facilitator, room, minutes=1)
    assert _sweep(item.ends_at, django_capture_on_commit_callbacks) == 1

    agenda.agenda_item_update(actor=facilitator, room_id=room.pk, item_id=item.pk, planned_minutes=6)
    lengthened = AgendaItem.objects.get(pk=item.pk)

    assert lengthened.ends_at == item.started_at + timedelta(minutes=6)
    assert _sweep(item.ends_at + timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    assert _sweep(lengthened.ends_at, django_capture_on_commit_callbacks) == 1
    assert [payload["planned_minutes"] for _group, payload in _time_ups(captured_events)] == [1, 6]


@pytest.mark.django_db(transaction=True)
async def test_a_member_hears_the_time_up_once_with_no_facilitator_connected(room, facilitator, members):
    item = await database_sync_to_async(_start)(facilitator, room, minutes=3)
    member, _ = await connect(room_path(room.pk), user=members[0])  # the only socket of the meeting

    sweeps = [await database_sync_to_async(deadlines.deadlines_apply)(now=item.ends_at) for _ in range(2)]
    frame = await next_frame_of(member, "workshops.agenda_time_up", wait=1)
    await expect_silence(member, wait=0.5)

    assert sweeps == [1, 0]
    assert frame["payload"] == {"item_id": item.pk, "title": "Budget participatif", "planned_minutes": 3}
    await member.disconnect()
