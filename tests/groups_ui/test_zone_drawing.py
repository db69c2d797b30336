"""Zones drawn on the map, renamed and deleted by administrators: services and pages."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.groups.models import ResidentProfile
from council.groups.models import Zone
from council.groups.services import group_create
from council.groups.services import profile_update
from council.groups.services import zone_delete
from council.groups.services import zone_save

pytestmark = pytest.mark.django_db

NORD = (2.30, 48.85, 2.40, 48.95)
INSIDE_NORD = {"latitude": 48.90, "longitude": 2.35}
BOW_TIE = {"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.9], [2.4, 48.8], [2.3, 48.9], [2.3, 48.8]]]}


def square(box: tuple[float, float, float, float]) -> dict[str, Any]:
    min_lon, min_lat, max_lon, max_lat = box
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are checked in English (French is the default language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def administrator(council, user_with_role):
    return user_with_role("administrator", council)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def nord(council, administrator):
    return zone_save(actor=administrator, council=council, name="Quartier Nord", geometry=square(NORD))


@pytest.fixture
def told(captured_events, django_capture_on_commit_callbacks):
    """Run a service; return the ids of the people told to re-check their access."""

    def run(service, **kwargs):
        captured_events.clear()
        with django_capture_on_commit_callbacks(execute=True):
            service(**kwargs)
        return sorted(
            int(group.removeprefix("user."))
            for group, message in captured_events
            if message["type"] == "groups.membership_changed"
        )

    return run


def url(name: str, council, **kwargs: Any) -> str:
    return reverse(name, kwargs={"council_slug": council.slug, **kwargs})


def alert_of(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    return page.split('role="alert"')[1].split("</div>")[0]


# Services


def test_a_drawn_square_becomes_a_zone_and_takes_in_located_residents(council, administrator, user_with_role, told):
    resident = user_with_role("resident", council)
    profile_update(actor=resident, council=council, answers={}, **INSIDE_NORD)

    ids = told(zone_save, actor=administrator, council=council, name="Quartier Nord", geometry=square(NORD))

    zone = Zone.objects.get(council=council)
    assert (zone.name, zone.slug) == ("Quartier Nord", "quartier-nord")
    assert (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat) == NORD
    assert ResidentProfile.objects.get(user=resident).zone == zone
    assert ids == [resident.pk]


def test_a_bow_tie_is_refused_with_its_reason_and_nothing_is_saved(council, administrator):
    with pytest.raises(InvalidInput) as refused:
        zone_save(actor=administrator, council=council, name="Papillon", geometry=BOW_TIE)

    assert "Papillon is not a valid polygon (Self-intersection" in refused.value.message
    assert not Zone.objects.filter(council=council).exists()


def test_a_second_zone_with_the_same_name_is_refused(council, administrator, nord):
    with pytest.raises(InvalidInput) as refused:
        zone_save(actor=administrator, council=council, name="quartier nord", geometry=square((2.4, 48.85, 2.5, 48.95)))

    assert "Another zone is already called quartier nord." in refused.value.message
    assert Zone.objects.filter(council=council).count() == 1


def test_renaming_keeps_the_polygon_and_its_residents(council, administrator, user_with_role, nord, told):
    resident = user_with_role("resident", council)
    profile_update(actor=resident, council=council, answers={}, **INSIDE_NORD)

    ids = told(zone_save, actor=administrator, council=council, name="Les Hauts", geometry=nord.geometry, zone_id=nord.pk)

    nord.refresh_from_db()
    assert (nord.name, nord.slug, nord.geometry) == ("Les Hauts", "les-hauts", square(NORD))
    assert ResidentProfile.objects.get(user=resident).zone == nord
    assert ids == []  # nobody changed zone


def test_a_zone_used_by_a_segment_can_be_neither_renamed_nor_deleted(council, administrator, nord):
    group_create(
        actor=administrator, council=council, name="Habitants du nord", kind="segment",
        rule={"all": [{"field": "zone", "op": "in", "value": ["quartier-nord"]}]},
    )

    with pytest.raises(InvalidInput) as rename_refused:
        zone_save(actor=administrator, council=council, name="Les Hauts", geometry=nord.geometry, zone_id=nord.pk)
    with pytest.raises(InvalidInput) as delete_refused:
        zone_delete(actor=administrator, zone=nord)

    assert "Habitants du nord" in rename_refused.value.message
    assert "Habitants du nord" in delete_refused.value.message
    nord.refresh_from_db()
    assert nord.name == "Quartier Nord"


def test_deleting_moves_its_residents_out_and_tells_them(council, administrator, user_with_role, nord, told):
    located = user_with_role("resident", council)
    profile_update(actor=located, council=council, answers={}, **INSIDE_NORD)
    chose = user_with_role("resident", council)
    profile_update(actor=chose, council=council, answers={}, zone_slug="quartier-nord")
    elsewhere = user_with_role("resident", council)
    profile_update(actor=elsewhere, council=council, answers={}, latitude=45.0, longitude=5.0)

    ids = told(zone_delete, actor=administrator, zone=nord)

    assert not Zone.objects.filter(council=council).exists()
    assert list(ResidentProfile.objects.filter(council=council).values_list("zone", flat=True)) == [None, None, None]
    assert ids == sorted([located.pk, chose.pk])


@pytest.mark.parametrize("role", ["facilitator", "member", "resident"])
def test_only_administrators_draw_and_delete(council, user_with_role, nord, role):
    someone = user_with_role(role, council)

    with pytest.raises(AccessDenied):
        zone_save(actor=someone, council=council, name="Sud", geometry=square((2.3, 48.75, 2.4, 48.85)))
    with pytest.raises(AccessDenied):
        zone_delete(actor=someone, zone=nord)

    assert list(Zone.objects.filter(council=council).values_list("name", flat=True)) == ["Quartier Nord"]


# Pages


def test_the_drawn_polygon_is_saved_from_the_form(admin_client, council):
    response = admin_client.post(
        url("zone-draw", council), {"name": "Quartier Nord", "geometry": json.dumps(square(NORD))}, follow=True
    )

    assert Zone.objects.get(council=council).name == "Quartier Nord"
    page = response.content.decode()
    assert '<th scope="row">Quartier Nord</th>' in page


def test_a_drawn_bow_tie_is_refused_in_an_alert_and_kept_for_another_try(admin_client, council):
    response = admin_client.post(url("zone-draw", council), {"name": "Papillon", "geometry": json.dumps(BOW_TIE)})

    alert = alert_of(response)
    assert "Papillon is not a valid polygon (Self-intersection" in alert
    assert not Zone.objects.filter(council=council).exists()
    page = response.content.decode()
    assert 'value="Papillon"' in page
    assert 'name="geometry" value="{&quot;type&quot;: &quot;Polygon&quot;' in page


def test_saving_without_drawing_says_what_to_do(admin_client, council):
    alert = alert_of(admin_client.post(url("zone-draw", council), {"name": "Quartier Nord", "geometry": ""}))

    assert "No polygon was drawn" in alert
    assert not Zone.objects.filter(council=council).exists()


def test_the_list_links_to_renaming_and_deleting_each_zone(admin_client, council, nord):
    page = admin_client.get(url("zone-list", council)).content.decode()

    assert f'href="{url("zone-rename", council, zone_id=nord.pk)}"' in page
    assert f'href="{url("zone-delete", council, zone_id=nord.pk)}"' in page
    assert "keyboard" in page.split('id="zones-import-heading"')[1]


def test_renaming_through_the_form(admin_client, council, nord):
    rename = url("zone-rename", council, zone_id=nord.pk)
    assert 'value="Quartier Nord"' in admin_client.get(rename).content.decode()

    response = admin_client.post(rename, {"name": "Les Hauts"}, follow=True)

    assert '<th scope="row">Les Hauts</th>' in response.content.decode()
    nord.refresh_from_db()
    assert nord.name == "Les Hauts"


def test_deleting_asks_first_then_deletes(admin_client, council, nord, user_with_role):
    resident = user_with_role("resident", council)
    profile_update(actor=resident, council=council, answers={}, **INSIDE_NORD)
    delete = url("zone-delete", council, zone_id=nord.pk)

    confirmation = admin_client.get(delete).content.decode()
    assert "Quartier Nord" in confirmation
    assert Zone.objects.filter(pk=nord.pk).exists()

    admin_client.post(delete)

    assert not Zone.objects.filter(pk=nord.pk).exists()
    assert ResidentProfile.objects.get(user=resident).zone is None


def test_deleting_a_zone_a_segment_uses_is_refused_in_an_alert(admin_client, administrator, council, nord):
    group_create(
        actor=administrator, council=council, name="Habitants du nord", kind="segment",
        rule={"field": "zone", "op": "in", "value": ["quartier-nord"]},
    )

    alert = alert_of(admin_client.post(url("zone-delete", council, zone_id=nord.pk)))

    assert "Habitants du nord" in alert
    assert Zone.objects.filter(pk=nord.pk).exists()


@pytest.mark.parametrize("role", ["facilitator", "member", "resident", "outsider"])
def test_other_people_cannot_draw_rename_or_delete(client, council, user_with_role, nord, role):
    client.force_login(user_with_role(role, council))

    drawn = client.post(url("zone-draw", council), {"name": "Sud", "geometry": json.dumps(square((2.3, 48.75, 2.4, 48.85)))})
    renamed = client.post(url("zone-rename", council, zone_id=nord.pk), {"name": "Les Hauts"})
    deleted = client.post(url("zone-delete", council, zone_id=nord.pk))

    assert (drawn.status_code, renamed.status_code, deleted.status_code) == (403, 403, 403)
    assert list(Zone.objects.filter(council=council).values_list("name", flat=True)) == ["Quartier Nord"]


def test_a_zone_of_another_council_is_not_found(admin_client, council, council_factory, user_with_role):
    other = council_factory()
    their_admin = user_with_role("administrator", other)
    theirs = zone_save(actor=their_admin, council=other, name="Ailleurs", geometry=square(NORD))

    response = admin_client.post(url("zone-delete", council, zone_id=theirs.pk))

    assert response.status_code == 404
    assert Zone.objects.filter(pk=theirs.pk).exists()


def test_drawing_needs_the_csrf_token(administrator, council):
    csrf_client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    csrf_client.force_login(administrator)

    response = csrf_client.post(url("zone-draw", council), {"name": "Quartier Nord", "geometry": json.dumps(square(NORD))})

    assert response.status_code == 403
    assert not Zone.objects.filter(council=council).exists()
