"""My data: the page, the downloads and the deletion, as a logged-in person uses them."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from council.accounts.models import FORMER_PARTICIPANT_EMAIL
from council.accounts.models import User
from council.rooms.models import Message
from tests.factories import PASSWORD
from tests.privacy.conftest import PERSON_EMAIL


@pytest.mark.django_db
def test_the_page_lists_the_records_kept_about_the_person(client, everywhere):
    client.force_login(everywhere.person)

    page = client.get(reverse("my-data")).content.decode()

    assert "Feuilles d\u2019émargement des séances" in page
    assert "Pouvoirs que vous avez donnés" in page
    assert reverse("my-data-download", args=["json"]) in page


@pytest.mark.django_db
def test_the_page_speaks_english_too(client, newcomer):
    client.force_login(newcomer.person)

    page = client.get(reverse("my-data"), headers={"accept-language": "en"}).content.decode()

    assert "Records kept after your account is deleted" in page
    assert "None about you today" in page


@pytest.mark.django_db
def test_downloads_json_and_html_as_files(client, everywhere):
    client.force_login(everywhere.person)

    as_json = client.get(reverse("my-data-download", args=["json"]))
    as_html = client.get(reverse("my-data-download", args=["html"]))

    assert as_json["Content-Disposition"] == 'attachment; filename="council-my-data.json"'
    assert json.loads(as_json.content)["account"]["email"] == PERSON_EMAIL
    assert as_html["Content-Disposition"] == 'attachment; filename="council-my-data.html"'
    assert "Des arbres" in as_html.content.decode()


@pytest.mark.django_db
def test_someone_else_downloads_only_their_own(client, everywhere):
    client.force_login(everywhere.other)

    export = client.get(reverse("my-data-download", args=["json"])).json()

    assert export["account"]["email"] == everywhere.other.email
    assert "Plantons." not in json.dumps(export)  # the body of the person's contribution


@pytest.mark.django_db
def test_logged_out_people_are_sent_to_log_in(client):
    assert client.get(reverse("my-data-download", args=["json"])).status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_deletes_nothing_and_says_why(client, newcomer):
    client.force_login(newcomer.person)

    response = client.post(reverse("account-delete"), {"password": "not-it"})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert User.objects.filter(email=PERSON_EMAIL).exists()


@pytest.mark.django_db
def test_deleting_logs_out_and_removes_the_account(client, newcomer):
    client.force_login(newcomer.person)

    response = client.post(reverse("account-delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(email=PERSON_EMAIL).exists()
    assert "_auth_user_id" not in client.session
    assert Message.objects.get(text="Bonjour à tous").author.email == FORMER_PARTICIPANT_EMAIL


@pytest.mark.django_db
def test_password_attempts_are_limited(client, newcomer):
    client.force_login(newcomer.person)
    for _ in range(5):
        client.post(reverse("account-delete"), {"password": "guess"})

    response = client.post(reverse("account-delete"), {"password": PASSWORD}, headers={"accept-language": "en"})
    cache.clear()  # the attempts counted, for the tests after this one

    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(email=PERSON_EMAIL).exists()
