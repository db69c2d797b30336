"""A council's FranceConnect client in the admin: the secret never comes back, linking is the superuser's."""

import pytest
from django.urls import reverse

from council.councils.models import Role
from council.councils.services import role_grant
from council.identity.models import PRODUCTION_ISSUER
from council.identity.models import SANDBOX_ISSUER
from council.identity.models import FranceConnectClient
from tests.factories import UserFactory
from tests.mfa_helpers import totp_give

SECRET = "a-secret-from-franceconnect-0123456789"


@pytest.fixture
def fc(db, council):
    return FranceConnectClient.objects.create(council=council, client_id="client-nord", secret=SECRET)


@pytest.fixture
def administrator(council):
    person = UserFactory()
    role_grant(actor=None, council=council, user=person, role=Role.ADMINISTRATOR)
    totp_give(person)  # administrators must hold a second factor
    person.refresh_from_db()
    return person


def form(fc, **changes) -> dict:
    data = {
        "council": fc.council_id,
        "enabled": "on",
        "issuer": fc.issuer,
        "client_id": fc.client_id,
        "secret": "",
        "claims": ["given_name", "family_name"],
    }
    return {**data, **changes}


def test_the_secret_is_never_shown_and_kept_when_left_empty(client, fc, administrator):
    client.force_login(administrator)
    url = reverse("admin:identity_franceconnectclient_change", args=[fc.pk])

    page = client.get(url).content.decode()
    response = client.post(url, form(fc))

    assert SECRET not in page
    assert response.status_code == 302
    fc.refresh_from_db()
    assert (fc.secret, fc.enabled, fc.claims) == (SECRET, True, ["given_name", "family_name"])


def test_the_change_page_gives_the_addresses_to_register_with_franceconnect(client, fc, administrator):
    client.force_login(administrator)

    page = client.get(reverse("admin:identity_franceconnectclient_change", args=[fc.pk])).content.decode()

    assert f"/accounts/franceconnect/franceconnect-{fc.council_id}/login/callback/" in page
    assert f"/accounts/franceconnect/franceconnect-{fc.council_id}/logout/callback/" in page


def test_an_administrator_cannot_let_franceconnect_link_accounts_by_email(client, fc, administrator):
    client.force_login(administrator)
    url = reverse("admin:identity_franceconnectclient_change", args=[fc.pk])

    page = client.get(url).content.decode()
    forged = client.post(url, form(fc, link_by_email="on"))

    assert 'name="link_by_email"' not in page
    assert forged.status_code == 403
    fc.refresh_from_db()
    assert fc.link_by_email is False


def test_the_superuser_may(client, fc):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(
        reverse("admin:identity_franceconnectclient_change", args=[fc.pk]), form(fc, link_by_email="on")
    )

    assert response.status_code == 302
    fc.refresh_from_db()
    assert fc.link_by_email is True


def test_another_council_administrator_cannot_see_it(client, fc, council_factory):
    other = UserFactory()
    role_grant(actor=None, council=council_factory(), user=other, role=Role.ADMINISTRATOR)
    totp_give(other)
    client.force_login(other)

    response = client.get(reverse("admin:identity_franceconnectclient_change", args=[fc.pk]))
    listed = client.get(reverse("admin:identity_franceconnectclient_changelist"))
    forged = client.post(reverse("admin:identity_franceconnectclient_change", args=[fc.pk]), form(fc))

    assert response.status_code in (302, 403, 404)
    assert SECRET not in response.content.decode()
    assert listed.status_code == 200
    assert fc.client_id not in listed.content.decode()
    assert forged.status_code in (302, 403, 404)
    fc.refresh_from_db()
    assert (fc.enabled, fc.claims) == (False, ["given_name", "family_name", "birthdate", "email"])


def test_an_administrator_may_point_only_at_franceconnect(client, fc, administrator):
    """Another address would have Council trust identities signed by a server of their choosing."""
    client.force_login(administrator)
    url = reverse("admin:identity_franceconnectclient_change", args=[fc.pk])

    refused = client.post(url, form(fc, issuer="https://idp.attacker.example/api/v2"))
    moved = client.post(url, form(fc, issuer=PRODUCTION_ISSUER))

    assert refused.status_code == 200
    assert "issuer" in refused.context["adminform"].form.errors
    assert moved.status_code == 302
    fc.refresh_from_db()
    assert fc.issuer == PRODUCTION_ISSUER


def test_an_administrator_keeps_an_address_the_superuser_set(client, fc, administrator):
    fc.issuer = "https://fc-proxy.example.fr/api/v2"
    fc.save()
    client.force_login(administrator)

    response = client.post(reverse("admin:identity_franceconnectclient_change", args=[fc.pk]), form(fc))

    assert response.status_code == 302
    fc.refresh_from_db()
    assert fc.issuer == "https://fc-proxy.example.fr/api/v2"


def test_an_administrator_cannot_add_a_client_to_another_council(client, db, administrator, council_factory):
    other = council_factory()
    client.force_login(administrator)

    response = client.post(
        reverse("admin:identity_franceconnectclient_add"),
        {"council": other.pk, "enabled": "on", "issuer": SANDBOX_ISSUER, "client_id": "x", "secret": "s",
         "claims": ["given_name"]},
    )

    assert response.status_code == 200
    assert "council" in response.context["adminform"].form.errors
    assert not FranceConnectClient.objects.filter(council=other).exists()
