"""Notifying a group or segment: who may, what people receive, once only, and the pages."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.groups import notifications
from council.groups.events import NOTIFICATION_PROGRESSED
from council.groups.events import send_group
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import Notification
from council.groups.models import NotificationSend
from council.groups.notifications import notification_mark_read
from council.groups.notifications import notification_send_create
from council.groups.notifications import notification_send_process
from council.groups.tasks import notification_send_deliver
from council.rooms.invitations import room_invite
from tests.factories import CouncilFactory
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(name="Conseil de quartier Nord")


@pytest.fixture
def facilitator(council, user_with_role):
    return user_with_role("facilitator", council, display_name="Fatou Facilitatrice")


@pytest.fixture
def jardin(council, user_with_role):
    """A static group "Jardin partagé" with three active members and one only invited."""
    group = NeighbourhoodGroup.objects.create(council=council, name="Jardin partagé")
    for n in range(3):
        person = user_with_role("resident", council, email=f"jardinier{n}@example.org")
        Membership.objects.create(group=group, user=person, status=Membership.Status.ACTIVE)
    invited = user_with_role("resident", council, email="invitee@example.org")
    Membership.objects.create(group=group, user=invited, status=Membership.Status.INVITED)
    return group


def _members(group):
    return set(group.memberships.filter(status="active").values_list("user__email", flat=True))


def _send(actor, group, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        return notification_send_create(
            actor=actor, group=group, subject=fields.get("subject", "Arrosage cet été"),
            body=fields.get("body", "Qui peut arroser en août ?"), by_email=fields.get("by_email", True),
        )


def test_notifying_a_group_reaches_each_active_member_in_the_app_and_by_email(
    facilitator, jardin, django_capture_on_commit_callbacks
):
    send = _send(facilitator, jardin, django_capture_on_commit_callbacks)

    send.refresh_from_db()
    assert send.status == NotificationSend.Status.DONE
    assert send.total == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(_members(jardin))
    assert "invitee@example.org" not in {m.to[0] for m in mail.outbox}
    assert set(Notification.objects.filter(send=send).values_list("user__email", flat=True)) == _members(jardin)
    assert Notification.objects.filter(send=send, emailed_at__isnull=True).count() == 0


def test_the_email_carries_subject_message_and_a_link_to_the_notifications(
    facilitator, jardin, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://conseils.example.fr"
    _send(facilitator, jardin, django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    assert message.subject == "Arrosage cet été"
    assert message.body.startswith("Qui peut arroser en août ?")
    assert f"https://conseils.example.fr/c/{jardin.council.slug}/notifications/" in message.body
    assert "Jardin partagé" in message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.extra_headers["Message-ID"].startswith("<notification.")


def test_in_app_only_sends_no_email(facilitator, jardin, django_capture_on_commit_callbacks):
    send = _send(facilitator, jardin, django_capture_on_commit_callbacks, by_email=False)

    assert mail.outbox == []
    assert Notification.objects.filter(send=send).count() == 3
    send.refresh_from_db()
    assert notifications.send_progress(send) == {"send_id": send.pk, "done": 3, "total": 3, "status": "done"}


def test_a_segment_is_notified_by_its_rule(facilitator, council, user_with_role, django_capture_on_commit_callbacks):
    residents = {user_with_role("resident", council).email for _ in range(2)}
    user_with_role("member", council)
    user_with_role("resident", CouncilFactory())  # a resident elsewhere
    segment = NeighbourhoodGroup.objects.create(
        council=council, name="Habitants", kind="segment", rule={"field": "role", "op": "in", "value": ["resident"]}
    )

    _send(facilitator, segment, django_capture_on_commit_callbacks)

    assert {m.to[0] for m in mail.outbox} == residents


def test_running_the_task_twice_sends_each_email_once(facilitator, jardin, django_capture_on_commit_callbacks):
    send = _send(facilitator, jardin, django_capture_on_commit_callbacks)
    NotificationSend.objects.filter(pk=send.pk).update(status=NotificationSend.Status.SENDING)

    notification_send_deliver.delay(send.pk)
    notification_send_deliver.delay(send.pk)

    assert len(mail.outbox) == 3
    assert Notification.objects.filter(send=send).count() == 3


def test_a_rerun_after_an_interrupted_one_emails_only_those_not_reached(facilitator, jardin):
    send = NotificationSend.objects.create(group=jardin, sender=facilitator, subject="Réunion", body="Mardi 19 h")
    first, *_others = jardin.memberships.filter(status="active").order_by("user_id")
    # What a worker killed after its first e-mail leaves behind: rows for all, one e-mailed.
    for membership in jardin.memberships.filter(status="active"):
        Notification.objects.create(
            send=send, user=membership.user, emailed_at=timezone.now() if membership == first else None
        )
    NotificationSend.objects.filter(pk=send.pk).update(status=NotificationSend.Status.SENDING)

    notification_send_process(send_id=send.pk, chunk_size=2)

    assert first.user.email not in {m.to[0] for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert NotificationSend.objects.get(pk=send.pk).status == NotificationSend.Status.DONE


def test_someone_who_left_after_the_first_run_still_counts_once(facilitator, jardin):
    send = NotificationSend.objects.create(group=jardin, sender=facilitator, subject="Réunion", body="Mardi 19 h")
    leaver = jardin.memberships.filter(status="active").first()
    Notification.objects.create(send=send, user=leaver.user, emailed_at=timezone.now())
    leaver.delete()

    notification_send_process(send_id=send.pk)

    send.refresh_from_db()
    assert send.total == 3
    assert notifications.send_progress(send)["done"] == 3
    assert len(mail.outbox) == 2


def test_progress_is_broadcast_after_each_chunk(
    facilitator, jardin, captured_events, django_capture_on_commit_callbacks
):
    send = NotificationSend.objects.create(group=jardin, sender=facilitator, subject="Réunion", body="Mardi 19 h")

    with django_capture_on_commit_callbacks(execute=True):
        notification_send_process(send_id=send.pk, chunk_size=2)

    payloads = [m["payload"] for g, m in captured_events if g == send_group(send.pk)]
    assert all(m["type"] == NOTIFICATION_PROGRESSED for g, m in captured_events if g == send_group(send.pk))
    assert [p["done"] for p in payloads] == [0, 2, 3, 3]
    assert payloads[-1] == {"send_id": send.pk, "done": 3, "total": 3, "status": "done"}


@pytest.mark.parametrize("role", ["member", "resident", "outsider"])
def test_only_those_who_coordinate_may_notify(role, jardin, user_with_role):
    with pytest.raises(AccessDenied):
        notification_send_create(actor=user_with_role(role, jardin.council), group=jardin, subject="S", body="B")
    assert not NotificationSend.objects.exists()


def test_a_group_coordinator_may_notify_their_group(jardin, django_capture_on_commit_callbacks):
    coordinator = jardin.memberships.filter(status="active").first().user
    from guardian.shortcuts import assign_perm

    assign_perm("groups.coordinate_group", coordinator, jardin)

    _send(coordinator, jardin, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 3


def test_an_empty_subject_is_refused(facilitator, jardin):
    with pytest.raises(InvalidInput):
        notification_send_create(actor=facilitator, group=jardin, subject="  ", body="Bonjour")


def test_room_invitation_names_the_room_and_links_to_it_without_restricting_it(
    facilitator, jardin, django_capture_on_commit_callbacks
):
    room = RoomFactory(council=jardin.council, name="Atelier compost")
    with django_capture_on_commit_callbacks(execute=True):
        send = room_invite(actor=facilitator, room=room, group=jardin, base_url="https://conseils.example.fr/")

    assert send.subject == "Invitation: Atelier compost"
    link = f"https://conseils.example.fr/c/{room.council.slug}/rooms/{room.pk}/"
    assert "Atelier compost" in mail.outbox[0].body
    assert link in mail.outbox[0].body
    assert len(mail.outbox) == 3
    assert list(room.eligible_groups.all()) == []


def test_room_invitation_uses_the_councils_own_host_name(facilitator, jardin, django_capture_on_commit_callbacks):
    jardin.council.host_name = "conseil-nord.example.fr"
    jardin.council.save()
    room = RoomFactory(council=jardin.council)
    send = room_invite(actor=facilitator, room=room, group=jardin)

    assert f"https://conseil-nord.example.fr/c/{room.council.slug}/rooms/{room.pk}/" in send.body


def test_room_invitation_needs_a_moderator_and_a_group_of_the_same_council(facilitator, jardin, user_with_role):
    room = RoomFactory(council=jardin.council)
    elsewhere = NeighbourhoodGroup.objects.create(council=CouncilFactory(), name="Ailleurs")

    with pytest.raises(AccessDenied):
        room_invite(actor=user_with_role("member", jardin.council), room=room, group=jardin)
    with pytest.raises(AccessDenied):
        room_invite(actor=facilitator, room=room, group=elsewhere)
    assert not NotificationSend.objects.exists()


def test_people_mark_their_own_notifications_read_only(facilitator, jardin, django_capture_on_commit_callbacks):
    send = _send(facilitator, jardin, django_capture_on_commit_callbacks)
    mine, theirs = Notification.objects.filter(send=send)[:2]

    assert notification_mark_read(actor=mine.user, notification_id=mine.pk).read_at is not None
    with pytest.raises(AccessDenied):
        notification_mark_read(actor=mine.user, notification_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None


# Pages ------------------------------------------------------------------------------------


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_notify_page_sends_and_shows_progress(en_client, facilitator, jardin, django_capture_on_commit_callbacks):
    en_client.force_login(facilitator)
    url = reverse("group-notify", args=[jardin.council.slug, jardin.pk])
    page = en_client.get(url).content.decode()
    assert '<label for="id_subject">' in page
    assert "<legend>" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(url, {"subject": "Arrosage", "body": "Qui arrose ?", "by_email": "on"})

    send = NotificationSend.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notification-send-detail", args=[jardin.council.slug, send.pk])
    detail = en_client.get(response["Location"]).content.decode()
    assert '<progress id="send-progress-bar" max="3" value="3"' in detail
    assert "3 of 3 sent" in detail
    assert 'role="status"' in detail
    assert "Sending finished." in detail
    progress = en_client.get(reverse("notification-send-progress", args=[jardin.council.slug, send.pk]))
    assert json.loads(progress.content) == {"send_id": send.pk, "done": 3, "total": 3, "status": "done"}


def test_notify_form_errors_are_announced(en_client, facilitator, jardin):
    en_client.force_login(facilitator)

    response = en_client.post(reverse("group-notify", args=[jardin.council.slug, jardin.pk]), {"subject": "", "body": ""})

    assert response.status_code == 200
    assert '<div role="alert" id="id_subject_error">' in response.content.decode()
    assert not NotificationSend.objects.exists()


def test_a_send_in_progress_shows_how_far_it_is(en_client, facilitator, jardin):
    send = NotificationSend.objects.create(
        group=jardin, sender=facilitator, subject="Réunion", body="Mardi", total=3, status="sending"
    )
    user = jardin.memberships.filter(status="active").first().user
    Notification.objects.create(send=send, user=user, emailed_at=timezone.now())
    en_client.force_login(facilitator)

    page = en_client.get(reverse("notification-send-detail", args=[jardin.council.slug, send.pk])).content.decode()

    assert "1 of 3 sent" in page
    assert 'value="1"' in page
    status = page.split('id="send-progress-status"')[1].split(">", 1)[1].split("</p>")[0]
    assert status == ""


@pytest.mark.parametrize("role", ["member", "resident"])
def test_others_cannot_notify_or_follow_a_send(role, en_client, facilitator, jardin, user_with_role):
    send = NotificationSend.objects.create(group=jardin, sender=facilitator, subject="S", body="B")
    en_client.force_login(user_with_role(role, jardin.council))
    slug = jardin.council.slug

    assert en_client.get(reverse("group-notify", args=[slug, jardin.pk])).status_code == 404
    assert en_client.get(reverse("notification-send-detail", args=[slug, send.pk])).status_code == 404
    assert en_client.get(reverse("notification-send-progress", args=[slug, send.pk])).status_code == 404


def test_room_invite_page_offers_the_councils_groups_with_the_subject_prefilled(
    en_client, facilitator, jardin, django_capture_on_commit_callbacks
):
    room = RoomFactory(council=jardin.council, name="Atelier compost")
    NeighbourhoodGroup.objects.create(council=CouncilFactory(), name="Groupe d'ailleurs")
    en_client.force_login(facilitator)
    url = reverse("room-invite", args=[room.council.slug, room.pk])

    page = en_client.get(url).content.decode()
    assert '<select name="group"' in page
    assert "Jardin partagé" in page
    assert "Groupe d&#x27;ailleurs" not in page
    assert 'value="Invitation: Atelier compost"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(url, {"group": jardin.pk, "subject": "Invitation: Atelier compost", "by_email": "on"})

    assert response.status_code == 302
    assert len(mail.outbox) == 3
    assert f"http://testserver/c/{room.council.slug}/rooms/{room.pk}/" in mail.outbox[0].body


def test_room_invite_page_is_for_moderators(en_client, jardin, user_with_role):
    room = RoomFactory(council=jardin.council)
    en_client.force_login(user_with_role("member", jardin.council))

    assert en_client.get(reverse("room-invite", args=[room.council.slug, room.pk])).status_code == 404


def test_people_read_their_notifications_and_the_header_counts_the_unread(
    en_client, facilitator, jardin, django_capture_on_commit_callbacks
):
    send = _send(facilitator, jardin, django_capture_on_commit_callbacks, subject="Fête des voisins")
    notification = Notification.objects.filter(send=send).first()
    en_client.force_login(notification.user)
    url = reverse("notification-list", args=[jardin.council.slug])

    page = en_client.get(url).content.decode()
    assert "Fête des voisins" in page
    assert f'href="{url}">Notifications <span class="badge">1<span class="visually-hidden"> unread</span>' in page

    response = en_client.post(reverse("notification-read", args=[jardin.council.slug, notification.pk]))

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    page = en_client.get(url).content.decode()
    assert f'href="{url}">Notifications</a>' in page
