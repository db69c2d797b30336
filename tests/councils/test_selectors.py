"""Reads of roles: highest role wins, and many people in one query."""

import pytest
from guardian.shortcuts import assign_perm

from council.councils.models import Role
from council.councils.selectors import council_list_for
from council.councils.selectors import member_list
from council.councils.selectors import role_get
from council.councils.selectors import roles_of

pytestmark = pytest.mark.django_db


def test_highest_grant_is_the_role(council, user):
    assign_perm("councils.follow_council", user, council)
    assign_perm("councils.facilitate_council", user, council)

    assert role_get(user=user, council=council) == Role.FACILITATOR


def test_roles_of_many_in_one_query(
    council, user_with_role, user_factory, django_assert_num_queries
):
    people = {role: user_with_role(role, council) for role in Role}
    outsider = user_factory()
    ids = [p.pk for p in people.values()] + [outsider.pk]

    with django_assert_num_queries(1):
        roles = roles_of(council=council, user_ids=ids)

    assert roles == {person.pk: role for role, person in people.items()}
    assert [role for _uid, role in member_list(council=council)] == list(Role)


def test_council_list_for_is_only_where_one_has_a_role(council, council_factory, user_with_role):
    council_factory()
    member = user_with_role("member", council)

    assert list(council_list_for(user=member)) == [council]
