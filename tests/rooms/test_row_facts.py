"""Whether a person was removed from, muted in or given the floor in a room: one query for the three.

A connect asks the first to let the person in and the second for their capabilities; inside
one unit of work (council/core/memo.py) the three rows are read together. Outside it, and in
the next unit, a row written meanwhile is seen: rights follow every change.
"""

import pytest

from council.core.memo import remembered
from council.rooms.models import ChatMute
from council.rooms.models import RoomFloor
from council.rooms.models import RoomRemoval
from council.rooms.permissions import floor
from council.rooms.permissions import muted
from council.rooms.permissions import removed
from council.rooms.permissions import room_facts_remember

pytestmark = pytest.mark.django_db


def test_the_three_rows_are_read_in_one_query_within_a_unit(room, user_with_role, django_assert_num_queries):
    person = user_with_role("member", room.council)
    ChatMute.objects.create(room=room, user=person)
    with remembered(), django_assert_num_queries(1):
        assert (removed(person, room), muted(person, room), floor(person, room)) == (False, True, False)


def test_a_row_written_after_a_unit_is_seen_by_the_next(room, user_with_role):
    person = user_with_role("member", room.council)
    with remembered():
        assert not muted(person, room)
    RoomFloor.objects.create(room=room, user=person)
    RoomRemoval.objects.create(room=room, user=person)
    with remembered():
        assert (removed(person, room), muted(person, room), floor(person, room)) == (True, False, True)
    assert removed(person, room)
    assert floor(person, room)


def test_a_wave_reads_the_rows_of_everyone_once(room, room_factory, user_with_role, django_assert_num_queries):
    other = room_factory(council=room.council)
    people = [user_with_role("member", room.council) for _ in range(3)]
    ChatMute.objects.create(room=other, user=people[1])
    RoomRemoval.objects.create(room=room, user=people[2])
    with remembered():
        room_facts_remember(users=people, rooms=[room, other])
        with django_assert_num_queries(0):
            answers = {
                (person.pk, where.pk): (removed(person, where), muted(person, where), floor(person, where))
                for person in people
                for where in (room, other)
            }
    assert answers[(people[1].pk, other.pk)] == (False, True, False)
    assert answers[(people[2].pk, room.pk)] == (True, False, False)
    assert answers[(people[0].pk, room.pk)] == (False, False, False)


def test_a_wave_reads_the_three_rows_in_one_query(room, user_with_role, django_assert_num_queries):
    from council.core.facts import facts_about
    from council.core.facts import remember_facts

    people = [user_with_role("member", room.council) for _ in range(2)]
    # one query per fact about rooms, but the three row facts share one
    with remembered(), django_assert_num_queries(len(facts_about("rooms.Room")) - 2):
        remember_facts(people, "rooms.Room", [room.pk])
