"""The facilitators' page of a council's rooms: create, edit, lock, readmit, through the services."""

from datetime import UTC
from datetime import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from council.accounts.services import verification_record
from council.groups.models import NeighbourhoodGroup
from council.rooms.models import Room
from council.rooms.models import RoomRemoval

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(council_factory):
    return council_factory(slug="nord")


@pytest.fixture
def facilitator(council, user_with_role):
    return user_with_role("facilitator", council)


@pytest.fixture
def seniors(council):
    return NeighbourhoodGroup.objects.create(council=council, name="Aînés")


@pytest.fixture
def foreign_group(council_factory):
    return NeighbourhoodGroup.objects.create(council=council_factory(slug="sud"), name="Jeunes du Sud")


def _fields(prefix="", **values):
    data = {"name": "", "description": "", "starts_at": "", **values}
    return {f"{prefix}{key}": value for key, value in data.items()}


def test_facilitator_creates_a_room_open_to_a_group(client, council, facilitator, seniors):
    client.force_login(facilitator)

    response = client.post(
        reverse("room-manage", args=["nord"]),
        {**_fields("new-", name="Séance du 9 janvier", starts_at="2027-01-09T18:30"), "new-eligible_groups": [seniors.pk]},
    )

    assert response.status_code == 302
    room = Room.objects.get(council=council)
    assert room.name == "Séance du 9 janvier"
    # 18:30 in Paris in winter is 17:30 UTC
    assert room.starts_at == datetime(2027, 1, 9, 17, 30, tzinfo=UTC)
    assert list(room.eligible_groups.all()) == [seniors]


@pytest.mark.parametrize("role", ["member", "resident", "outsider"])
def test_people_who_do_not_run_meetings_are_refused(role, client, council, user_with_role):
    client.force_login(user_with_role(role, council))

    page = client.get(reverse("room-manage", args=["nord"]))
    post = client.post(reverse("room-manage", args=["nord"]), _fields("new-", name="Séance pirate"))

    assert (page.status_code, post.status_code) == (403, 403)
    assert not Room.objects.exists()


def test_a_group_of_another_council_is_refused_next_to_the_field(client, council, facilitator, foreign_group):
    client.force_login(facilitator)

    response = client.post(
        reverse("room-manage", args=["nord"]),
        {**_fields("new-", name="Séance"), "new-eligible_groups": [foreign_group.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<p class="field-error errorlist" role="alert" id="id_new-eligible_groups_error">'
        f"Select a valid choice. {foreign_group.pk} is not one of the available choices.</p>"
    ) in page
    assert 'value="Séance"' in page  # what was typed is kept
    assert not Room.objects.exists()


def test_edit_changes_name_date_and_groups_and_broadcasts(
    client, council, facilitator, seniors, room_factory, captured_events, django_capture_on_commit_callbacks
):
    room = room_factory(council=council, name="Séance")
    client.force_login(facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("room-edit", args=["nord", room.pk]),
            {**_fields(name="Séance plénière", description="Ordre du jour", starts_at="2027-06-01T19:00"), "eligible_groups": [seniors.pk]},
        )

    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.name, room.description) == ("Séance plénière", "Ordre du jour")
    assert room.starts_at == datetime(2027, 6, 1, 17, 0, tzinfo=UTC)  # summer time: UTC+2
    assert list(room.eligible_groups.all()) == [seniors]
    assert [(group, message["type"], message["payload"]["name"]) for group, message in captured_events] == [
        (f"room.{room.pk}", "rooms.room_updated", "Séance plénière")
    ]


def test_edit_page_shows_the_room_as_it_is(client, council, facilitator, seniors, room_factory):
    room = room_factory(council=council, name="Séance", starts_at=datetime(2027, 1, 9, 17, 30, tzinfo=UTC))
    room.eligible_groups.set([seniors])
    client.force_login(facilitator)

    page = client.get(reverse("room-edit", args=["nord", room.pk])).content.decode()

    assert 'value="2027-01-09T18:30"' in page
    assert f'value="{seniors.pk}" id="id_eligible_groups_0" checked' in page


def test_member_cannot_edit_a_room(client, council, user_with_role, room_factory):
    room = room_factory(council=council, name="Séance")
    client.force_login(user_with_role("member", council))

    response = client.post(reverse("room-edit", args=["nord", room.pk]), _fields(name="Piratée"))

    assert response.status_code == 404
    room.refresh_from_db()
    assert room.name == "Séance"


def test_lock_and_unlock_broadcast_the_room(
    client, council, facilitator, room_factory, captured_events, django_capture_on_commit_callbacks
):
    room = room_factory(council=council)
    client.force_login(facilitator)
    url = reverse("room-lock", args=["nord", room.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"locked": "1"})
    locked = Room.objects.get(pk=room.pk).is_locked
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"locked": "0"})

    assert locked is True
    assert Room.objects.get(pk=room.pk).is_locked is False
    assert [(group, message["type"], message["payload"]["locked"]) for group, message in captured_events] == [
        (f"room.{room.pk}", "rooms.room_updated", True),
        (f"room.{room.pk}", "rooms.room_updated", False),
    ]


def test_member_cannot_lock(client, council, user_with_role, room_factory):
    room = room_factory(council=council)
    client.force_login(user_with_role("member", council))

    response = client.post(reverse("room-lock", args=["nord", room.pk]), {"locked": "1"})

    assert response.status_code == 404
    assert Room.objects.get(pk=room.pk).is_locked is False


def test_readmit_a_removed_person(client, council, facilitator, user_with_role, room_factory):
    room = room_factory(council=council)
    removed = user_with_role("member", council, display_name="Rémi Retiré")
    RoomRemoval.objects.create(room=room, user=removed, decided_by=facilitator)
    client.force_login(facilitator)
    page = client.get(reverse("room-manage", args=["nord"])).content.decode()

    response = client.post(reverse("room-readmit", args=["nord", room.pk, removed.pk]))

    assert "Rémi Retiré" in page
    assert response.status_code == 302
    assert not RoomRemoval.objects.filter(room=room).exists()
    assert removed.has_perm("rooms.join_room", Room.objects.get(pk=room.pk))


def test_member_cannot_readmit(client, council, user_with_role, room_factory):
    room = room_factory(council=council)
    removed = user_with_role("member", council)
    RoomRemoval.objects.create(room=room, user=removed)
    client.force_login(user_with_role("member", council))

    response = client.post(reverse("room-readmit", args=["nord", room.pk, removed.pk]))

    assert response.status_code == 404
    assert RoomRemoval.objects.filter(room=room, user=removed).exists()


def test_a_room_of_another_council_is_not_managed_here(client, council, facilitator, room_factory, council_factory):
    other = room_factory(council=council_factory(slug="est"))
    client.force_login(facilitator)

    response = client.post(reverse("room-lock", args=["nord", other.pk]), {"locked": "1"})

    assert response.status_code == 404
    assert Room.objects.get(pk=other.pk).is_locked is False


def test_council_page_links_facilitators_to_the_rooms_page(client, council, facilitator, user_with_role):
    url = reverse("room-manage", args=["nord"])
    client.force_login(user_with_role("member", council))
    member_page = client.get(reverse("council-detail", args=["nord"])).content.decode()
    client.force_login(facilitator)
    facilitator_page = client.get(reverse("council-detail", args=["nord"])).content.decode()

    assert f'href="{url}"' in facilitator_page
    assert f'href="{url}"' not in member_page


# What verifications the room requires: the shared chooser (council/verifications/forms.py).


def test_a_requirement_set_on_the_page_is_enforced_when_coming_in(client, council, facilitator, user_with_role):
    client.force_login(facilitator)
    response = client.post(
        reverse("room-manage", args=["nord"]),
        {**_fields("new-", name="Séance vérifiée"), "new-verification_requirement_0": ["code", "email"],
         "new-verification_requirement_1": "all"},
    )

    assert response.status_code == 302
    room = Room.objects.get(council=council)
    assert room.verification_requirement == {"kinds": ["code", "email"], "mode": "all"}
    member = user_with_role("member", council)
    assert not member.has_perm("rooms.join_room", room)
    assert facilitator.has_perm("rooms.join_room", room)  # facilitators come in regardless
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    verification_record(user=member, kind="code", council_id=council.pk, claims={})
    assert member.has_perm("rooms.join_room", room)


def test_the_edit_page_offers_the_council_kinds_and_keeps_the_requirement(client, council, facilitator, room_factory):
    room = room_factory(council=council, name="Séance", verification_requirement={"kinds": ["code"], "mode": "any"})
    client.force_login(facilitator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(reverse("room-edit", args=["nord", room.pk])).content.decode()

    assert 'name="verification_requirement_0" value="code" id="id_verification_requirement_0_1" checked' in page
    assert "Census check" not in page  # no census list imported: not offered
    assert '<legend>Verifications required</legend>' in page
    response = client.post(
        reverse("room-edit", args=["nord", room.pk]),
        {**_fields(name="Séance"), "verification_requirement_1": "any"},  # every kind unticked
    )
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.verification_requirement == {}


def test_a_kind_the_council_does_not_offer_is_refused_and_nothing_is_saved(client, council, facilitator):
    client.force_login(facilitator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(
        reverse("room-manage", args=["nord"]),
        {**_fields("new-", name="Séance"), "new-verification_requirement_0": ["census"], "new-verification_requirement_1": "any"},
    )

    assert response.status_code == 400
    assert "Select a valid choice. census is not one of the available choices." in response.content.decode()
    assert not Room.objects.filter(council=council).exists()
