"""Room facilitation given and taken on the room's page: the services, the page, the sockets."""

import pytest
from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.urls import reverse

from council.core.errors import AccessDenied
from council.councils.models import AuditEntry
from council.rooms import services
from council.rooms.selectors import room_facilitator_candidates
from council.rooms.selectors import room_facilitator_list
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path


@pytest.fixture
def facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, display_name="Fatou")


@pytest.fixture
def member(room, user_with_role):
    return user_with_role("member", room.council, display_name="Mehdi")


def _audit(room):
    return list(
        AuditEntry.objects.filter(target_type="rooms.room", target_id=room.pk).order_by("pk").values_list(
            "action", "actor_id", "details"
        )
    )


@pytest.mark.django_db
def test_grant_makes_a_member_run_the_room_once_and_tells_their_sockets(
    room, facilitator, member, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.room_facilitator_grant(actor=facilitator, room_id=room.pk, user_id=member.pk)
    with django_capture_on_commit_callbacks(execute=True) as again:
        services.room_facilitator_grant(actor=facilitator, room_id=room.pk, user_id=member.pk)

    assert member.has_perm("rooms.moderate_room", room)
    assert room_facilitator_list(room=room) == [member]
    assert member not in room_facilitator_candidates(room=room)
    assert _audit(room) == [("rooms.facilitator_granted", facilitator.pk, {"user_id": member.pk})]
    assert [(group, message["payload"]) for group, message in captured_events] == [
        (f"user.{member.pk}", {"council_id": room.council_id, "role": "member"})
    ]
    assert again == []  # the second grant changed nothing: no audit row, no event


@pytest.mark.django_db
def test_revoke_takes_the_room_back_once(room, facilitator, member, captured_events, django_capture_on_commit_callbacks):
    services.room_facilitator_grant(actor=facilitator, room_id=room.pk, user_id=member.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.room_facilitator_revoke(actor=facilitator, room_id=room.pk, user_id=member.pk)
    with django_capture_on_commit_callbacks(execute=True) as again:
        services.room_facilitator_revoke(actor=facilitator, room_id=room.pk, user_id=member.pk)

    assert not member.has_perm("rooms.moderate_room", room)
    assert room_facilitator_list(room=room) == []
    assert [action for action, *_ in _audit(room)] == ["rooms.facilitator_granted", "rooms.facilitator_revoked"]
    assert [(group, message["type"]) for group, message in captured_events] == [
        (f"user.{member.pk}", "councils.role_changed")
    ]
    assert again == []


@pytest.mark.django_db
def test_revoke_leaves_a_council_facilitator_running_the_room(room, facilitator, user_with_role):
    other = user_with_role("facilitator", room.council)

    services.room_facilitator_revoke(actor=facilitator, room_id=room.pk, user_id=other.pk)

    assert other.has_perm("rooms.moderate_room", room)
    assert _audit(room) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["resident", "member of another council", "outsider"])
def test_only_a_member_of_the_rooms_council_can_be_named(who, room, facilitator, user_with_role, council_factory):
    council = council_factory() if who == "member of another council" else room.council
    role = {"resident": "resident", "member of another council": "member", "outsider": None}[who]
    person = user_with_role(role, council)

    with pytest.raises(ValidationError) as refused:
        services.room_facilitator_grant(actor=facilitator, room_id=room.pk, user_id=person.pk)

    assert refused.value.message_dict == {"user": ["Choose a member of this council."]}
    assert not person.has_perm("rooms.moderate_room", room)
    assert _audit(room) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "room facilitator", "facilitator of another council"])
def test_only_the_councils_facilitators_choose_who_runs_a_room(
    who, room, member, user_with_role, council_factory, django_capture_on_commit_callbacks
):
    if who == "facilitator of another council":
        actor = user_with_role("facilitator", council_factory())
    else:
        actor = user_with_role("member", room.council)
        if who == "room facilitator":
            services.room_facilitator_grant(
                actor=user_with_role("facilitator", room.council), room_id=room.pk, user_id=actor.pk
            )
    before = _audit(room)

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(AccessDenied):
            services.room_facilitator_grant(actor=actor, room_id=room.pk, user_id=member.pk)
        with pytest.raises(AccessDenied):
            services.room_facilitator_revoke(actor=actor, room_id=room.pk, user_id=member.pk)

    assert not member.has_perm("rooms.moderate_room", room)
    assert _audit(room) == before
    assert callbacks == []


# The page: the room's edit page lists its own facilitators, adds and removes them.


@pytest.fixture
def edit_url(room):
    return reverse("room-edit", args=[room.council.slug, room.pk])


@pytest.mark.django_db
def test_page_adds_a_member_then_removes_them(client, room, facilitator, member, user_with_role, edit_url):
    resident = user_with_role("resident", room.council, display_name="Rose")
    client.force_login(facilitator)

    page = client.get(edit_url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    added = client.post(
        reverse("room-facilitator-add", args=[room.council.slug, room.pk]), {"facilitator-user": member.pk}
    )
    listed = client.get(edit_url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    removed = client.post(reverse("room-facilitator-remove", args=[room.council.slug, room.pk, member.pk]))

    assert f'<option value="{member.pk}">Mehdi</option>' in page
    assert f'value="{resident.pk}"' not in page  # a resident follows, they are not offered
    assert f'value="{facilitator.pk}"' not in page  # the council's facilitators run it already
    assert (added.status_code, added.url) == (302, edit_url)
    assert "Retirer<span class=\"visually-hidden\"> Mehdi</span>" in listed
    assert f'<option value="{member.pk}">' not in listed
    assert (removed.status_code, removed.url) == (302, edit_url)
    assert room_facilitator_list(room=room) == []
    assert not member.has_perm("rooms.moderate_room", room)


@pytest.mark.django_db
def test_page_shows_a_forged_choice_next_to_the_field(client, room, facilitator, user_with_role, council_factory):
    stranger = user_with_role("member", council_factory(), display_name="Sam")
    client.force_login(facilitator)

    response = client.post(
        reverse("room-facilitator-add", args=[room.council.slug, room.pk]),
        {"facilitator-user": stranger.pk},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 400
    assert (
        '<p class="field-error errorlist" role="alert" id="id_facilitator-user_error">'
        "Choisissez un membre de ce conseil qui n’anime pas encore la salle.</p>"  # noqa: RUF001
    ) in response.content.decode()
    assert room_facilitator_list(room=room) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["resident", "member"])
def test_forged_posts_of_people_who_do_not_choose_are_refused(role, client, room, member, user_with_role):
    client.force_login(user_with_role(role, room.council))
    services.room_facilitator_grant(
        actor=user_with_role("facilitator", room.council), room_id=room.pk, user_id=member.pk
    )

    add = client.post(reverse("room-facilitator-add", args=[room.council.slug, room.pk]), {"facilitator-user": member.pk})
    remove = client.post(reverse("room-facilitator-remove", args=[room.council.slug, room.pk, member.pk]))

    assert (add.status_code, remove.status_code) == (403, 403)
    assert room_facilitator_list(room=room) == [member]


@pytest.mark.django_db
def test_a_room_facilitator_edits_the_room_without_choosing_who_runs_it(client, room, facilitator, member, edit_url):
    services.room_facilitator_grant(actor=facilitator, room_id=room.pk, user_id=member.pk)
    client.force_login(member)

    page = client.get(edit_url)

    assert page.status_code == 200
    assert "facilitator-user" not in page.content.decode()


# The sockets: rights follow the grant at once, and nobody else hears of it.


async def _capabilities(communicator):
    frame = await next_frame_of(communicator, "rooms.capabilities_changed", wait=1)
    return frame["payload"]["capabilities"]


@pytest.mark.django_db(transaction=True)
async def test_a_connected_member_gets_and_loses_the_controls_at_once(room, user_with_role):
    make = database_sync_to_async(user_with_role)
    facilitator = await make("facilitator", room.council, display_name="Fatou")
    member = await make("member", room.council, display_name="Mehdi")
    bystander = await make("member", room.council, display_name="Bruno")
    mehdi, snapshot = await connect(room_path(room.pk), user=member)
    bruno, _ = await connect(room_path(room.pk), user=bystander)
    assert snapshot["payload"]["me"]["capabilities"]["moderate_room"] is False

    await database_sync_to_async(services.room_facilitator_grant)(
        actor=facilitator, room_id=room.pk, user_id=member.pk
    )
    granted = await _capabilities(mehdi)
    await expect_silence(bruno)

    await database_sync_to_async(services.room_facilitator_revoke)(
        actor=facilitator, room_id=room.pk, user_id=member.pk
    )
    revoked = await _capabilities(mehdi)
    await expect_silence(bruno)

    assert (granted["moderate_room"], granted["moderate_media"]) == (True, True)
    assert (revoked["moderate_room"], revoked["moderate_media"]) == (False, False)
    for communicator in (mehdi, bruno):
        await communicator.disconnect()
