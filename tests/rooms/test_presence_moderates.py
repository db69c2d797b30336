"""The presence list says who runs the room as the rule does: the page offers to mute exactly those the service lets it."""

import pytest

from council.core.errors import AccessDenied
from council.rooms import services
from council.rooms.selectors import presence_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(room, user_with_role):
    """A council facilitator, a member named facilitator of this room only, a member and a resident, all present."""
    facilitator = user_with_role("facilitator", room.council, display_name="Fatou Facilitatrice")
    room_runner = user_with_role("member", room.council, display_name="Rita Responsable")
    member = user_with_role("member", room.council, display_name="Marc Membre")
    resident = user_with_role("resident", room.council, display_name="Hugo Habitant")
    services.room_facilitator_grant(actor=facilitator, room_id=room.pk, user_id=room_runner.pk)
    for person in (facilitator, room_runner, member, resident):
        services.room_join(actor=person, room_id=room.pk, channel_name=f"tab-{person.pk}")
    return facilitator, room_runner, member, resident


def test_a_member_who_runs_the_room_is_listed_as_running_it(room, people):
    listed = [(p["name"], p["role"], p["moderates"]) for p in presence_summary(room=room)["participants"]]

    # those who run the room first, by name; the member given the room runs it, whatever her role
    assert listed == [
        ("Fatou Facilitatrice", "facilitator", True),
        ("Rita Responsable", "member", True),
        ("Hugo Habitant", "resident", False),
        ("Marc Membre", "member", False),
    ]


def test_the_list_agrees_with_the_mute_service(room, people):
    facilitator = people[0]
    listed = {p["id"]: p["moderates"] for p in presence_summary(room=room)["participants"]}

    refused = {}
    for person in people[1:]:
        try:
            services.participant_mute(actor=facilitator, room_id=room.pk, user_id=person.pk)
            refused[person.pk] = False
        except AccessDenied:
            refused[person.pk] = True

    assert refused == {person.pk: listed[person.pk] for person in people[1:]}
    assert sorted(refused.values()) == [False, False, True]  # the case the roles got wrong is in
