"""The segment query's plan on PostgreSQL: answer sets joined whole, never probed person by person.

Issue 16: the three-condition segment of 100,000 residents took 2.6 s because PostgreSQL probed
every resident's answers through the profile index in a nested loop (it expected 1 % of the
people to hold a role, and 50 times too few answers). This builds a neighbourhood of 20,000
residents in SQL (a few seconds), lets PostgreSQL gather its statistics, and reads the plan
(EXPLAIN, not timed): a regression back to per-person probing fails here, not only in bench/.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from council.councils.models import ROLE_GRANTS
from council.councils.models import Council
from council.councils.models import Role
from council.groups.models import ProfileAttribute
from council.groups.models import ProfileValue
from council.groups.models import ResidentProfile
from council.groups.models import Zone
from council.groups.selectors import group_members

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the plan is PostgreSQL's (CI runs on PostgreSQL)"
    ),
]

PEOPLE = 20_000
AGES = ["18-25", "26-40", "41-60", "61-75", "75+"]
INTERESTS = ["sport", "culture", "environment", "mobility", "schools", "housing", "shops", "safety"]
RULE = {
    "all": [
        {"field": "zone", "op": "in", "value": [f"zone-{n}" for n in range(5)]},
        {"field": "attribute:interests", "op": "in", "value": ["sport", "culture"]},
        {"field": "attribute:age", "op": "in", "value": AGES[:4]},
    ]
}


@pytest.fixture
def neighbourhood(council):
    """20,000 residents with a role, a zone of ten, an age bracket, two interests and a yes/no."""
    age = ProfileAttribute.objects.create(council=council, key="age", label="Âge", kind="choice", choices=AGES)
    interests = ProfileAttribute.objects.create(
        council=council, key="interests", label="Intérêts", kind="multi_choice", choices=INTERESTS
    )
    shopkeeper = ProfileAttribute.objects.create(council=council, key="shopkeeper", label="Commerçant", kind="boolean")
    zones = [
        Zone.objects.create(
            council=council, name=f"Zone {n}", slug=f"zone-{n}", geometry={},
            min_lon=n, min_lat=0, max_lon=n + 1, max_lat=1,
        )
        for n in range(10)
    ]  # fmt: skip
    follow = Permission.objects.get(codename=ROLE_GRANTS[Role.RESIDENT], content_type__app_label="councils")
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.16)")
        cursor.execute(
            """INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined, email,
                                          display_name, preferred_language, notify_in_app, notify_by_email)
               SELECT '!', false, false, true, now(), 'p' || g || '@plan.test.invalid', 'Habitant ' || g, 'fr', true, true
               FROM generate_series(1, %s) g""",
            [PEOPLE],
        )
        cursor.execute(
            """INSERT INTO guardian_userobjectpermission (object_pk, content_type_id, permission_id, user_id)
               SELECT %s, %s, %s, id FROM accounts_user WHERE email LIKE '%%@plan.test.invalid'""",
            [str(council.pk), ContentType.objects.get_for_model(Council).pk, follow.pk],
        )
        cursor.execute(
            """INSERT INTO groups_residentprofile (council_id, user_id, zone_id, updated_at)
               SELECT %s, id, (%s::bigint[])[1 + floor(random() * 10)::int], now()
               FROM accounts_user WHERE email LIKE '%%@plan.test.invalid'""",
            [council.pk, [zone.pk for zone in zones]],
        )
        for attribute, choices in [(age, AGES), (shopkeeper, ["yes", "no"])]:
            cursor.execute(
                """INSERT INTO groups_profilevalue (profile_id, attribute_id, value)
                   SELECT id, %s, (%s::text[])[1 + floor(random() * %s)::int]
                   FROM groups_residentprofile WHERE council_id = %s""",
                [attribute.pk, choices, len(choices), council.pk],
            )
        cursor.execute(  # two different interests each
            """INSERT INTO groups_profilevalue (profile_id, attribute_id, value)
               SELECT id, %s, (%s::text[])[1 + (i + k * (1 + j)) %% 8]
               FROM (SELECT id, floor(random() * 8)::int i, floor(random() * 7)::int j
                     FROM groups_residentprofile WHERE council_id = %s) p,
                    generate_series(0, 1) k""",
            [interests.pk, INTERESTS, council.pk],
        )
        cursor.execute("ANALYZE")
    return council


def _expected(council) -> set[int]:
    """The segment worked out the plain way, one set per condition."""
    profiles = ResidentProfile.objects.filter(council=council)
    in_zones = set(profiles.filter(zone__slug__in=RULE["all"][0]["value"]).values_list("user_id", flat=True))

    def answering(key, values):
        answers = ProfileValue.objects.filter(profile__council=council, attribute__key=key, value__in=values)
        return set(answers.values_list("profile__user_id", flat=True))

    return in_zones & answering("interests", ["sport", "culture"]) & answering("age", AGES[:4])


def _nodes(plan, inside_nested_loop=False):
    """Every node of an EXPLAIN (FORMAT JSON) plan, with whether a Nested Loop runs it per row."""
    yield plan, inside_nested_loop
    for child in plan.get("Plans", []):
        yield from _nodes(child, inside_nested_loop or plan["Node Type"] == "Nested Loop")


def test_the_segment_joins_answer_sets_instead_of_probing_each_person(neighbourhood, segment):
    members = group_members(segment(RULE))

    with CaptureQueriesContext(connection) as captured:
        count = members.count()
    assert len(captured) == 1  # one statement, whatever the number of people
    expected = _expected(neighbourhood)
    assert count == len(expected) > 2_000
    assert set(members.values_list("pk", flat=True)) == expected

    sql, params = members.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) SELECT count(*) FROM (" + sql + ") people", params)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    answers = [(node, looped) for node, looped in _nodes(plan) if node.get("Relation Name") == "groups_profilevalue"]

    # One scan per answer condition, joined whole (hash or merge join): a Nested Loop above it
    # would run it once per person, the 2.6 s plan of issue 16.
    assert len(answers) == 2, plan
    for node, looped in answers:
        assert not looped, f"answers probed once per person in a Nested Loop:\n{json.dumps(plan, indent=1)}"
        indexes = {inner["Index Name"] for inner, _looped in _nodes(node) if "Index Name" in inner}
        assert indexes == {"value_answer_profiles"}, node
