"""Files that used to answer HTTP 500: NUL bytes, deep or non-finite JSON, huge rejected imports."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from council.councils.models import Role
from council.groups.models import Membership
from council.groups.models import Zone
from council.groups.services import group_create

pytestmark = pytest.mark.django_db

SQUARE = [[[2.3, 48.85], [2.4, 48.85], [2.4, 48.95], [2.3, 48.95], [2.3, 48.85]]]


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def administrator(council, user_with_role):
    return user_with_role(Role.ADMINISTRATOR, council, email="admin@example.org")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def group(council, administrator):
    return group_create(actor=administrator, council=council, name="Comité vélo")


def _import_members(client, council, group, content: bytes):
    url = reverse("group-import", args=[council.slug, group.pk])
    return client.post(url, {"file": SimpleUploadedFile("membres.csv", content, content_type="text/csv")})


def _import_zones(client, council, content: str | bytes):
    data = content.encode() if isinstance(content, str) else content
    url = reverse("zone-list", kwargs={"council_slug": council.slug})
    return client.post(url, {"geojson": SimpleUploadedFile("z.geojson", data, content_type="application/geo+json")})


def _alert(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200
    return page.split('role="alert"', 1)[1].split("</div>", 1)[0]


def _collection(coordinates) -> str:
    feature = {"type": "Feature", "properties": {"name": "Nord"}, "geometry": {"type": "Polygon", "coordinates": coordinates}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]})


# CSV import of members


def test_a_nul_byte_in_a_member_csv_is_refused_with_its_line(admin_client, council, group, user_with_role):
    user_with_role(Role.RESIDENT, council, email="alice@example.org")

    response = _import_members(admin_client, council, group, b"email\nalice@example.org\nbru\x00no@example.org\n")

    assert "Line 3 holds a NUL character: the file is not CSV text." in _alert(response)
    assert not Membership.objects.exists()


def test_a_huge_rejected_member_csv_lists_the_first_50_lines_and_counts_the_rest(admin_client, council, group):
    content = b"email\n" + b"".join(b"n%d@x.fr\n" % i for i in range(60_000))

    response = _import_members(admin_client, council, group, content)

    page = response.content.decode()
    assert "60000 lines were rejected; nothing was imported." in page
    assert page.count("Nobody has an account with this address.") == 50
    assert "<td>n49@x.fr</td>" in page
    assert "n50@x.fr" not in page
    assert "…and 59950 more rejected lines." in page
    assert len(response.content) < 100_000
    assert not Membership.objects.exists()


# GeoJSON import and drawing


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_coordinates_are_refused_in_an_import(admin_client, council, constant):
    text = _collection(SQUARE).replace("2.4", constant, 1)

    alert = _alert(_import_zones(admin_client, council, text))

    assert f"The file is not valid JSON: {constant} is not a number JSON allows." in alert
    assert not Zone.objects.exists()


@pytest.mark.parametrize("depth", [40, 100_000], ids=["over-our-cap", "over-python-recursion"])
def test_deeply_nested_geojson_is_refused_in_an_import(admin_client, council, depth):
    text = '{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}"

    alert = _alert(_import_zones(admin_client, council, text))

    assert "The file is not valid JSON: it is nested too deeply." in alert
    assert not Zone.objects.exists()


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"], ids=["nul", "lone-surrogate"])
def test_a_string_postgresql_cannot_store_is_refused_in_geojson(admin_client, council, escape):
    text = _collection(SQUARE).replace('"Nord"', f'"No{escape}rd"')

    alert = _alert(_import_zones(admin_client, council, text))

    assert "The file is not valid JSON: it holds a NUL character or an invalid Unicode escape." in alert
    assert not Zone.objects.exists()


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (json.dumps({"type": "Polygon", "coordinates": SQUARE}).replace("2.4", "NaN", 1), "The drawn polygon could not be read"),
        (json.dumps({"type": "Polygon", "coordinates": SQUARE}).replace("2.4", "Infinity", 1), "The drawn polygon could not be read"),
        ("[" * 100_000 + "]" * 100_000, "The drawn polygon could not be read"),
    ],
    ids=["nan", "infinity", "deep"],
)
def test_a_bad_drawn_polygon_is_refused_in_an_alert(admin_client, council, geometry, message):
    url = reverse("zone-draw", kwargs={"council_slug": council.slug})

    alert = _alert(admin_client.post(url, {"name": "Nord", "geometry": geometry}))

    assert message in alert
    assert not Zone.objects.exists()
