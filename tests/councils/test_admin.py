"""The Django admin, for a council administrator, holds only their own council's objects."""

import pytest
from django.urls import reverse

from council.councils.models import Role
from council.councils.selectors import role_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_room(room_factory, council_factory):
    return room_factory(council=council_factory(name="Conseil Nord"), name="Séance du Nord")


@pytest.fixture
def foreign_room(room_factory, council_factory):
    return room_factory(council=council_factory(name="Conseil Sud"), name="Séance du Sud")


@pytest.fixture
def administrator(own_room, user_with_role):
    person = user_with_role("administrator", own_room.council)
    person.refresh_from_db()  # is_staff was set by role_grant
    return person


def test_administrator_sees_only_their_councils_rooms(
    client, administrator, own_room, foreign_room
):
    client.force_login(administrator)

    listing = client.get(reverse("admin:rooms_room_changelist"))

    assert administrator.is_staff
    assert listing.status_code == 200
    assert "Séance du Nord" in listing.content.decode()
    assert "Séance du Sud" not in listing.content.decode()
    assert client.get(reverse("admin:rooms_room_change", args=[own_room.pk])).status_code == 200
    assert client.get(reverse("admin:rooms_room_change", args=[foreign_room.pk])).status_code == 302


def test_administrator_sees_only_their_councils_messages(
    client, administrator, own_room, foreign_room, message_factory
):
    own = message_factory(room=own_room, text="Message du Nord")
    foreign = message_factory(room=foreign_room, text="Message du Sud")
    client.force_login(administrator)

    listing = client.get(reverse("admin:rooms_message_changelist")).content.decode()

    assert "Séance du Nord" in listing
    assert "Séance du Sud" not in listing
    own_page = client.get(reverse("admin:rooms_message_change", args=[own.pk]))
    assert own_page.status_code == 200
    assert "Message du Nord" in own_page.content.decode()
    assert client.get(reverse("admin:rooms_message_change", args=[foreign.pk])).status_code == 302


def test_administrator_sees_only_their_council(client, administrator, own_room, foreign_room):
    client.force_login(administrator)

    index = client.get(reverse("admin:index")).content.decode()
    councils = client.get(reverse("admin:councils_council_changelist")).content.decode()

    assert reverse("admin:rooms_room_changelist") in index
    assert reverse("admin:accounts_user_changelist") not in index  # people are the superuser's
    assert "Conseil Nord" in councils
    assert "Conseil Sud" not in councils
    assert (
        client.get(
            reverse("admin:councils_council_change", args=[foreign_room.council.pk])
        ).status_code
        == 302
    )


def test_administrator_cannot_put_a_room_in_another_council(
    client, administrator, own_room, foreign_room
):
    client.force_login(administrator)

    response = client.post(
        reverse("admin:rooms_room_add"),
        {"council": foreign_room.council.pk, "name": "Intruse", "description": ""},
    )

    assert response.status_code == 200  # the form is shown again with an error
    assert not foreign_room.council.rooms.filter(name="Intruse").exists()


def test_administrator_grants_roles_in_their_council(client, administrator, own_room, user_factory):
    newcomer = user_factory(email="nouvelle@example.org")
    client.force_login(administrator)
    url = reverse("admin:councils_council_roles", args=[own_room.council.pk])

    response = client.post(url, {"email": "nouvelle@example.org", "role": "facilitator"})

    assert response.status_code == 302
    assert role_get(user=newcomer, council=own_room.council) == Role.FACILITATOR


def test_administrator_cannot_manage_roles_elsewhere(client, administrator, foreign_room):
    client.force_login(administrator)

    response = client.get(reverse("admin:councils_council_roles", args=[foreign_room.council.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["facilitator", "member", "resident"])
def test_other_roles_get_no_admin(role, client, own_room, user_with_role):
    person = user_with_role(role, own_room.council)
    client.force_login(person)

    response = client.get(reverse("admin:index"))
    rooms = client.get(reverse("admin:rooms_room_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert rooms.status_code == 302
