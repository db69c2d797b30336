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


# A council's social log-ins and ProConnect; the instance's own social apps.


@pytest.fixture
def google(db, council):
    from council.identity.models import CouncilSocialApp

    return CouncilSocialApp.objects.create(council=council, provider="google", client_id="nord-google", secret=SECRET)


def social_form(app, **changes) -> dict:
    data = {"council": app.council_id, "provider": app.provider, "enabled": "on", "client_id": app.client_id, "secret": ""}
    return {**data, **changes}


def test_a_council_social_app_secret_is_never_shown_and_kept(client, google, administrator):
    client.force_login(administrator)
    url = reverse("admin:identity_councilsocialapp_change", args=[google.pk])

    page = client.get(url).content.decode()
    response = client.post(url, social_form(google))

    assert SECRET not in page
    assert f"/accounts/council-social/google-council-{google.pk}/login/callback/" in page
    assert response.status_code == 302
    google.refresh_from_db()
    assert (google.secret, google.enabled) == (SECRET, True)


def test_only_the_superuser_sets_a_council_openid_connect_address(client, google, administrator):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertion reads the English text
    client.force_login(administrator)
    url = reverse("admin:identity_councilsocialapp_change", args=[google.pk])

    forged = client.post(url, social_form(google, provider="openid_connect", server_url="https://idp.attacker.example"))
    unset = client.post(url, social_form(google, provider="openid_connect"))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    set_by_superuser = client.post(url, social_form(google, provider="openid_connect", server_url="https://sso.nord.fr"))

    assert forged.status_code == 403
    assert unset.status_code == 200
    assert "superuser sets the OpenID Connect address first" in unset.content.decode()
    assert set_by_superuser.status_code == 302
    google.refresh_from_db()
    assert (google.provider, google.server_url) == ("openid_connect", "https://sso.nord.fr")


def test_an_administrator_may_point_proconnect_only_at_proconnect(db, client, council, administrator):
    from council.identity.models import PROCONNECT_PRODUCTION_ISSUER
    from council.identity.models import ProConnectClient

    pc = ProConnectClient.objects.create(council=council, client_id="pc", secret=SECRET)
    client.force_login(administrator)
    url = reverse("admin:identity_proconnectclient_change", args=[pc.pk])
    data = {"council": council.pk, "enabled": "on", "client_id": "pc", "secret": "", "claims": ["email", "siret"]}

    refused = client.post(url, {**data, "issuer": "https://idp.attacker.example/api/v2"})
    moved = client.post(url, {**data, "issuer": PROCONNECT_PRODUCTION_ISSUER})

    assert refused.status_code == 200
    assert SECRET not in refused.content.decode()
    assert moved.status_code == 302
    pc.refresh_from_db()
    assert (pc.issuer, pc.secret, pc.claims) == (PROCONNECT_PRODUCTION_ISSUER, SECRET, ["email", "siret"])


def test_the_instance_social_apps_are_the_superuser_s_and_their_secret_is_not_shown(db, client, administrator):
    from allauth.socialaccount.models import SocialApp

    app = SocialApp.objects.create(provider="github", name="GitHub", client_id="gh", secret=SECRET)
    url = reverse("admin:socialaccount_socialapp_change", args=[app.pk])
    client.force_login(administrator)
    refused = client.get(url)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(url).content.decode()
    response = client.post(url, {
        "provider": "github", "provider_id": "", "name": "GitHub", "client_id": "gh", "secret": "", "key": "",
        "settings": "{}", "link_by_email": "on",
    })

    assert refused.status_code in (302, 403)
    assert SECRET not in page
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.secret, app.settings) == (SECRET, {"email_authentication": True})
