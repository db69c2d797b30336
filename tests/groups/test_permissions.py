"""Group permissions beyond the tables of docs/permissions.md (checked in tests/rooms/test_permissions.py)."""

import pytest
from guardian.shortcuts import assign_perm

from council.councils.services import role_revoke
from council.groups.models import Membership

pytestmark = pytest.mark.django_db

COORDINATION = (
    "groups.view_group",
    "groups.change_group",
    "groups.invite_member",
    "groups.approve_member",
    "groups.remove_member",
    "groups.import_members",
    "groups.export_members",
    "groups.notify_group",
)


@pytest.fixture
def coordinator(council, user_with_role, static_group):
    """A member coordinating "Atelier vélo" (and nothing else)."""
    group = static_group("Atelier vélo")
    person = user_with_role("member", council)
    Membership.objects.create(
        group=group, user=person, status=Membership.Status.ACTIVE, is_coordinator=True
    )
    assign_perm("groups.coordinate_group", person, group)
    person.coordinated = group
    return person


@pytest.mark.parametrize("perm", COORDINATION)
def test_a_coordinator_manages_their_group_and_no_other(perm, coordinator, static_group):
    other = static_group("Jardin partagé")

    assert coordinator.has_perm(perm, coordinator.coordinated)
    assert not coordinator.has_perm(perm, other)


def test_a_coordinator_of_a_group_elsewhere_gets_nothing_here(
    coordinator, council_factory, static_group
):
    assert not coordinator.has_perm("groups.manage_groups", coordinator.coordinated.council)
    assert not coordinator.has_perm("groups.view_breakdown", coordinator.coordinated.council)
    assert not coordinator.has_perm("groups.manage_groups", council_factory())


@pytest.mark.parametrize("perm", COORDINATION)
def test_a_coordinator_who_leaves_the_council_manages_nothing(perm, council, coordinator):
    role_revoke(actor=None, council=council, user=coordinator)

    assert not coordinator.has_perm(perm, coordinator.coordinated)


def test_a_role_in_another_council_gives_nothing_on_its_groups(
    council, user_with_role, static_group, council_factory
):
    group = static_group(join_policy="open")
    administrator_elsewhere = user_with_role("administrator", council_factory())

    assert not administrator_elsewhere.has_perm("groups.view_group", group)
    assert not administrator_elsewhere.has_perm("groups.join_group", group)
    assert not administrator_elsewhere.has_perm("groups.change_group", group)


def test_someone_who_lost_their_role_no_longer_sees_their_group(
    council, user_with_role, static_group
):
    group = static_group()
    member = user_with_role("member", council)
    Membership.objects.create(group=group, user=member, status=Membership.Status.ACTIVE)
    assert member.has_perm("groups.view_group", group)

    role_revoke(actor=None, council=council, user=member)

    assert not member.has_perm("groups.view_group", group)
    assert not member.has_perm("groups.edit_profile", council)
