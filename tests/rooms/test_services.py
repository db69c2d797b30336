"""Room services: what they persist, what they broadcast after commit, what they refuse."""

import pytest
from guardian.shortcuts import assign_perm

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.rooms import services
from council.rooms.models import ChatMute
from council.rooms.models import Message
from council.rooms.models import Presence
from council.rooms.models import RaisedHand
from council.rooms.models import Room
from council.rooms.models import RoomRemoval
from council.rooms.selectors import hands_queue
from council.rooms.selectors import room_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(room, user_with_role):
    return user_with_role("member", room.council, display_name="Marc Membre")


@pytest.fixture
def facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, display_name="Fatou Facilitatrice")


@pytest.fixture
def resident(room, user_with_role):
    return user_with_role("resident", room.council, display_name="Hugo Habitant")


def _types(captured):
    return [(group, message["type"]) for group, message in captured]


# Chat messages


def test_messages_get_gapless_seqs(
    room, member, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        results = [
            services.message_post(actor=member, room_id=room.pk, text="Bonjour"),
            services.message_post(actor=facilitator, room_id=room.pk, text="Bienvenue"),
            services.message_post(actor=member, room_id=room.pk, text="Merci"),
        ]

    assert [r["seq"] for r in results] == [1, 2, 3]
    assert list(Message.objects.filter(room=room).values_list("seq", "text")) == [
        (1, "Bonjour"),
        (2, "Bienvenue"),
        (3, "Merci"),
    ]
    assert Room.objects.get(pk=room.pk).last_seq == 3
    assert [(g, m["payload"]["seq"], m["payload"]["text"]) for g, m in captured_events] == [
        (f"room.{room.pk}", 1, "Bonjour"),
        (f"room.{room.pk}", 2, "Bienvenue"),
        (f"room.{room.pk}", 3, "Merci"),
    ]


def test_message_is_persisted_before_it_is_broadcast(
    room, member, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.message_post(actor=member, room_id=room.pk, text="Bonjour")

        assert Message.objects.filter(room=room, seq=1, text="Bonjour").exists()
        assert captured_events == []  # nothing leaves before the transaction commits

    for callback in callbacks:
        callback()
    group, message = captured_events[0]
    assert len(captured_events) == 1
    assert group == f"room.{room.pk}"
    assert message["type"] == "rooms.message_posted"
    assert message["payload"]["author"] == {"id": member.pk, "name": "Marc Membre"}
    assert '"type":"rooms.message_posted"' in message["frame"]


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 2001])
def test_refuses_empty_or_too_long_text(text, room, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(InvalidInput) as error:
        services.message_post(actor=member, room_id=room.pk, text=text)

    assert error.value.code == "invalid"
    assert not Message.objects.filter(room=room).exists()
    assert Room.objects.get(pk=room.pk).last_seq == 0  # no seq was used up
    assert callbacks == []


def test_longest_message_is_accepted(room, member, settings):
    settings.ROOM_MESSAGE_MAX_CHARS = 10

    services.message_post(actor=member, room_id=room.pk, text="x" * 10)

    with pytest.raises(InvalidInput):
        services.message_post(actor=member, room_id=room.pk, text="x" * 11)
    assert Message.objects.get(room=room).text == "x" * 10


def test_outsider_cannot_post(room, user_factory, django_capture_on_commit_callbacks):
    outsider = user_factory()

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(AccessDenied):
        services.message_post(actor=outsider, room_id=room.pk, text="Bonjour")

    assert not Message.objects.exists()
    assert callbacks == []


def test_same_request_id_is_not_applied_twice(
    room, member, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.message_post(
            actor=member, room_id=room.pk, text="Bonjour", request_id="r1"
        )
        again = services.message_post(
            actor=member, room_id=room.pk, text="Bonjour", request_id="r1"
        )
        other = services.message_post(
            actor=member, room_id=room.pk, text="Bonjour", request_id="r2"
        )

    assert first == {"seq": 1, "duplicate": False}
    assert again == {"seq": 1, "duplicate": True}
    assert other == {"seq": 2, "duplicate": False}
    assert Message.objects.filter(room=room).count() == 2
    assert [m["payload"]["seq"] for _g, m in captured_events] == [1, 2]


def test_request_ids_are_per_author(room, member, facilitator):
    services.message_post(actor=member, room_id=room.pk, text="Un", request_id="r1")
    second = services.message_post(actor=facilitator, room_id=room.pk, text="Deux", request_id="r1")

    assert second == {"seq": 2, "duplicate": False}


def test_delete_hides_the_text_for_everyone(
    room, member, facilitator, message_factory, captured_events, django_capture_on_commit_callbacks
):
    message_factory(room=room, author=member, text="Premier")
    message_factory(room=room, author=member, text="À supprimer")

    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(actor=facilitator, room_id=room.pk, seq=2)
        services.message_delete(actor=facilitator, room_id=room.pk, seq=2)  # no second event

    assert captured_events == [
        (
            f"room.{room.pk}",
            {
                "type": "rooms.message_deleted",
                "frame": f'{{"type":"rooms.message_deleted","payload":{{"room_id":{room.pk},"seq":2}}}}',
                "payload": {"room_id": room.pk, "seq": 2},
            },
        )
    ]
    deleted = Message.objects.get(room=room, seq=2)
    assert deleted.deleted_by == facilitator
    shown = room_snapshot(user=member, room_id=room.pk)["messages"]
    assert [(m["seq"], m["text"], m["deleted"]) for m in shown] == [
        (1, "Premier", False),
        (2, "", True),
    ]


def test_member_cannot_delete(room, member, message_factory, django_capture_on_commit_callbacks):
    message_factory(room=room, author=member)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(AccessDenied):
        services.message_delete(actor=member, room_id=room.pk, seq=1)

    assert Message.objects.get(room=room, seq=1).deleted_at is None
    assert callbacks == []


def test_deleting_a_missing_seq_is_invalid(room, facilitator):
    with pytest.raises(InvalidInput):
        services.message_delete(actor=facilitator, room_id=room.pk, seq=7)


# Hands


def test_hands_queue_in_order_of_raising(
    room, member, resident, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.hand_raise(actor=member, room_id=room.pk)
        services.hand_raise(actor=resident, room_id=room.pk)
        services.hand_raise(actor=member, room_id=room.pk)  # already raised: no change

    assert [h["user_id"] for h in hands_queue(room=room)] == [member.pk, resident.pk]
    assert _types(captured_events) == [(f"room.{room.pk}", "rooms.hands_changed")] * 2
    assert [h["name"] for h in captured_events[-1][1]["payload"]["queue"]] == [
        "Marc Membre",
        "Hugo Habitant",
    ]


def test_facilitator_reorders_lowers_and_clears(
    room,
    member,
    resident,
    facilitator,
    user_with_role,
    captured_events,
    django_capture_on_commit_callbacks,
):
    third = user_with_role("member", room.council)
    for person in (member, resident, third):
        services.hand_raise(actor=person, room_id=room.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.hands_reorder(actor=facilitator, room_id=room.pk, user_ids=[third.pk, member.pk])
        reordered = [h["user_id"] for h in hands_queue(room=room)]
        services.hand_lower(actor=facilitator, room_id=room.pk, user_id=member.pk)
        lowered = [h["user_id"] for h in hands_queue(room=room)]
        services.hands_clear(actor=facilitator, room_id=room.pk)

    assert reordered == [third.pk, member.pk, resident.pk]
    assert lowered == [third.pk, resident.pk]
    assert not RaisedHand.objects.filter(room=room).exists()
    assert [m["payload"]["queue"] for _g, m in captured_events][-1] == []
    assert len(captured_events) == 3


def test_participant_lowers_own_hand_but_not_others(room, member, resident):
    services.hand_raise(actor=member, room_id=room.pk)
    services.hand_raise(actor=resident, room_id=room.pk)

    services.hand_lower(actor=member, room_id=room.pk)
    with pytest.raises(AccessDenied):
        services.hand_lower(actor=member, room_id=room.pk, user_id=resident.pk)
    with pytest.raises(AccessDenied):
        services.hands_reorder(actor=member, room_id=room.pk, user_ids=[resident.pk])
    with pytest.raises(AccessDenied):
        services.hands_clear(actor=member, room_id=room.pk)

    assert [h["user_id"] for h in hands_queue(room=room)] == [resident.pk]


# Moderation


def test_mute_stops_writing_and_unmute_restores_it(
    room, member, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_mute(actor=facilitator, room_id=room.pk, user_id=member.pk)

    with pytest.raises(AccessDenied):
        services.message_post(actor=member, room_id=room.pk, text="Puis-je parler ?")
    assert member.has_perm("rooms.view_room", room)  # still follows the room
    assert captured_events[0][1]["payload"] == {
        "room_id": room.pk,
        "user_id": member.pk,
        "muted": True,
    }

    services.participant_mute(actor=facilitator, room_id=room.pk, user_id=member.pk, muted=False)

    assert services.message_post(actor=member, room_id=room.pk, text="Merci")["seq"] == 1
    assert not ChatMute.objects.exists()


def test_facilitators_cannot_be_muted_or_removed(room, facilitator, user_with_role):
    administrator = user_with_role("administrator", room.council)

    with pytest.raises(AccessDenied):
        services.participant_mute(actor=administrator, room_id=room.pk, user_id=facilitator.pk)
    with pytest.raises(AccessDenied):
        services.participant_remove(actor=administrator, room_id=room.pk, user_id=facilitator.pk)
    with pytest.raises(InvalidInput):
        services.participant_mute(actor=facilitator, room_id=room.pk, user_id=facilitator.pk)

    assert not ChatMute.objects.exists()
    assert not RoomRemoval.objects.exists()


def test_member_cannot_mute_or_remove(room, member, resident):
    with pytest.raises(AccessDenied):
        services.participant_mute(actor=member, room_id=room.pk, user_id=resident.pk)
    with pytest.raises(AccessDenied):
        services.participant_remove(actor=member, room_id=room.pk, user_id=resident.pk)


def test_remove_keeps_the_person_out(
    room, member, facilitator, captured_events, django_capture_on_commit_callbacks
):
    services.room_join(actor=member, room_id=room.pk, channel_name="chan-a")
    services.room_join(actor=member, room_id=room.pk, channel_name="chan-b")
    services.hand_raise(actor=member, room_id=room.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.participant_remove(actor=facilitator, room_id=room.pk, user_id=member.pk)

    assert not member.has_perm("rooms.view_room", room)
    assert not member.has_perm("rooms.join_room", room)
    with pytest.raises(AccessDenied):
        services.room_join(actor=member, room_id=room.pk, channel_name="chan-c")
    assert not Presence.objects.filter(user=member).exists()
    assert not RaisedHand.objects.filter(user=member).exists()
    assert _types(captured_events) == [
        (f"room.{room.pk}", "rooms.hands_changed"),
        (f"room.{room.pk}", "rooms.participant_removed"),
    ]
    assert captured_events[-1][1]["payload"] == {"room_id": room.pk, "user_id": member.pk}

    services.participant_readmit(actor=facilitator, room_id=room.pk, user_id=member.pk)

    assert member.has_perm("rooms.join_room", room)


def test_lock_keeps_members_out_but_not_facilitators(
    room, member, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.room_lock(actor=facilitator, room_id=room.pk)

    with pytest.raises(AccessDenied):
        services.room_join(actor=member, room_id=room.pk, channel_name="chan-member")
    services.room_join(actor=facilitator, room_id=room.pk, channel_name="chan-facilitator")
    assert list(Presence.objects.values_list("user_id", flat=True)) == [facilitator.pk]
    assert captured_events[0][1]["type"] == "rooms.room_updated"
    assert captured_events[0][1]["payload"]["locked"] is True

    services.room_lock(actor=facilitator, room_id=room.pk, locked=False)

    services.room_join(actor=member, room_id=room.pk, channel_name="chan-member")


def test_people_inside_a_locked_room_keep_taking_part(room, member, facilitator):
    services.room_join(actor=member, room_id=room.pk, channel_name="chan-member")
    services.room_lock(actor=facilitator, room_id=room.pk)

    assert services.message_post(actor=member, room_id=room.pk, text="Toujours là")["seq"] == 1
    services.hand_raise(actor=member, room_id=room.pk)


def test_member_cannot_lock_or_open_chat(room, member):
    with pytest.raises(AccessDenied):
        services.room_lock(actor=member, room_id=room.pk)
    with pytest.raises(AccessDenied):
        services.room_chat_open(actor=member, room_id=room.pk)

    room.refresh_from_db()
    assert (room.is_locked, room.residents_can_chat) == (False, False)


def test_open_chat_lets_residents_write(
    room, resident, facilitator, captured_events, django_capture_on_commit_callbacks
):
    with pytest.raises(AccessDenied):
        services.message_post(actor=resident, room_id=room.pk, text="Bonjour")

    with django_capture_on_commit_callbacks(execute=True):
        services.room_chat_open(actor=facilitator, room_id=room.pk)

    assert services.message_post(actor=resident, room_id=room.pk, text="Bonjour")["seq"] == 1
    assert captured_events[0][1]["payload"]["residents_can_chat"] is True

    services.room_chat_open(actor=facilitator, room_id=room.pk, open_to_residents=False)

    with pytest.raises(AccessDenied):
        services.message_post(actor=resident, room_id=room.pk, text="Encore")


def test_room_facilitator_grant_moderates_that_room(room, resident, member, message_factory):
    assign_perm("rooms.facilitate_room", resident, room)
    message_factory(room=room, author=member)

    services.message_delete(actor=resident, room_id=room.pk, seq=1)
    services.participant_mute(actor=resident, room_id=room.pk, user_id=member.pk)

    assert Message.objects.get(room=room, seq=1).deleted_at is not None
    assert ChatMute.objects.filter(room=room, user=member).exists()


def test_room_create_needs_a_facilitator(council, user_with_role):
    facilitator = user_with_role("facilitator", council)
    member = user_with_role("member", council)

    room = services.room_create(actor=facilitator, council=council, name="  Séance du 3 décembre ")

    assert room.name == "Séance du 3 décembre"
    with pytest.raises(AccessDenied):
        services.room_create(actor=member, council=council, name="Autre")
    assert list(council.rooms.values_list("name", flat=True)) == ["Séance du 3 décembre"]


def test_room_update_refuses_groups_of_another_council(room, facilitator, council_factory, captured_events):
    from django.core.exceptions import ValidationError

    from council.groups.models import NeighbourhoodGroup

    foreign = NeighbourhoodGroup.objects.create(council=council_factory(), name="Ailleurs")

    with pytest.raises(ValidationError) as error:
        services.room_update(actor=facilitator, room_id=room.pk, name="Nouveau nom", eligible_group_ids=[foreign.pk])

    assert error.value.message_dict == {"eligible_groups": ["Choose only groups of this council."]}
    room.refresh_from_db()
    assert room.name != "Nouveau nom"
    assert list(room.eligible_groups.all()) == []
    assert captured_events == []


def test_room_update_needs_a_facilitator(room, member):
    with pytest.raises(AccessDenied):
        services.room_update(actor=member, room_id=room.pk, name="Nouveau nom")

    room.refresh_from_db()
    assert room.name != "Nouveau nom"


def test_room_create_refuses_groups_of_another_council(council, user_with_role, council_factory):
    from django.core.exceptions import ValidationError

    from council.groups.models import NeighbourhoodGroup

    foreign = NeighbourhoodGroup.objects.create(council=council_factory(), name="Ailleurs")

    with pytest.raises(ValidationError):
        services.room_create(
            actor=user_with_role("facilitator", council), council=council, name="Séance", eligible_group_ids=[foreign.pk]
        )

    assert not council.rooms.exists()
