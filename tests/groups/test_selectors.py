"""Reads: who is in a group, which groups one sees, and breakdowns that never single anyone out."""

import pytest
from django.contrib.auth.models import AnonymousUser

from council.groups.models import Membership
from council.groups.selectors import MIN_CELL_SIZE
from council.groups.selectors import breakdown
from council.groups.selectors import breakdown_by_zone
from council.groups.selectors import group_list_visible_to
from council.groups.selectors import group_members
from council.groups.selectors import is_in_group
from council.groups.selectors import membership_get
from tests.groups.conftest import INSIDE_NORD

pytestmark = pytest.mark.django_db


def _members(group, people, status=Membership.Status.ACTIVE):
    for person in people:
        Membership.objects.create(group=group, user=person, status=status)


def test_the_threshold_is_five():
    assert MIN_CELL_SIZE == 5


def test_breakdown_hides_groups_of_fewer_than_five(council, resident, static_group, segment):
    everyone = [resident("member") for _ in range(9)]
    four = static_group("Quatre")
    five = static_group("Cinq")
    _members(four, everyone[:4])
    _members(five, everyone[4:9])
    members_segment = segment({"field": "role", "op": "in", "value": ["member"]}, name="Membres")

    rows = breakdown(user_ids=[p.pk for p in everyone], groups=[four, five, members_segment])

    assert rows == [
        {"group_id": four.pk, "name": "Quatre", "count": None, "suppressed": True},
        {"group_id": five.pk, "name": "Cinq", "count": 5, "suppressed": False},
        {"group_id": members_segment.pk, "name": "Membres", "count": 9, "suppressed": False},
    ]


def test_breakdown_counts_only_the_people_asked_about(council, resident, static_group):
    """E.g. the people who voted: five members of the group, four of whom voted."""
    people = [resident("member") for _ in range(5)]
    group = static_group()
    _members(group, people)

    [all_five] = breakdown(user_ids=[p.pk for p in people], groups=[group])
    [four_voters] = breakdown(user_ids=[p.pk for p in people[:4]], groups=[group])

    assert (all_five["count"], all_five["suppressed"]) == (5, False)
    assert (four_voters["count"], four_voters["suppressed"]) == (None, True)


def test_breakdown_ignores_invitations_and_requests(council, resident, static_group):
    people = [resident("member") for _ in range(6)]
    group = static_group()
    _members(group, people[:4])
    _members(group, people[4:5], Membership.Status.INVITED)
    _members(group, people[5:6], Membership.Status.REQUESTED)

    [row] = breakdown(user_ids=[p.pk for p in people], groups=[group])

    assert (row["count"], row["suppressed"]) == (None, True)


def test_breakdown_by_zone_hides_zones_of_fewer_than_five(council, zones, resident):
    north = [resident("member", at=INSIDE_NORD) for _ in range(4)]
    south = [resident("resident", zone="sud") for _ in range(5)]
    nowhere = [resident("member") for _ in range(2)]

    rows = breakdown_by_zone(council=council, user_ids=[p.pk for p in north + south + nowhere])

    assert rows == [
        {"zone": "nord", "name": "Nord", "count": None, "suppressed": True},
        {"zone": "sud", "name": "Sud", "count": 5, "suppressed": False},
    ]


def test_breakdown_by_zone_shows_five_once_a_fifth_person_moves_in(council, zones, resident):
    north = [resident("member", at=INSIDE_NORD) for _ in range(5)]

    rows = breakdown_by_zone(council=council, user_ids=[p.pk for p in north])

    assert rows[0] == {"zone": "nord", "name": "Nord", "count": 5, "suppressed": False}


def test_static_group_members_are_the_active_ones(council, resident, static_group):
    active, invited = resident("member"), resident("member")
    group = static_group()
    _members(group, [active])
    _members(group, [invited], Membership.Status.INVITED)

    assert list(group_members(group)) == [active]
    assert is_in_group(active, group)
    assert not is_in_group(invited, group)
    assert not is_in_group(AnonymousUser(), group)
    assert membership_get(user=invited, group=group).status == "invited"
    assert membership_get(user=AnonymousUser(), group=group) is None


def test_visible_groups(council, facilitator, resident, static_group, segment):
    member = resident("member")
    invited = resident("resident")
    private = static_group("Privé", join_policy="invitation")
    static_group("Ouvert", join_policy="open")
    static_group("Sur demande", join_policy="request")
    mine = static_group("Le mien", join_policy="invitation")
    _members(mine, [member])
    _members(private, [invited], Membership.Status.INVITED)
    segment({"field": "role", "op": "in", "value": ["member"]}, name="Membres")

    def names(user):
        return sorted(g.name for g in group_list_visible_to(user=user, council=council))

    assert names(facilitator) == ["Le mien", "Membres", "Ouvert", "Privé", "Sur demande"]
    assert names(member) == ["Le mien", "Membres", "Ouvert", "Sur demande"]
    assert names(invited) == ["Ouvert", "Privé", "Sur demande"]
