"""Under 15, the account is used only once a parent confirmed by the link e-mailed to them."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from council.youth.models import BirthDate
from council.youth.models import ParentalConsent
from council.youth.services import _token_hash
from tests.youth.test_ages import years_ago

CONSENT = "/accounts/parental-consent/"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def child(council, user_with_role, client):
    person = user_with_role("resident", council, email="lea@example.org", display_name="Léa")
    client.force_login(person)
    return person


@pytest.mark.django_db
def test_a_child_gives_a_birth_date_asks_a_parent_and_uses_the_account_once_the_parent_confirms(
    client, child, council, django_capture_on_commit_callbacks
):
    home = f"/c/{council.slug}/"
    # the birth date, given where a budget asked for it, sends a 14-year-old to the consent page
    response = client.post("/accounts/age/", {"born_on": years_ago(14, days=1).isoformat(), "next": home})
    assert response.status_code == 302
    assert client.get(home).url == CONSENT
    assert client.get("/accounts/profile/").url == CONSENT
    assert client.get("/accounts/my-data/").status_code == 200  # their own data stays reachable

    refused = client.post(CONSENT, {"parent_name": "Paule", "parent_email": "LEA@example.org"})
    assert '<p class="errorlist" role="alert"' in refused.text
    assert "Give your parent&#x27;s own e-mail address, not yours." in refused.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONSENT, {"parent_name": "Paule Martin", "parent_email": "paule@example.org"})
    assert "We sent an e-mail to Paule Martin (paule@example.org)" in client.get(CONSENT).text

    (email,) = mail.outbox
    assert email.to == ["paule@example.org"]
    assert "Léa, who is under 15, named you as their parent" in email.body
    link = re.search(r"http://testserver(/accounts/parental-consent/confirm/\S+/)", email.body).group(1)
    parent = client_class_new(client)
    page = parent.get(link)
    assert "I am their parent and I consent" in page.text
    assert ParentalConsent.objects.get(user=child).confirmed_at is None  # opening the link consents to nothing
    assert client.get(home).url == CONSENT

    done = parent.post(link)

    assert "Your consent is recorded: Léa can now use their account." in done.text
    assert client.get(home).status_code == 200
    assert parent.post(link).status_code == 400  # used once


def client_class_new(client):
    other = type(client)()
    other.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return other


@pytest.mark.django_db
def test_an_expired_or_unknown_link_says_so(client, child):
    BirthDate.objects.create(user=child, born_on=years_ago(10), source=BirthDate.Source.DECLARED)
    ParentalConsent.objects.create(
        user=child, parent_name="Paule", parent_email="paule@example.org",
        token_hash=_token_hash("old-token"), requested_at=timezone.now() - timedelta(days=8),
    )

    expired = client.post("/accounts/parental-consent/confirm/old-token/")
    unknown = client.get("/accounts/parental-consent/confirm/made-up/")

    assert expired.status_code == unknown.status_code == 400
    assert "This link has expired: ask your child to send a new one." in expired.text
    assert "This link is not valid, or was already used." in unknown.text
    assert ParentalConsent.objects.get(user=child).confirmed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "born_on", "redirected"),
    [("15 today", years_ago(15), False), ("15 tomorrow", years_ago(15, days=1), True)],
)
def test_consent_is_asked_under_15_only(_case, born_on, redirected, client, child, council):
    client.post("/accounts/age/", {"born_on": born_on.isoformat()})

    assert (client.get(f"/c/{council.slug}/").status_code == 302) is redirected


@pytest.mark.django_db
def test_a_birth_date_in_the_future_is_refused_and_one_given_cannot_be_changed(client, child):
    future = client.post("/accounts/age/", {"born_on": (timezone.localdate() + timedelta(days=1)).isoformat()})
    assert "A birth date cannot be in the future." in future.text
    assert 'aria-invalid="true"' in future.text

    client.post("/accounts/age/", {"born_on": years_ago(30).isoformat()})
    again = client.post("/accounts/age/", {"born_on": years_ago(20).isoformat()})

    assert BirthDate.objects.get(user=child).born_on == years_ago(30)
    assert "Your birth date is recorded" in again.text
