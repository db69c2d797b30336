"""Who may manage groups and segments, and the eligibility check every module reuses."""

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser
from django.db.models import prefetch_related_objects

from council.accounts.models import User
from council.core.memo import recall
from council.core.memo import remember
from council.core.process_cache import person_fact
from council.core.process_cache import room_view
from council.councils.permissions import has_council_role
from council.councils.permissions import is_council_administrator
from council.councils.permissions import is_council_facilitator
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.selectors import group_members
from council.groups.selectors import is_in_group

IN_GROUP = person_fact("in_group")  # kept per process until the membership changes (council/core/process_cache.py)
ELIGIBLE_GROUPS = room_view("eligible_groups")


@rules.predicate
def is_group_coordinator(user: User | AnonymousUser, group: NeighbourhoodGroup) -> bool:
    return user.is_authenticated and recall(
        ("coordinates", user.pk, group.pk), lambda: user.has_perm("groups.coordinate_group", group)
    )


@rules.predicate
def is_group_member(user: User | AnonymousUser, group: NeighbourhoodGroup) -> bool:
    return recall(_member_key(user.pk, group.pk), lambda: is_in_group(user, group))


def _member_key(user_id: int | None, group_id: int) -> tuple:
    return (IN_GROUP, user_id, group_id)


@rules.predicate
def group_is_static(user: User | AnonymousUser, group: NeighbourhoodGroup) -> bool:
    return group.kind == NeighbourhoodGroup.Kind.STATIC


@rules.predicate
def group_takes_requests(user: User | AnonymousUser, group: NeighbourhoodGroup) -> bool:
    return group.join_policy in (
        NeighbourhoodGroup.JoinPolicy.OPEN,
        NeighbourhoodGroup.JoinPolicy.REQUEST,
    )


@rules.predicate
def has_pending_invitation(user: User | AnonymousUser, group: NeighbourhoodGroup) -> bool:
    return Membership.objects.filter(
        group=group, user_id=user.pk, status=Membership.Status.INVITED
    ).exists()


@rules.predicate
def is_eligible(user: User | AnonymousUser, obj: Any) -> bool:
    """True when `obj` (a room, later a consultation, vote…) is open to the person's groups.

    An object restricts participation with an `eligible_groups` many-to-many field;
    with none chosen, everyone in the council is eligible.
    """
    groups = recall(_eligible_key(obj), lambda: list(obj.eligible_groups.all()))
    return not groups or any(is_group_member(user, group) for group in groups)


def _eligible_key(obj) -> tuple:
    return (ELIGIBLE_GROUPS, obj._meta.label, obj.pk)


def eligible_groups_remember(objects, users) -> None:
    """Read the eligible groups of many objects (rooms…) and who of `users` is in them, for
    is_eligible to recall: a query for the objects, one per group (council/core/memo.py)."""
    objects, user_ids = list(objects), [user.pk for user in users if user.is_authenticated]
    prefetch_related_objects(objects, "eligible_groups")
    groups = {}
    for obj in objects:
        eligible = list(obj.eligible_groups.all())
        remember(_eligible_key(obj), eligible)
        groups.update((group.pk, group) for group in eligible)
    for group in groups.values():
        inside = set(group_members(group).filter(pk__in=user_ids).values_list("pk", flat=True))
        for user_id in user_ids:
            remember(_member_key(user_id, group.pk), user_id in inside)


can_manage = is_council_facilitator
can_coordinate = can_manage | (has_council_role & is_group_coordinator)  # not once out of the council

rules.add_perm("groups.manage_groups", is_council_facilitator)
rules.add_perm("groups.manage_zones", is_council_administrator)
rules.add_perm("groups.manage_attributes", is_council_administrator)
rules.add_perm("groups.view_breakdown", is_council_facilitator)
rules.add_perm("groups.view_group", can_coordinate | (has_council_role & (is_group_member | group_takes_requests | has_pending_invitation)))
rules.add_perm("groups.change_group", can_coordinate)
rules.add_perm("groups.delete_group", can_manage)
rules.add_perm("groups.invite_member", can_coordinate & group_is_static)
rules.add_perm("groups.approve_member", can_coordinate & group_is_static)
rules.add_perm("groups.remove_member", can_coordinate & group_is_static)
rules.add_perm("groups.import_members", can_coordinate & group_is_static)
rules.add_perm("groups.export_members", can_coordinate)
rules.add_perm("groups.notify_group", can_coordinate)
rules.add_perm("groups.set_coordinator", can_manage & group_is_static)
rules.add_perm(
    "groups.join_group",
    has_council_role & group_is_static & (group_takes_requests | has_pending_invitation) & ~is_group_member,
)
rules.add_perm("groups.edit_profile", has_council_role)
