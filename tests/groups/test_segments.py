"""Segment rules: who each condition and combination selects, malformed rules, one query."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from council.core.errors import InvalidInput
from council.core.memo import remembered
from council.councils.models import Council
from council.groups.models import Membership
from council.groups.segments import MAX_CONDITIONS
from council.groups.segments import MAX_DEPTH
from council.groups.segments import compile_rule
from council.groups.selectors import group_members
from council.rooms.models import RoomAttendance
from tests.groups.conftest import INSIDE_NORD
from tests.groups.conftest import INSIDE_SUD

pytestmark = pytest.mark.django_db

ANNE = "Anne Administratrice"  # the administrator who imported the zones; no profile, not verified
VERIFIED = {"field": "verification", "op": "in", "value": ["email"]}


def zone(*slugs):
    return {"field": "zone", "op": "in", "value": list(slugs)}


def answer(key, *values):
    return {"field": f"attribute:{key}", "op": "in", "value": list(values)}


def aged(low, high):
    return {"field": "attribute:age", "op": "between", "value": [low, high]}


@pytest.fixture
def people(council, zones, attributes, resident, user_with_role, council_factory):
    """A small neighbourhood; everyone but Oscar holds a role in the council."""
    people = {
        "alice": resident(
            "member",
            at=INSIDE_NORD,
            verified=True,
            display_name="alice",
            answers={"interests": ["velo", "jardin"], "age": 30, "age_bracket": "26-64"},
        ),
        "bob": resident(
            "resident",
            at=INSIDE_SUD,
            display_name="bob",
            answers={
                "interests": ["commerce"],
                "age": "70",
                "age_bracket": "65+",
                "has_car": "oui",
            },
        ),
        "chloe": resident(
            "resident",
            zone="nord",
            display_name="chloe",
            answers={
                "interests": "commerce",
                "age": 19,
                "age_bracket": "18-25",
                "job": "boulangère",
            },
        ),
        "david": resident("facilitator", verified=True, display_name="david"),
        # Oscar answered everything once, then lost his role: he is in no segment.
        "oscar": resident(
            "outsider",
            at=INSIDE_NORD,
            verified=True,
            display_name="oscar",
            answers={
                "interests": ["velo", "commerce"],
                "age": 30,
                "age_bracket": "26-64",
                "has_car": "yes",
            },
        ),
    }
    # Someone with a role in another council only is not one of this council's people.
    elsewhere = council_factory()
    people["eve"] = user_with_role("member", elsewhere, display_name="eve")
    return people


@pytest.fixture
def who(segment):
    """Return the sorted names of the people a rule selects, through a saved segment."""

    def evaluate(rule):
        return sorted(group_members(segment(rule)).values_list("display_name", flat=True))

    return evaluate


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (zone("nord"), ["alice", "chloe"]),
        (zone("sud"), ["bob"]),
        (zone("nord", "sud"), ["alice", "bob", "chloe"]),
        (answer("interests", "velo"), ["alice"]),
        (answer("interests", "commerce"), ["bob", "chloe"]),
        (answer("interests", "velo", "commerce"), ["alice", "bob", "chloe"]),
        (answer("age_bracket", "65+"), ["bob"]),
        (answer("job", "boulangère"), ["chloe"]),
        (answer("has_car", "yes"), ["bob"]),
        (answer("has_car", True), ["bob"]),
        (aged(18, 25), ["chloe"]),
        (aged(19, 30), ["alice", "chloe"]),  # both ends included
        (aged(30, 30), ["alice"]),
        (aged(65, 120), ["bob"]),
        (aged(31, 64), []),
        ({"field": "role", "op": "in", "value": ["member"]}, ["alice"]),
        ({"field": "role", "op": "in", "value": ["resident"]}, ["bob", "chloe"]),
        ({"field": "role", "op": "in", "value": ["facilitator", "member"]}, ["alice", "david"]),
        (VERIFIED, ["alice", "david"]),
        ({"field": "verification", "op": "in", "value": ["census", "email"]}, ["alice", "david"]),
        ({"field": "verification", "op": "in", "value": ["franceconnect"]}, []),
    ],
    ids=lambda value: None if isinstance(value, dict | list) else str(value),
)
def test_each_condition_selects_the_right_people(rule, expected, people, who):
    assert who(rule) == expected


def test_zone_and_interest(people, who):
    assert who({"all": [zone("nord"), answer("interests", "commerce")]}) == ["chloe"]
    assert who({"all": [zone("nord"), answer("interests", "velo")]}) == ["alice"]
    assert who({"all": [zone("sud"), answer("interests", "velo")]}) == []


def test_not_verified_is_everyone_in_the_council_without_a_verified_address(people, who):
    assert who({"not": VERIFIED}) == [ANNE, "bob", "chloe"]


def test_any_of_two_zones(people, who):
    assert who({"any": [zone("nord"), zone("sud")]}) == ["alice", "bob", "chloe"]


def test_not_in_a_zone_includes_people_without_a_profile(people, who):
    assert who({"not": zone("nord")}) == [ANNE, "bob", "david"]


def test_nested_all_any_not(people, who):
    young_unverified_north = {"all": [zone("nord"), {"not": VERIFIED}]}
    assert who({"any": [young_unverified_north, aged(60, 200)]}) == ["bob", "chloe"]
    assert who(
        {
            "all": [
                {"any": [zone("nord"), zone("sud")]},
                {"not": {"any": [answer("interests", "velo"), aged(65, 200)]}},
            ]
        }
    ) == ["chloe"]


def test_people_without_a_role_are_in_no_segment(people, who):
    """Oscar matches every condition below but follows the council no more."""
    rules = [
        zone("nord"),
        answer("interests", "velo"),
        aged(30, 30),
        VERIFIED,
        {"not": {"field": "role", "op": "in", "value": ["member"]}},
        {"not": zone("sud")},
    ]
    for rule in rules:
        assert "oscar" not in who(rule), rule
        assert "eve" not in who(rule), rule


def test_group_condition_counts_active_members_only(people, who, static_group):
    group = static_group()
    Membership.objects.create(group=group, user=people["alice"], status=Membership.Status.ACTIVE)
    Membership.objects.create(group=group, user=people["bob"], status=Membership.Status.INVITED)
    Membership.objects.create(group=group, user=people["chloe"], status=Membership.Status.REQUESTED)
    Membership.objects.create(group=group, user=people["oscar"], status=Membership.Status.ACTIVE)

    assert who({"field": "group", "op": "in", "value": [group.pk]}) == ["alice"]
    assert who({"not": {"field": "group", "op": "in", "value": [group.pk]}}) == [
        ANNE,
        "bob",
        "chloe",
        "david",
    ]


def test_attended_room_condition(people, who, room_factory, council):
    room = room_factory(council=council)
    other_room = room_factory(council=council)
    RoomAttendance.objects.create(room=room, user=people["bob"])
    RoomAttendance.objects.create(room=other_room, user=people["chloe"])

    assert who({"field": "attended_room", "op": "in", "value": [room.pk]}) == ["bob"]
    assert who({"field": "attended_room", "op": "in", "value": [room.pk, other_room.pk]}) == [
        "bob",
        "chloe",
    ]


def test_attended_room_of_another_council_selects_nobody(people, who, room_factory):
    foreign_room = room_factory()
    RoomAttendance.objects.create(room=foreign_room, user=people["bob"])

    assert who({"field": "attended_room", "op": "in", "value": [foreign_room.pk]}) == []


def test_segment_follows_profile_changes_at_once(people, who, council):
    from council.groups.services import profile_update

    assert who(zone("sud")) == ["bob"]
    profile_update(actor=people["bob"], council=council, answers={}, zone_slug="nord")

    assert who(zone("sud")) == []
    assert who(zone("nord")) == ["alice", "bob", "chloe"]


def _nested_not(levels: int):
    rule = zone("nord")
    for _ in range(levels):
        rule = {"not": rule}
    return rule


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (answer("shoe_size", "42"), "Unknown profile attribute: shoe_size."),
        (zone("est", "nord", "ouest"), "Unknown zone: est, ouest."),
        (
            {"field": "favourite_colour", "op": "in", "value": ["bleu"]},
            "Unknown field in the rule: favourite_colour.",
        ),
        (
            {"field": "zone", "op": "between", "value": [1, 2]},
            "Operator between does not apply to zone.",
        ),
        (
            {"field": "attribute:interests", "op": "like", "value": ["v%"]},
            "Operator like does not apply to interests.",
        ),
        (
            {"field": "attribute:age_bracket", "op": "between", "value": [18, 25]},
            "Operator between does not apply to age_bracket.",
        ),
        (
            {"field": "attribute:age", "op": "between", "value": [18]},
            "'between' takes [lowest, highest].",
        ),
        (
            {"field": "attribute:age", "op": "between", "value": ["young", "old"]},
            "'between' takes two numbers.",
        ),
        (
            {"field": "verification", "op": "in", "value": ["passport"]},
            "Unknown verification: passport.",
        ),
        ({"field": "role", "op": "in", "value": ["mayor"]}, "Unknown role in the rule."),
        (
            {"field": "group", "op": "in", "value": ["atelier"]},
            "A rule can only name static groups of this council.",
        ),
        (
            {"field": "attended_room", "op": "in", "value": ["salle"]},
            "Rooms are named by their number.",
        ),
        ({"field": "zone", "op": "in", "value": []}, "A condition needs between 1 and 200 values."),
        ({"op": "in", "value": ["nord"]}, "A condition names a 'field'."),
        ({"all": []}, "'all' and 'any' take a non-empty list."),
        ({"any": "nord"}, "'all' and 'any' take a non-empty list."),
        ({}, "Each part of a rule is an object."),
        ({"all": ["nord"]}, "Each part of a rule is an object."),
        (_nested_not(MAX_DEPTH + 1), "The rule is nested too deeply."),
        ({"any": [zone("nord")] * (MAX_CONDITIONS + 1)}, "The rule has too many conditions."),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_malformed_rules_are_refused_with_the_reason(rule, message, council, zones, attributes):
    with pytest.raises(InvalidInput) as refused:
        compile_rule(council, rule)

    assert refused.value.message == message


def test_limits_are_inclusive(council, zones, attributes):
    compile_rule(council, _nested_not(MAX_DEPTH))
    compile_rule(council, {"any": [zone("nord")] * MAX_CONDITIONS})


def test_a_rule_cannot_name_a_group_or_zone_of_another_council(
    council, zones, council_factory, administrator
):
    from council.groups.models import NeighbourhoodGroup
    from council.groups.models import Zone

    elsewhere = council_factory()
    foreign_group = NeighbourhoodGroup.objects.create(council=elsewhere, name="Ailleurs")
    Zone.objects.create(
        council=elsewhere,
        name="Est",
        slug="est",
        geometry={},
        min_lon=0,
        min_lat=0,
        max_lon=1,
        max_lat=1,
    )
    segment_group = NeighbourhoodGroup.objects.create(
        council=council, name="Segment", kind="segment", rule=zone("nord")
    )

    for rule, message in [
        (
            {"field": "group", "op": "in", "value": [foreign_group.pk]},
            "A rule can only name static groups of this council.",
        ),
        (
            {"field": "group", "op": "in", "value": [segment_group.pk]},
            "A rule can only name static groups of this council.",
        ),
        (zone("est"), "Unknown zone: est."),
    ]:
        with pytest.raises(InvalidInput) as refused:
            compile_rule(council, rule)
        assert refused.value.message == message


def test_evaluation_is_one_query_whatever_the_number_of_people(
    council,
    zones,
    attributes,
    resident,
    segment,
    static_group,
    room_factory,
    django_assert_num_queries,
):
    group = static_group()
    room = room_factory(council=council)
    rule = {
        "all": [
            {"any": [zone("nord"), zone("sud")]},
            answer("interests", "commerce"),
            aged(18, 99),
            {"not": VERIFIED},
            {"field": "role", "op": "in", "value": ["resident", "member"]},
            {"not": {"field": "group", "op": "in", "value": [group.pk]}},
            {"not": {"field": "attended_room", "op": "in", "value": [room.pk]}},
        ]
    }
    target = segment(rule)
    ContentType.objects.get_for_model(Council)  # cached for the process in real use

    def count_with_pinned_queries() -> int:
        # Compiling checks what the rule names: 2 zones, 2 attributes, 1 group, and the
        # permission ids of the rule's roles and of "has a role in the council" = 7 lookups;
        # then the people are counted in a single query.
        with django_assert_num_queries(8) as captured:
            count = group_members(target).count()
        assert "COUNT(" in captured.captured_queries[-1]["sql"].upper()
        return count

    assert count_with_pinned_queries() == 0
    for index in range(12):
        resident(
            "resident",
            at=INSIDE_NORD if index % 2 else INSIDE_SUD,
            answers={"interests": ["commerce"], "age": 20 + index},
        )
    assert count_with_pinned_queries() == 12

    q = compile_rule(council, rule)
    with django_assert_num_queries(1):
        assert get_user_model().objects.filter(q).count() == 12

    # Within one unit of work (a socket's message, a wave of moves), the permission ids are
    # read once for every group evaluated.
    with remembered():
        group_members(target).count()
        with django_assert_num_queries(6):
            assert group_members(target).count() == 12
