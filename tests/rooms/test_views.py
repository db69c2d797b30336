"""The room page: only for people who may see the room, in the room's own council."""

import pytest
from django.urls import reverse

from council.rooms.models import RoomRemoval

pytestmark = pytest.mark.django_db


def _url(room):
    return reverse("room-detail", args=[room.council.slug, room.pk])


def test_room_page_needs_login(client, room):
    response = client.get(_url(room))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_sees_the_room_page(client, room, user_with_role):
    client.force_login(user_with_role("member", room.council))

    response = client.get(_url(room))

    page = response.content.decode()
    assert response.status_code == 200
    assert room.name in page
    assert f'data-ws-path="/ws/rooms/room/{room.pk}/"' in page


@pytest.mark.parametrize("who", ["outsider", "removed member"])
def test_people_without_access_get_404(who, client, room, user_with_role, user_factory):
    person = user_factory() if who == "outsider" else user_with_role("member", room.council)
    if who == "removed member":
        RoomRemoval.objects.create(room=room, user=person)
    client.force_login(person)

    assert client.get(_url(room)).status_code == 404


def test_room_is_not_served_under_another_councils_slug(
    client, room, council_factory, user_with_role
):
    other = council_factory()
    client.force_login(user_with_role("member", room.council))

    response = client.get(reverse("room-detail", args=[other.slug, room.pk]))

    assert response.status_code == 404


def test_room_page_in_english(client, room, user_with_role):
    client.force_login(user_with_role("member", room.council))
    client.post(reverse("set_language"), {"language": "en", "next": _url(room)})

    page = client.get(_url(room)).content.decode()

    assert '<html lang="en">' in page
    assert "Raise my hand" in page
