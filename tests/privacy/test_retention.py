"""Accounts inactive past INACTIVE_ACCOUNT_RETENTION_DAYS are deleted by the daily task (run eagerly here)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from council.accounts.models import User
from council.accounts.tasks import inactive_accounts_delete_task
from council.rooms.models import Message
from tests.privacy.conftest import PERSON_EMAIL


def last_seen(user, days_ago):
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=days_ago))


@pytest.mark.django_db
def test_off_by_default(settings, newcomer):
    last_seen(newcomer.person, 5000)

    assert inactive_accounts_delete_task.delay().get() == 0
    assert User.objects.filter(email=PERSON_EMAIL).exists()


@pytest.mark.django_db
def test_deletes_only_the_accounts_inactive_past_the_setting(settings, newcomer, user_factory):
    settings.INACTIVE_ACCOUNT_RETENTION_DAYS = 365
    recent = user_factory()
    never = user_factory()
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=timezone.now() - timedelta(days=400))
    root = user_factory(is_superuser=True)
    last_seen(recent, 300)
    last_seen(newcomer.person, 366)
    last_seen(root, 1000)

    assert inactive_accounts_delete_task.delay().get() == 2

    assert set(User.objects.filter(pk__in=[recent.pk, never.pk, root.pk, newcomer.person.pk]).values_list("pk", flat=True)) == {recent.pk, root.pk}
    assert Message.objects.get(text="Bonjour à tous").author.display_name == "Ancien participant"


@pytest.mark.django_db(transaction=True)
def test_an_account_kept_for_the_records_is_not_deleted_again(settings, everywhere):
    settings.INACTIVE_ACCOUNT_RETENTION_DAYS = 30
    last_seen(everywhere.person, 31)
    User.objects.exclude(pk=everywhere.person.pk).update(last_login=timezone.now())

    assert inactive_accounts_delete_task.delay().get() == 1
    assert inactive_accounts_delete_task.delay().get() == 0
    assert User.objects.get(pk=everywhere.person.pk).is_active is False
