"""The attendance breakdown of a room: by zone and by group, no figure under five people."""

import re

import pytest
from django.urls import reverse

from council.councils.models import Role
from council.groups.models import Zone
from council.groups.services import group_create
from council.groups.services import membership_add
from council.groups.services import profile_update
from council.rooms.models import RoomAttendance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Read the pages in English (French is the default), so assertions do not follow the catalogue."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _zone(council, slug, name):
    ring = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    Zone.objects.create(
        council=council, slug=slug, name=name, geometry={"type": "Polygon", "coordinates": [ring]},
        min_lon=0, min_lat=0, max_lon=1, max_lat=1,
    )


@pytest.fixture
def attended(council, room_factory, user_with_role):
    """Seven people came to the room: six live in the centre, one at the station."""
    _zone(council, "centre", "Centre-ville")
    _zone(council, "gare", "Quartier de la gare")
    room = room_factory(council=council, name="Séance de janvier")
    facilitator = user_with_role(Role.FACILITATOR, council)
    big = group_create(actor=facilitator, council=council, name="Habitants du centre", kind="segment",
                       rule={"all": [{"field": "zone", "op": "in", "value": ["centre"]}]})
    small = group_create(actor=facilitator, council=council, name="Comité des fêtes")
    for number in range(7):
        person = user_with_role(Role.RESIDENT, council)
        profile_update(actor=person, council=council, answers={}, zone_slug="centre" if number < 6 else "gare")
        RoomAttendance.objects.create(room=room, user=person)
        if number < 2:
            membership_add(actor=facilitator, group=small, user=person)
    user_with_role(Role.RESIDENT, council)  # did not come
    return {"council": council, "room": room, "facilitator": facilitator, "big": big, "small": small}


def _cells(page: str, table_id: str) -> dict[str, str]:
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td[^>]*>(.*?)</td>', table, re.S)
    return {name.strip(): value.strip() for name, value in rows}


def test_counts_by_zone_and_group_with_small_cells_hidden(client, attended):
    client.force_login(attended["facilitator"])

    response = client.get(reverse("room-breakdown", args=[attended["council"].slug, attended["room"].pk]))

    page = response.content.decode()
    assert "7 people came to this room." in page
    assert _cells(page, "by-zone") == {"Centre-ville": "6", "Quartier de la gare": "fewer than 5"}
    assert _cells(page, "by-group") == {"Comité des fêtes": "fewer than 5", "Habitants du centre": "6"}


def test_tables_are_labelled_for_screen_readers(client, attended):
    client.force_login(attended["facilitator"])

    page = client.get(reverse("room-breakdown", args=[attended["council"].slug, attended["room"].pk])).content.decode()

    assert "<caption>Attendance by zone</caption>" in page
    assert "<caption>Attendance by group and segment</caption>" in page
    assert page.count('scope="col"') == 6
    assert 'style="width: 100%"' in page  # the largest shown cell has the full bar


def test_small_room_shows_no_total(client, council, room_factory, user_with_role):
    facilitator = user_with_role(Role.FACILITATOR, council)
    room = room_factory(council=council)
    for _number in range(3):
        RoomAttendance.objects.create(room=room, user=user_with_role(Role.MEMBER, council))
    client.force_login(facilitator)

    page = client.get(reverse("room-breakdown", args=[council.slug, room.pk])).content.decode()

    assert "Fewer than 5 people came to this room." in page
    assert "3 people" not in page


@pytest.mark.parametrize("role", [Role.MEMBER, Role.RESIDENT, None])
def test_only_facilitators_see_it(client, attended, user_with_role, role):
    client.force_login(user_with_role(role, attended["council"]))

    response = client.get(reverse("room-breakdown", args=[attended["council"].slug, attended["room"].pk]))

    assert response.status_code == 404


def test_room_of_another_council_is_not_found(client, attended, council_factory, room_factory):
    other_room = room_factory(council=council_factory())
    client.force_login(attended["facilitator"])

    response = client.get(reverse("room-breakdown", args=[attended["council"].slug, other_room.pk]))

    assert response.status_code == 404
