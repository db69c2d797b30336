"""The zones page of administrators: table and map of zones, GeoJSON import and its errors."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from council.groups.models import ResidentProfile
from council.groups.models import Zone
from council.groups.services import profile_update
from council.groups.services import zones_import

pytestmark = pytest.mark.django_db

NORD = (2.30, 48.85, 2.40, 48.95)
SUD = (2.30, 48.75, 2.40, 48.85)


def square(name: str, box: tuple[float, float, float, float]) -> dict[str, Any]:
    min_lon, min_lat, max_lon, max_lat = box
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def upload(content: str | bytes, name: str = "quartiers.geojson") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/geo+json")


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


@pytest.fixture
def administrator(council, user_with_role):
    return user_with_role("administrator", council)


@pytest.fixture
def zones_url(council):
    return reverse("zone-list", kwargs={"council_slug": council.slug})


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_import_creates_the_zones_and_lists_them(admin_client, council, zones_url):
    response = admin_client.post(
        zones_url, {"geojson": upload(collection(square("Quartier Nord", NORD), square("Quartier Sud", SUD)))}, follow=True
    )

    assert sorted(council.zones.values_list("name", flat=True)) == ["Quartier Nord", "Quartier Sud"]
    page = response.content.decode()
    assert "2 zones importées" in page or "2 zones imported" in page
    assert "<th scope=\"row\">Quartier Nord</th>" in page


def test_import_puts_located_residents_in_their_zone(admin_client, council, zones_url, user_with_role):
    resident = user_with_role("resident", council)
    profile_update(actor=resident, council=council, answers={}, latitude=48.9, longitude=2.35)

    admin_client.post(zones_url, {"geojson": upload(collection(square("Quartier Nord", NORD)))})

    assert ResidentProfile.objects.get(user=resident).zone.name == "Quartier Nord"


def test_the_table_is_the_text_alternative_of_the_map(admin_client, administrator, council, zones_url, user_with_role, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    zones_import(actor=administrator, council=council, geojson=collection(square("Quartier Nord", NORD), square("Quartier Sud", SUD)))
    for _ in range(3):
        resident = user_with_role("resident", council)
        profile_update(actor=resident, council=council, answers={}, zone_slug="quartier-nord")

    page = admin_client.get(zones_url).content.decode()

    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "<tr><th scope=\"row\">Quartier Nord</th><td>3</td></tr>" in rows
    assert "<tr><th scope=\"row\">Quartier Sud</th><td>0</td></tr>" in rows
    # The map gets the same zones as GeoJSON, and its block stays hidden until the script shows it.
    assert 'id="zone-map-block" class="map-block" hidden' in page
    geojson = json.loads(page.split('<script id="zones-geojson" type="application/json">')[1].split("</script>")[0])
    assert sorted(f["properties"]["name"] for f in geojson["features"]) == ["Quartier Nord", "Quartier Sud"]
    config = json.loads(page.split('<script id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["tileUrl"] == "https://tiles.example.org/{z}/{x}/{y}.png"


def errors_of(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    return page.split('role="alert"')[1].split("</div>")[0]


def test_a_self_intersecting_polygon_is_named_and_nothing_is_imported(admin_client, council, zones_url):
    bow_tie = {
        "type": "Feature",
        "properties": {"name": "Papillon"},
        "geometry": {"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.9], [2.4, 48.8], [2.3, 48.9], [2.3, 48.8]]]},
    }

    response = admin_client.post(zones_url, {"geojson": upload(collection(square("Quartier Nord", NORD), bow_tie))})

    error = errors_of(response)
    assert "Papillon" in error
    assert "Self-intersection" in error
    assert not Zone.objects.filter(council=council).exists()


def test_a_point_is_refused(admin_client, council, zones_url):
    point = {"type": "Feature", "properties": {"name": "Mairie"}, "geometry": {"type": "Point", "coordinates": [2.35, 48.85]}}

    error = errors_of(admin_client.post(zones_url, {"geojson": upload(collection(point))}))

    assert "Mairie" in error
    assert "Point" in error
    assert not Zone.objects.filter(council=council).exists()


def test_a_file_that_is_not_json_is_refused(admin_client, council, zones_url):
    error = errors_of(admin_client.post(zones_url, {"geojson": upload("name;lon;lat\nNord;2.3;48.9\n", "zones.csv")}))

    assert "JSON" in error
    assert not Zone.objects.filter(council=council).exists()


def test_json_that_is_not_a_feature_collection_is_refused(admin_client, council, zones_url):
    error = errors_of(admin_client.post(zones_url, {"geojson": upload(json.dumps(square("Quartier Nord", NORD)))}))

    assert "FeatureCollection" in error
    assert not Zone.objects.filter(council=council).exists()


def test_a_file_over_5_mb_is_refused(admin_client, council, zones_url):
    padding = " " * (5 * 1024 * 1024)
    big = collection(square("Quartier Nord", NORD))[:-1] + padding + "}"

    error = errors_of(admin_client.post(zones_url, {"geojson": upload(big)}))

    assert "5 MB" in error or "5 Mo" in error
    assert not Zone.objects.filter(council=council).exists()


@pytest.mark.parametrize("role", ["facilitator", "member", "resident", "outsider"])
def test_only_administrators_see_and_import_zones(client, council, zones_url, user_with_role, role):
    client.force_login(user_with_role(role, council))

    assert client.get(zones_url).status_code == 403
    response = client.post(zones_url, {"geojson": upload(collection(square("Quartier Nord", NORD)))})

    assert response.status_code == 403
    assert not Zone.objects.filter(council=council).exists()


def test_anonymous_people_are_asked_to_log_in(client, zones_url):
    response = client.get(zones_url)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_council_page_links_administrators_to_zones_and_questions(client, council, administrator, user_with_role):
    detail = reverse("council-detail", kwargs={"council_slug": council.slug})
    client.force_login(administrator)
    page = client.get(detail).content.decode()
    assert reverse("zone-list", kwargs={"council_slug": council.slug}) in page
    assert reverse("attribute-list", kwargs={"council_slug": council.slug}) in page
    assert reverse("council-profile", kwargs={"council_slug": council.slug}) in page

    client.force_login(user_with_role("member", council))
    page = client.get(detail).content.decode()
    assert reverse("zone-list", kwargs={"council_slug": council.slug}) not in page
    assert reverse("attribute-list", kwargs={"council_slug": council.slug}) not in page
    assert reverse("council-profile", kwargs={"council_slug": council.slug}) in page
