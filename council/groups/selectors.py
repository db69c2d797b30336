"""Reads: who is in a group or segment, visible groups, privacy-safe breakdowns."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField
from django.db.models import Exists
from django.db.models import ExpressionWrapper
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet

from council.accounts.models import User
from council.core.memo import remembered
from council.councils.models import Council
from council.councils.models import Role
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import Zone
from council.groups.segments import _role_condition
from council.groups.segments import compile_rule

#: a breakdown never shows a cell counting fewer people than this
MIN_CELL_SIZE = 5


def group_members(group: NeighbourhoodGroup) -> QuerySet:
    """Everyone in the group now: active members, or the people the segment's rule matches."""
    in_council = _role_condition(group.council, [role.value for role in Role])
    users = get_user_model().objects.filter(in_council)  # someone who left the council is in none
    if group.kind == NeighbourhoodGroup.Kind.STATIC:
        return users.filter(memberships__group=group, memberships__status=Membership.Status.ACTIVE)
    return users.filter(compile_rule(group.council, group.rule))


def members_of_groups(council: Council, groups: Iterable[NeighbourhoodGroup], *, among: Iterable[int]) -> dict[int, set[int]]:
    """Which of the people `among` are in each of the council's `groups` now: group id -> user ids.

    One query whatever the number of groups (a column per group), where `group_members` per
    group would make one each: results broken down by group ask for all of them at once. (A
    segment's rule naming zones, verification kinds or a set of roles not named before looks
    them up when compiled, as ever.)
    """
    groups = list(groups)
    found: dict[int, set[int]] = {group.pk: set() for group in groups}
    ids = list(among)
    if not groups or not ids:
        return found
    with remembered():  # the role lookups every segment's rule repeats, read once
        columns = {f"in_group_{g.pk}": ExpressionWrapper(_membership(council, g), output_field=BooleanField()) for g in groups}
        in_council = _role_condition(council, [role.value for role in Role])
    rows = get_user_model().objects.filter(in_council, pk__in=ids).annotate(**columns).values_list("pk", *columns)
    for user_id, *flags in rows:
        for group, flag in zip(groups, flags, strict=True):
            if flag:
                found[group.pk].add(user_id)
    return found


def _membership(council: Council, group: NeighbourhoodGroup) -> Q:
    """The condition of being in `group`, over users (as `group_members` filters)."""
    if group.kind == NeighbourhoodGroup.Kind.STATIC:
        active = Membership.objects.filter(group_id=group.pk, user=OuterRef("pk"), status=Membership.Status.ACTIVE)
        return Q(Exists(active))
    return compile_rule(council, group.rule)


def is_in_group(user: User | AnonymousUser, group: NeighbourhoodGroup) -> bool:
    return user.is_authenticated and group_members(group).filter(pk=user.pk).exists()


def group_list_visible_to(*, user: User | AnonymousUser, council: Council) -> QuerySet[NeighbourhoodGroup]:
    groups = NeighbourhoodGroup.objects.filter(council=council)
    if user.has_perm("groups.manage_groups", council):
        return groups
    return groups.filter(
        pk__in=[g.pk for g in groups if user.has_perm("groups.view_group", g)]
    )


def membership_get(*, user: User | AnonymousUser, group: NeighbourhoodGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user=user).first()


def breakdown(
    *, user_ids: Iterable[int], groups: Iterable[NeighbourhoodGroup]
) -> list[dict[str, Any]]:
    """Count how many of `user_ids` fall in each group; cells under MIN_CELL_SIZE are hidden.

    A hidden cell reports ``count: None`` and ``suppressed: True``, so a chart can say
    "fewer than 5" instead of a number that could single someone out.
    """
    ids = list(user_ids)
    rows = []
    for group in groups:
        count = group_members(group).filter(pk__in=ids).count()
        hidden = count < MIN_CELL_SIZE
        rows.append({"group_id": group.pk, "name": group.name, "count": None if hidden else count, "suppressed": hidden})
    return rows


def breakdown_by_zone(*, council: Council, user_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Like `breakdown`, one row per zone of the council.

    There is deliberately no "no zone" row: with the total known, it would let a
    reader work out a hidden cell.
    """
    ids = list(user_ids)
    rows = []
    for zone in Zone.objects.filter(council=council):
        count = zone.residents.filter(user_id__in=ids).values("user_id").distinct().count()
        hidden = count < MIN_CELL_SIZE
        rows.append({"zone": zone.slug, "name": zone.name, "count": None if hidden else count, "suppressed": hidden})
    return rows
