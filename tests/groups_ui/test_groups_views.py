"""Group pages: the list, the segment builder with its count, detail and membership actions."""

import pytest
from django.urls import reverse

from council.councils.models import Role
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.models import Zone
from council.groups.services import group_create
from council.groups.services import membership_invite
from council.groups.services import profile_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Read the pages in English (French is the default), so assertions do not follow the catalogue."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _zone(council, slug, name):
    ring = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    return Zone.objects.create(
        council=council, slug=slug, name=name, geometry={"type": "Polygon", "coordinates": [ring]},
        min_lon=0, min_lat=0, max_lon=1, max_lat=1,
    )


@pytest.fixture
def place(council, user_with_role):
    """A council with zones centre/gare, an "interest" question and people who answered it."""
    _zone(council, "centre", "Centre-ville")
    _zone(council, "gare", "Quartier de la gare")
    ProfileAttribute.objects.create(
        council=council, key="interest", label="Centres d'intérêt", kind=ProfileAttribute.Kind.MULTI_CHOICE,
        choices=["mobility", "gardens"], purpose="Pour vous inviter.",
    )
    admin = user_with_role(Role.ADMINISTRATOR, council, display_name="Anne Admin")
    people = {}
    for name, zone, interests in [
        ("Alice", "centre", ["mobility"]),
        ("Bruno", "centre", ["gardens"]),
        ("Chloé", "gare", ["mobility"]),
        ("Driss", "centre", ["mobility", "gardens"]),
    ]:
        person = user_with_role(Role.RESIDENT, council, display_name=name)
        profile_update(actor=person, council=council, answers={"interest": interests}, zone_slug=zone)
        people[name] = person
    return {"council": council, "admin": admin, **people}


def _builder_post(rows, **fields):
    data = {
        "name": "Mobilité au centre",
        "description": "",
        "kind": "segment",
        "join_policy": "invitation",
        "combine": "all",
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "30",
        **fields,
    }
    for index, row in enumerate(rows):
        data[f"form-{index}-field"] = row[0]
        data[f"form-{index}-op"] = "in"
        data[f"form-{index}-value"] = row[1]
        if len(row) > 2 and row[2]:
            data[f"form-{index}-negate"] = "on"
    return data


def test_preview_counts_people_matching_zone_and_interest(client, place):
    client.force_login(place["admin"])
    url = reverse("group-create", args=[place["council"].slug])

    response = client.post(url, _builder_post([("zone", "centre"), ("attribute:interest", "mobility")], preview="1"))

    assert response.status_code == 200
    assert "2 people match" in response.content.decode()
    assert not NeighbourhoodGroup.objects.exists()


def test_saving_builds_the_rule_and_shows_the_count(client, place):
    client.force_login(place["admin"])
    url = reverse("group-create", args=[place["council"].slug])

    response = client.post(
        url, _builder_post([("zone", "Centre-ville"), ("attribute:interest", "mobility"), ("", "")], save="1")
    )

    group = NeighbourhoodGroup.objects.get()
    assert group.kind == "segment"
    assert group.rule == {
        "all": [
            {"field": "zone", "op": "in", "value": ["centre"]},
            {"field": "attribute:interest", "op": "in", "value": ["mobility"]},
        ]
    }
    assert response.url == reverse("group-detail", args=[place["council"].slug, group.pk])
    page = client.get(response.url).content.decode()
    assert "2 people match the rule" in page
    assert "Alice" in page
    assert "Driss" in page
    assert "Chloé" not in page


def test_not_and_any_combine_rows(client, place):
    client.force_login(place["admin"])
    url = reverse("group-create", args=[place["council"].slug])

    client.post(
        url,
        _builder_post([("zone", "gare"), ("attribute:interest", "gardens", True)], combine="any", save="1"),
    )

    group = NeighbourhoodGroup.objects.get()
    assert group.rule == {
        "any": [
            {"field": "zone", "op": "in", "value": ["gare"]},
            {"not": {"field": "attribute:interest", "op": "in", "value": ["gardens"]}},
        ]
    }
    # Chloé (gare) and Alice (no gardens) match; so does the administrator, who answered nothing.
    names = {person.display_name for person in group_members_of(group)}
    assert names == {"Alice", "Chloé", "Anne Admin"}


def group_members_of(group):
    from council.groups.selectors import group_members

    return list(group_members(group))


def test_unknown_zone_is_reported_and_nothing_saved(client, place):
    client.force_login(place["admin"])
    url = reverse("group-create", args=[place["council"].slug])

    response = client.post(url, _builder_post([("zone", "port")], save="1"))

    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Unknown zone: port." in page
    assert not NeighbourhoodGroup.objects.exists()


def test_segment_without_condition_is_refused(client, place):
    client.force_login(place["admin"])

    response = client.post(
        reverse("group-create", args=[place["council"].slug]), _builder_post([("", "")], save="1")
    )

    assert "A segment needs at least one condition." in response.content.decode()
    assert not NeighbourhoodGroup.objects.exists()


def test_add_a_condition_shows_one_more_row_and_keeps_values(client, place):
    client.force_login(place["admin"])

    response = client.post(
        reverse("group-create", args=[place["council"].slug]), _builder_post([("zone", "centre")], add_row="1")
    )

    page = response.content.decode()
    assert 'name="form-1-field"' in page
    assert 'name="form-2-field"' not in page
    assert 'value="centre"' in page
    assert not NeighbourhoodGroup.objects.exists()


def test_edit_shows_the_rule_as_rows_and_saves_changes(client, place):
    council = place["council"]
    group = group_create(
        actor=place["admin"], council=council, name="Gare", kind="segment",
        rule={"all": [{"field": "zone", "op": "in", "value": ["gare"]}]},
    )
    client.force_login(place["admin"])
    url = reverse("group-edit", args=[council.slug, group.pk])

    page = client.get(url).content.decode()
    assert 'value="gare"' in page

    client.post(url, _builder_post([("zone", "gare, centre")], name="Gare et centre", save="1"))
    group.refresh_from_db()
    assert group.name == "Gare et centre"
    assert group.rule == {"all": [{"field": "zone", "op": "in", "value": ["gare", "centre"]}]}


def test_residents_cannot_open_the_builder(client, place):
    client.force_login(place["Alice"])

    assert client.get(reverse("group-create", args=[place["council"].slug])).status_code == 404


def test_list_shows_visible_groups_with_kind_policy_and_count(client, place):
    council, admin = place["council"], place["admin"]
    open_group = group_create(actor=admin, council=council, name="Jardiniers", join_policy="open")
    group_create(actor=admin, council=council, name="Bureau", join_policy="invitation")
    client.force_login(place["Alice"])

    page = client.get(reverse("group-list", args=[council.slug])).content.decode()

    assert "Jardiniers" in page
    assert "Open: anyone in the council may join" in page
    assert "Bureau" not in page  # invitation only, and Alice is not invited
    assert reverse("group-detail", args=[council.slug, open_group.pk]) in page


def test_manager_sees_every_group_and_the_create_link(client, place):
    council, admin = place["council"], place["admin"]
    group_create(actor=admin, council=council, name="Bureau", join_policy="invitation")
    client.force_login(admin)

    page = client.get(reverse("group-list", args=[council.slug])).content.decode()

    assert "Bureau" in page
    assert reverse("group-create", args=[council.slug]) in page


def test_invite_by_email_then_accept(client, place):
    council, admin, alice = place["council"], place["admin"], place["Alice"]
    group = group_create(actor=admin, council=council, name="Bureau")
    client.force_login(admin)

    client.post(reverse("group-invite", args=[council.slug, group.pk]), {"email": alice.email.upper()})

    assert Membership.objects.get(group=group, user=alice).status == "invited"
    client.force_login(alice)
    detail = client.get(reverse("group-detail", args=[council.slug, group.pk])).content.decode()
    assert "Accept the invitation" in detail
    client.post(reverse("group-join", args=[council.slug, group.pk]))
    assert Membership.objects.get(group=group, user=alice).status == "active"


def test_inviting_someone_outside_the_council_is_an_alert(client, place, user_with_role):
    council, admin = place["council"], place["admin"]
    outsider = user_with_role(None, council)
    group = group_create(actor=admin, council=council, name="Bureau")
    client.force_login(admin)

    response = client.post(
        reverse("group-invite", args=[council.slug, group.pk]), {"email": outsider.email}, follow=True
    )

    assert "Nobody in this council has this e-mail address." in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Membership.objects.exists()


def test_request_approve_coordinate_remove(client, place):
    council, admin, bruno = place["council"], place["admin"], place["Bruno"]
    group = group_create(actor=admin, council=council, name="Vélo", join_policy="request")
    client.force_login(bruno)
    assert "Ask to join" in client.get(reverse("group-detail", args=[council.slug, group.pk])).content.decode()

    client.post(reverse("group-join", args=[council.slug, group.pk]))
    assert Membership.objects.get(group=group, user=bruno).status == "requested"

    client.force_login(admin)
    page = client.get(reverse("group-detail", args=[council.slug, group.pk])).content.decode()
    assert "Approve Bruno" in page
    client.post(reverse("group-member-approve", args=[council.slug, group.pk, bruno.pk]))
    assert Membership.objects.get(group=group, user=bruno).status == "active"

    client.post(reverse("group-member-coordinator", args=[council.slug, group.pk, bruno.pk]), {"is_coordinator": "1"})
    assert bruno.has_perm("groups.coordinate_group", group)

    client.post(reverse("group-member-remove", args=[council.slug, group.pk, bruno.pk]))
    assert not Membership.objects.filter(group=group, user=bruno).exists()
    assert not type(bruno).objects.get(pk=bruno.pk).has_perm("groups.coordinate_group", group)


def test_resident_cannot_approve(client, place):
    council, admin = place["council"], place["admin"]
    group = group_create(actor=admin, council=council, name="Vélo", join_policy="request")
    client.force_login(place["Bruno"])
    client.post(reverse("group-join", args=[council.slug, group.pk]))
    client.force_login(place["Alice"])

    response = client.post(
        reverse("group-member-approve", args=[council.slug, group.pk, place["Bruno"].pk]), follow=True
    )

    assert "You may not do this in this group." in response.content.decode()
    assert Membership.objects.get(group=group, user=place["Bruno"]).status == "requested"


def test_join_and_leave_an_open_group(client, place):
    council, alice = place["council"], place["Alice"]
    group = group_create(actor=place["admin"], council=council, name="Jardiniers", join_policy="open")
    client.force_login(alice)

    client.post(reverse("group-join", args=[council.slug, group.pk]))
    assert Membership.objects.get(group=group, user=alice).status == "active"
    assert "Leave the group" in client.get(reverse("group-detail", args=[council.slug, group.pk])).content.decode()

    client.post(reverse("group-leave", args=[council.slug, group.pk]))
    assert not Membership.objects.filter(group=group, user=alice).exists()


def test_invitation_only_group_is_hidden_from_others(client, place):
    council = place["council"]
    group = group_create(actor=place["admin"], council=council, name="Bureau")
    membership_invite(actor=place["admin"], group=group, user=place["Alice"])
    client.force_login(place["Bruno"])

    assert client.get(reverse("group-detail", args=[council.slug, group.pk])).status_code == 404


def test_resident_of_a_segment_sees_no_member_list(client, place):
    council = place["council"]
    group = group_create(
        actor=place["admin"], council=council, name="Centre", kind="segment",
        rule={"all": [{"field": "zone", "op": "in", "value": ["centre"]}]},
    )
    client.force_login(place["Alice"])

    page = client.get(reverse("group-detail", args=[council.slug, group.pk])).content.decode()

    assert "3 people" in page
    assert "Bruno" not in page


def test_council_page_links_the_groups(client, place):
    client.force_login(place["Alice"])

    page = client.get(reverse("council-detail", args=[place["council"].slug])).content.decode()

    assert reverse("group-list", args=[place["council"].slug]) in page


def test_admin_shows_only_administered_councils_groups(client, place, council_factory, user_with_role):
    admin = type(place["admin"]).objects.get(pk=place["admin"].pk)  # is_staff set by role_grant
    other = council_factory(name="Conseil Sud")
    other_admin = user_with_role(Role.ADMINISTRATOR, other)
    group_create(actor=admin, council=place["council"], name="Groupe du Nord")
    foreign = group_create(actor=other_admin, council=other, name="Groupe du Sud")
    client.force_login(admin)

    listing = client.get(reverse("admin:groups_neighbourhoodgroup_changelist")).content.decode()

    assert "Groupe du Nord" in listing
    assert "Groupe du Sud" not in listing
    assert client.get(reverse("admin:groups_neighbourhoodgroup_change", args=[foreign.pk])).status_code == 302
    zones = client.get(reverse("admin:groups_zone_changelist")).content.decode()
    assert "Centre-ville" in zones


def test_admin_refuses_a_segment_with_a_bad_rule(client, place):
    admin = type(place["admin"]).objects.get(pk=place["admin"].pk)
    client.force_login(admin)

    response = client.post(
        reverse("admin:groups_neighbourhoodgroup_add"),
        {
            "council": place["council"].pk, "name": "Port", "description": "", "kind": "segment",
            "join_policy": "invitation", "rule": '{"all": [{"field": "zone", "op": "in", "value": ["port"]}]}',
        },
    )

    assert response.status_code == 200
    assert "Unknown zone: port." in response.content.decode()
    assert not NeighbourhoodGroup.objects.exists()


def test_admin_creates_a_segment_through_the_service(client, place):
    admin = type(place["admin"]).objects.get(pk=place["admin"].pk)
    client.force_login(admin)

    response = client.post(
        reverse("admin:groups_neighbourhoodgroup_add"),
        {
            "council": place["council"].pk, "name": "Gare", "description": "", "kind": "segment",
            "join_policy": "invitation", "rule": '{"all": [{"field": "zone", "op": "in", "value": ["gare"]}]}',
        },
    )

    group = NeighbourhoodGroup.objects.get()
    assert response.url == reverse("admin:groups_neighbourhoodgroup_changelist")
    assert [p.display_name for p in group_members_of(group)] == ["Chloé"]
