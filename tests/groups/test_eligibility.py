"""Eligibility: a room open only to some groups keeps everyone else out, by one mechanism."""

from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from guardian.shortcuts import assign_perm

from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.permissions import is_eligible
from tests.groups.conftest import INSIDE_NORD
from tests.groups.conftest import INSIDE_SUD
from tests.helpers import connect
from tests.helpers import expect_close
from tests.helpers import room_path
from tests.helpers import ws_communicator

NORTH_RULE = {"field": "zone", "op": "in", "value": ["nord"]}


@pytest.fixture
def north(segment, zones):
    return segment(NORTH_RULE, name="Habitants du nord")


@pytest.fixture
def north_room(council, room_factory, north):
    room = room_factory(council=council, name="Réunion du nord")
    room.eligible_groups.set([north])
    return room


@pytest.fixture
def cast(resident, facilitator, council, north_room):
    """Who's who around a room open only to the north."""
    room_facilitator = resident("resident", at=INSIDE_SUD)
    assign_perm("rooms.facilitate_room", room_facilitator, north_room)
    return {
        "northerner": resident("resident", at=INSIDE_NORD),
        "southerner": resident("member", at=INSIDE_SUD),
        "no profile": resident("member"),
        "facilitator": facilitator,
        "room facilitator": room_facilitator,
        "outsider in the north": resident("outsider", at=INSIDE_NORD),
    }


ALLOWED = {
    "northerner": True,
    "southerner": False,
    "no profile": False,
    "facilitator": True,
    "room facilitator": True,
    "outsider in the north": False,
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(ALLOWED))
@pytest.mark.parametrize("perm", ["rooms.view_room", "rooms.join_room", "rooms.raise_hand"])
def test_only_the_segment_and_facilitators_may_enter(who, perm, cast, north_room):
    assert cast[who].has_perm(perm, north_room) is ALLOWED[who]


@pytest.mark.django_db
def test_visitors_are_not_eligible(north_room):
    assert not AnonymousUser().has_perm("rooms.view_room", north_room)


@pytest.mark.django_db
def test_a_room_without_groups_is_open_to_the_whole_council(council, room_factory, resident, zones):
    room = room_factory(council=council)
    southerner = resident("member", at=INSIDE_SUD)

    assert southerner.has_perm("rooms.join_room", room)


@pytest.mark.django_db
def test_any_of_several_groups_is_enough(council, north_room, resident, static_group):
    workshop = static_group("Atelier vélo")
    southerner = resident("member", at=INSIDE_SUD)
    north_room.eligible_groups.add(workshop)
    assert not southerner.has_perm("rooms.view_room", north_room)

    Membership.objects.create(group=workshop, user=southerner, status=Membership.Status.ACTIVE)

    assert southerner.has_perm("rooms.view_room", north_room)


@pytest.mark.django_db
def test_an_invitation_to_the_group_is_not_enough(council, resident, static_group, room_factory):
    workshop = static_group("Atelier vélo")
    room = room_factory(council=council)
    room.eligible_groups.set([workshop])
    invited = resident("member")
    Membership.objects.create(group=workshop, user=invited, status=Membership.Status.INVITED)

    assert not invited.has_perm("rooms.view_room", room)


@pytest.mark.django_db
def test_the_room_page_is_404_for_people_outside_the_segment(client, cast, north_room):
    url = reverse("room-detail", args=[north_room.council.slug, north_room.pk])

    client.force_login(cast["southerner"])
    assert client.get(url).status_code == 404
    client.force_login(cast["northerner"])
    assert client.get(url).status_code == 200
    client.force_login(cast["facilitator"])
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_is_eligible_works_on_any_object_with_eligible_groups(
    council, resident, static_group, segment, zones
):
    """Consultations, votes and budgets will reuse the same predicate."""
    workshop = static_group("Atelier vélo")
    north = segment(NORTH_RULE)
    member = resident("member")
    northerner = resident("resident", at=INSIDE_NORD)
    Membership.objects.create(group=workshop, user=member, status=Membership.Status.ACTIVE)

    def consultation(*groups):
        return SimpleNamespace(
            pk=1,
            _meta=SimpleNamespace(label="consultations.Consultation"),
            eligible_groups=NeighbourhoodGroup.objects.filter(pk__in=[g.pk for g in groups]),
        )

    assert is_eligible(member, consultation())
    assert is_eligible(member, consultation(workshop))
    assert not is_eligible(northerner, consultation(workshop))
    assert is_eligible(northerner, consultation(workshop, north))
    assert not is_eligible(member, consultation(north))
    assert not is_eligible(AnonymousUser(), consultation(north))


@pytest.mark.django_db(transaction=True)
async def test_the_socket_of_someone_outside_the_segment_is_refused_with_4403(cast, north_room):
    refused = ws_communicator(room_path(north_room.pk), user=cast["southerner"])
    await refused.connect()
    await expect_close(refused, 4403)

    for who in ("northerner", "facilitator", "room facilitator"):
        communicator, snapshot = await connect(room_path(north_room.pk), user=cast[who])
        assert snapshot["payload"]["room"]["id"] == north_room.pk
        await communicator.disconnect()
    assert await database_sync_to_async(north_room.attendances.count)() == 3
