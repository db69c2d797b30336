"""Following a contribution: its followers hear of its official answer and status, in the app and by
e-mail as each of them chose on their profile (through groups' notifications, Celery eager in tests)."""

import pytest
from django.core import mail
from django.urls import reverse

from council.consultation import moderation
from council.consultation import services
from council.groups.models import Notification
from council.groups.models import NotificationSend
from council.groups.notifications import notification_list_for
from council.groups.notifications import unread_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(consultation, submit, resident, council, user_with_role, moderator):
    """A contribution its author follows, and three followers more: in-app only, e-mail only, and the moderator."""
    contribution = submit(consultation)
    app_only = user_with_role("resident", council, email="app@example.org", notify_by_email=False)
    mail_only = user_with_role("resident", council, email="mail@example.org", notify_in_app=False)
    for person in (app_only, mail_only, moderator):
        services.contribution_follow(actor=person, contribution_id=contribution.pk)
    return contribution, {"author": resident, "app_only": app_only, "mail_only": mail_only, "moderator": moderator}


def _in_app(person, council) -> list[str]:
    return [n.send.subject for n in notification_list_for(user=person, council=council)]


def test_an_official_answer_reaches_each_follower_as_they_chose_and_not_the_moderator(
    followed, council, django_capture_on_commit_callbacks
):
    contribution, people = followed

    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_answer(actor=people["moderator"], contribution_id=contribution.pk, answer="Les arbres seront plantés en mars.")

    subject = "Réponse officielle à «\u00a0Plus d'arbres\u00a0»"
    assert sorted(message.to[0] for message in mail.outbox) == sorted([people["author"].email, "mail@example.org"])
    message = next(m for m in mail.outbox if m.to == ["mail@example.org"])
    assert message.subject == subject
    assert "Les arbres seront plantés en mars." in message.body
    assert f"/consultations/{contribution.consultation_id}/contributions/{contribution.pk}/" in message.body
    assert "parce que vous suivez cette contribution" in message.body
    assert _in_app(people["author"], council) == [subject]
    assert _in_app(people["app_only"], council) == [subject]
    assert _in_app(people["mail_only"], council) == []  # e-mailed, not shown in the app
    assert unread_count(user=people["mail_only"], council=council) == 0
    assert _in_app(people["moderator"], council) == []
    assert not Notification.objects.filter(user=people["moderator"]).exists()
    send = NotificationSend.objects.get()
    assert (send.group, send.council, send.status, send.total) == (None, council, "done", 3)


def test_a_status_change_is_told_once_and_the_same_status_again_says_nothing(followed, django_capture_on_commit_callbacks):
    contribution, people = followed

    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_set_status(
            actor=people["moderator"], contribution_id=contribution.pk, status="rejected", reason="Le trottoir est trop étroit."
        )
        moderation.contribution_set_status(
            actor=people["moderator"], contribution_id=contribution.pk, status="rejected", reason="Le trottoir est trop étroit."
        )

    author_mail = [m for m in mail.outbox if m.to == [people["author"].email]]
    assert [m.subject for m in author_mail] == ["«\u00a0Plus d'arbres\u00a0»\u00a0: Refusée"]
    assert "Le statut de la contribution est désormais\u00a0: Refusée.\n\nLe trottoir est trop étroit." in author_mail[0].body


def test_someone_who_stopped_following_or_wants_nothing_hears_nothing(
    consultation, submit, resident, council, user_with_role, moderator, django_capture_on_commit_callbacks
):
    contribution = submit(consultation)
    quiet = user_with_role("resident", council, notify_in_app=False, notify_by_email=False)
    services.contribution_follow(actor=quiet, contribution_id=contribution.pk)
    services.contribution_follow(actor=resident, contribution_id=contribution.pk, following=False)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_set_status(actor=moderator, contribution_id=contribution.pk, status="under_study")

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_profile_page_sets_how_one_hears_and_the_notification_links_to_the_contribution(
    client, followed, council, django_capture_on_commit_callbacks
):
    contribution, people = followed
    author = people["author"]
    client.force_login(author)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="notify_in_app"' in page
    assert 'name="notify_by_email"' in page

    client.post(reverse("profile"), {"display_name": "Alice", "preferred_language": "fr", "notify_in_app": "on"})
    author.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_answer(actor=people["moderator"], contribution_id=contribution.pk, answer="Oui.")

    assert (author.notify_in_app, author.notify_by_email) == (True, False)
    assert author.email not in [m.to[0] for m in mail.outbox]
    listing = client.get(reverse("notification-list", args=[council.slug])).content.decode()
    assert "Oui." in listing
    assert f'href="/c/{council.slug}/consultations/{contribution.consultation_id}/contributions/{contribution.pk}/"' in listing
