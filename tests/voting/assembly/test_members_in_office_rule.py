"""The members in office, read in bulk, are those the rule is_council_member names (when no group is chosen)."""

import pytest

from council.councils.models import Role
from council.councils.permissions import is_council_member
from council.voting.assembly import selectors

pytestmark = pytest.mark.django_db


def test_the_bulk_readers_and_the_rule_agree_for_every_role(room, user_with_role):
    council = room.council
    people = {role: user_with_role(role, council) for role in [*Role, "outsider"]}

    by_rule = {role for role, person in people.items() if is_council_member.test(person, council)}
    in_office = selectors.members_in_office(council=council)
    among = selectors.members_in_office_among(council=council, user_ids=[p.pk for p in people.values()])

    assert by_rule == {Role.ADMINISTRATOR, Role.FACILITATOR, Role.MEMBER}
    assert {role for role, person in people.items() if person.pk in in_office} == by_rule
    assert {role for role, person in people.items() if person.pk in among} == by_rule
