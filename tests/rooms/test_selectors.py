"""Room reads: the snapshot a socket gets, resync after a gap, presence across tabs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from council.core.memo import remembered
from council.rooms import services
from council.rooms.models import Presence
from council.rooms.selectors import capabilities
from council.rooms.selectors import presence_summary
from council.rooms.selectors import room_list_visible_to
from council.rooms.selectors import room_snapshot
from council.rooms.selectors import room_views_remember

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(room, user_with_role):
    return user_with_role("member", room.council, display_name="Marc Membre")


@pytest.fixture
def facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, display_name="Fatou Facilitatrice")


def _post(room, author, count):
    for n in range(count):
        services.message_post(actor=author, room_id=room.pk, text=f"Message {n + 1}")


def test_since_seq_returns_exactly_the_missed_messages(room, member, facilitator):
    _post(room, member, 5)
    services.message_delete(actor=facilitator, room_id=room.pk, seq=2)  # seen, then deleted
    services.message_delete(actor=facilitator, room_id=room.pk, seq=4)  # missed and deleted

    snapshot = room_snapshot(user=member, room_id=room.pk, since_seq=3)

    assert [(m["seq"], m["text"], m["deleted"]) for m in snapshot["messages"]] == [
        (4, "", True),
        (5, "Message 5", False),
    ]
    assert snapshot["deleted_seqs"] == [2]
    assert snapshot["since_seq"] == 3
    assert snapshot["truncated"] is False
    assert snapshot["room"]["last_seq"] == 5


def test_since_the_last_seq_there_is_nothing_missed(room, member):
    _post(room, member, 3)

    snapshot = room_snapshot(user=member, room_id=room.pk, since_seq=3)

    assert snapshot["messages"] == []
    assert snapshot["deleted_seqs"] == []


def test_first_connection_gets_recent_history(room, member, settings):
    settings.ROOM_HISTORY_ON_JOIN = 2
    _post(room, member, 3)

    snapshot = room_snapshot(user=member, room_id=room.pk)

    assert [m["seq"] for m in snapshot["messages"]] == [2, 3]
    assert snapshot["deleted_seqs"] == []


def test_a_long_gap_is_cut_short_and_says_so(room, member, settings):
    settings.ROOM_RESYNC_MAX = 2
    _post(room, member, 5)

    snapshot = room_snapshot(user=member, room_id=room.pk, since_seq=1)

    assert [m["seq"] for m in snapshot["messages"]] == [2, 3]
    assert snapshot["truncated"] is True


def test_snapshot_tells_the_person_what_they_may_do(room, member, user_with_role):
    resident = user_with_role("resident", room.council)

    mine = room_snapshot(user=member, room_id=room.pk)["me"]
    theirs = room_snapshot(user=resident, room_id=room.pk)["me"]

    assert mine == {
        "id": member.pk,
        "name": "Marc Membre",
        "role": "member",
        "capabilities": {
            "send_message": True,
            "raise_hand": True,
            "moderate_room": False,
            "publish_media": True,
            "moderate_media": False,
        },
    }
    assert theirs["capabilities"] == {
        "send_message": False,
        "raise_hand": True,
        "moderate_room": False,
        "publish_media": False,
        "moderate_media": False,
    }


def test_presence_counts_a_person_once_across_tabs(room, member, facilitator):
    services.room_join(actor=member, room_id=room.pk, channel_name="tab-1")
    services.room_join(actor=member, room_id=room.pk, channel_name="tab-2")
    services.room_join(actor=facilitator, room_id=room.pk, channel_name="tab-3")

    summary = presence_summary(room=room)

    assert summary["count"] == 2
    assert summary["counts_by_role"] == {"member": 1, "facilitator": 1}
    assert summary["participants"] == [
        {"id": facilitator.pk, "name": "Fatou Facilitatrice", "role": "facilitator", "moderates": True},
        {"id": member.pk, "name": "Marc Membre", "role": "member", "moderates": False},
    ]

    services.room_leave(channel_name="tab-1")

    assert presence_summary(room=room)["count"] == 2  # the other tab is still open
    services.room_leave(channel_name="tab-2")
    assert presence_summary(room=room)["count"] == 1


def test_stale_sockets_do_not_count(room, member, settings):
    services.room_join(actor=member, room_id=room.pk, channel_name="tab-1")
    Presence.objects.update(
        seen_at=timezone.now() - timedelta(seconds=settings.ROOM_PRESENCE_TTL_SECONDS + 1)
    )

    assert presence_summary(room=room)["count"] == 0


def test_big_rooms_list_only_the_first_people(room, user_with_role, settings):
    settings.ROOM_PRESENCE_LIST_MAX = 2
    for n in range(3):
        person = user_with_role("member", room.council)
        services.room_join(actor=person, room_id=room.pk, channel_name=f"tab-{n}")

    summary = presence_summary(room=room)

    assert (summary["count"], len(summary["participants"]), summary["truncated"]) == (3, 2, True)


def test_removed_people_do_not_see_the_room_listed(room, room_factory, member, facilitator):
    other = room_factory(council=room.council)
    services.participant_remove(actor=facilitator, room_id=room.pk, user_id=member.pk)

    assert list(room_list_visible_to(user=member, council=room.council)) == [other]
    assert set(room_list_visible_to(user=facilitator, council=room.council)) == {room, other}


def test_capabilities_follow_the_mute(room, member, facilitator):
    services.participant_mute(actor=facilitator, room_id=room.pk, user_id=member.pk)

    assert capabilities(user=member, room=room) == {
        "send_message": False,
        "raise_hand": True,
        "moderate_room": False,
        "publish_media": True,
        "moderate_media": False,
    }


@pytest.mark.parametrize("since_seq", [None, 2])
def test_snapshot_query_count_does_not_grow_with_the_room(
    since_seq, room, member, user_with_role, django_assert_num_queries
):
    for n in range(5):
        person = user_with_role("member", room.council)
        services.room_join(actor=person, room_id=room.pk, channel_name=f"tab-{n}")
        services.hand_raise(actor=person, room_id=room.pk)
        _post(room, person, 2)

    with django_assert_num_queries(QUERIES[since_seq]):
        snapshot = room_snapshot(user=member, room_id=room.pk, since_seq=since_seq)

    assert (snapshot["presence"]["count"], len(snapshot["hands"])) == (5, 5)
    assert len(snapshot["messages"]) == (10 if since_seq is None else 8)


# room 1, messages 1, role 1, capabilities 3 (facilitator grants to the person and their groups
# in one query, the removal, mute and floor rows in one, eligible groups), presence 3 (rows with
# names, roles, the facilitator grants of those listed), hands 1; a resync adds the deleted seqs.
# None of it grows with the room.
QUERIES = {None: 10, 2: 11}


def test_the_views_of_many_rooms_read_at_once_are_those_of_each_room(
    room, room_factory, member, facilitator, user_with_role, settings, django_assert_num_queries
):
    """A wave of sockets moving into many rooms reads them together (council/rooms/moves.py)."""
    settings.ROOM_HISTORY_ON_JOIN = 2
    other, empty = room_factory(council=room.council), room_factory(council=room.council)
    _post(room, member, 3)
    _post(other, facilitator, 1)
    resident = user_with_role("resident", room.council, display_name="Rémi Résident")
    for person, where, tab in ((member, room, "a"), (facilitator, room, "b"), (resident, other, "c"), (member, other, "d")):
        services.room_join(actor=person, room_id=where.pk, channel_name=tab)
    services.hand_raise(actor=resident, room_id=other.pk)
    rooms = [room, other, empty]
    one_by_one = {
        r.pk: room_snapshot(user=member, room_id=r.pk) for r in rooms
    }

    with remembered():
        with django_assert_num_queries(6):  # rooms, messages, presence 3 (people, roles, grants), hands
            room_views_remember({r.pk for r in rooms})
        together = {r.pk: room_snapshot(user=member, room_id=r.pk) for r in rooms}

    for pk, snapshot in one_by_one.items():
        for part in ("room", "messages", "presence", "hands"):
            assert together[pk][part] == snapshot[part], (pk, part)
    assert [m["seq"] for m in together[room.pk]["messages"]] == [2, 3]
    assert [m["text"] for m in together[other.pk]["messages"]] == ["Message 1"]
    assert together[other.pk]["presence"]["counts_by_role"] == {"member": 1, "resident": 1}
    assert [h["name"] for h in together[other.pk]["hands"]] == ["Rémi Résident"]
    assert together[empty.pk]["presence"]["count"] == 0


def test_rooms_kept_for_a_group_are_listed_only_to_its_members(room, room_factory, user_with_role):
    from council.groups.models import Membership
    from council.groups.models import NeighbourhoodGroup

    seniors = NeighbourhoodGroup.objects.create(council=room.council, name="Aînés")
    kept = room_factory(council=room.council, name="Séance des aînés")
    kept.eligible_groups.set([seniors])
    senior, other = user_with_role("resident", room.council), user_with_role("resident", room.council)
    Membership.objects.create(group=seniors, user=senior, status=Membership.Status.ACTIVE)

    assert set(room_list_visible_to(user=senior, council=room.council)) == {room, kept}
    assert list(room_list_visible_to(user=other, council=room.council)) == [room]
