"""Sign-up with e-mail verification, log-in throttling, password reset, profile language."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from council.accounts.models import User

PASSWORD = "un-mot-de-passe-solide-42"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # allauth keeps its log-in rate limits in the cache
    yield
    cache.clear()


def _verified_user(email="alice@example.org"):
    user = User.objects.create_user(email, PASSWORD, display_name="Alice")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.mark.django_db
def test_sign_up_needs_the_emailed_link_before_log_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert not EmailAddress.objects.get(email="new@example.org").verified
    client.logout()
    refused = client.post(reverse("account_login"), {"login": "new@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert refused.status_code in (200, 302)

    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    client.post(link)

    assert EmailAddress.objects.get(email="new@example.org").verified
    client.logout()
    client.post(reverse("account_login"), {"login": "new@example.org", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(User.objects.get(email="new@example.org").pk)


@pytest.mark.django_db
def test_failed_log_ins_are_throttled_per_account(client):
    user = _verified_user()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 429 or "Too many" in response.content.decode() or "Trop" in response.content.decode()


@pytest.mark.django_db
def test_failed_log_ins_are_throttled_per_address(client):
    users = [_verified_user(f"p{i}@example.org") for i in range(11)]
    for user in users[:10]:
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    client.post(reverse("account_login"), {"login": users[10].email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_good_password_logs_in_below_the_limit(client):
    user = _verified_user()
    client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_password_reset_mails_a_working_link(client, django_capture_on_commit_callbacks):
    user = _verified_user()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(action, {"password1": "encore-un-autre-secret-7", "password2": "encore-un-autre-secret-7"})
    user.refresh_from_db()
    assert user.check_password("encore-un-autre-secret-7")


@pytest.mark.django_db
def test_profile_language_applies_to_pages(client):
    user = _verified_user()
    client.force_login(user)

    client.post(reverse("profile"), {"display_name": "Alice B.", "preferred_language": "en"})
    page = client.get(reverse("profile"))

    user.refresh_from_db()
    assert (user.display_name, user.preferred_language) == ("Alice B.", "en")
    assert '<html lang="en">' in page.content.decode()


@pytest.mark.django_db
def test_logging_in_switches_to_the_profile_language_over_the_browser_s(client):
    user = _verified_user()
    user.preferred_language = "fr"
    user.save(update_fields=["preferred_language"])

    client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="fr">' in page.content.decode()
