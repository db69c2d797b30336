"""Social log-in and ProConnect against the real provider on loopback (provider.py).

Accounts are shared by every council: only an app of the instance whose superuser allowed it
links to an existing account by a verified e-mail; a council's own app never does.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.models import SocialApp

from council.accounts.models import Verification
from council.councils.models import Role
from council.councils.services import role_grant
from council.identity.models import CouncilSocialApp
from council.identity.models import FranceConnectClient
from council.identity.models import ProConnectClient
from tests.identity.helpers import come_back
from tests.identity.helpers import logged_in_user_id
from tests.identity.helpers import verified_person
from tests.identity.provider import query


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def log_in(client, oidc_provider, login_url: str, login: str, process: str = "login"):
    """Press Continue on Council's page, log in at the provider as `login`, come back."""
    response = client.post(login_url, {"process": process})
    assert response.status_code == 302, response.content
    return come_back(client, oidc_provider.log_in(response["Location"], login))


@pytest.fixture
def instance_app(db, oidc_provider):
    """The instance's generic OpenID Connect app, as its superuser set it up (allauth's SocialApp)."""

    def make(*, link_by_email: bool) -> SocialApp:
        registered = oidc_provider.register(
            redirect_uri="http://testserver/accounts/oidc/instance/login/callback/", signed_userinfo=False
        )
        return SocialApp.objects.create(
            provider="openid_connect", provider_id="instance", name="Instance SSO",
            client_id=registered["client_id"], secret=registered["client_secret"],
            settings={"server_url": oidc_provider.issuer, "email_authentication": link_by_email},
        )

    return make


@pytest.fixture
def council_app(db, oidc_provider, council):
    """A council's own generic OpenID Connect app (its address set by the superuser)."""
    app = CouncilSocialApp.objects.create(
        council=council, provider=CouncilSocialApp.Provider.OPENID_CONNECT, enabled=True,
        client_id="pending", secret="pending", server_url=oidc_provider.issuer,
    )
    registered = oidc_provider.register(
        redirect_uri=f"http://testserver/accounts/oidc/{app.provider_id}/login/callback/", signed_userinfo=False
    )
    app.client_id, app.secret = registered["client_id"], registered["client_secret"]
    app.save()
    return app


def test_the_instance_app_links_a_verified_address_when_the_superuser_allowed_it(client, instance_app, oidc_provider):
    person = verified_person(email="dupont@fc.example")
    instance_app(link_by_email=True)

    log_in(client, oidc_provider, "/accounts/oidc/instance/login/", "dupont")

    assert logged_in_user_id(client) == person.id
    assert SocialAccount.objects.get(provider="instance").user == person


def test_the_instance_app_does_not_link_an_address_the_provider_did_not_verify(client, instance_app, oidc_provider):
    person = verified_person(email="unverified-dupont@fc.example")
    instance_app(link_by_email=True)

    log_in(client, oidc_provider, "/accounts/oidc/instance/login/", "unverified-dupont")

    assert logged_in_user_id(client) is None
    assert not SocialAccount.objects.filter(user=person).exists()


def test_the_instance_app_does_not_link_unless_the_superuser_allowed_it(client, instance_app, oidc_provider):
    person = verified_person(email="dupont@fc.example")
    instance_app(link_by_email=False)

    log_in(client, oidc_provider, "/accounts/oidc/instance/login/", "dupont")

    assert logged_in_user_id(client) is None
    assert not SocialAccount.objects.filter(user=person).exists()


def test_a_council_app_gets_no_access_to_another_council_administrator(
    client, council_app, oidc_provider, council_factory
):
    """Its provider vouches for the verified address of another council's administrator: no access."""
    administrator = verified_person(email="dupont@fc.example")
    role_grant(actor=None, council=council_factory(), user=administrator, role=Role.ADMINISTRATOR)

    log_in(client, oidc_provider, f"/accounts/oidc/{council_app.provider_id}/login/", "dupont")

    assert logged_in_user_id(client) is None
    assert not SocialAccount.objects.filter(user=administrator).exists()
    assert list(EmailAddress.objects.filter(email="dupont@fc.example").values_list("user", flat=True)) == [
        administrator.id
    ]


def test_a_council_app_is_connected_once_logged_in_then_logs_in(client, council_app, oidc_provider):
    person = verified_person(email="dupont@fc.example")
    client.force_login(person)
    login_url = f"/accounts/oidc/{council_app.provider_id}/login/"

    log_in(client, oidc_provider, login_url, "dupont", process="connect")
    client.logout()
    log_in(client, oidc_provider, login_url, "dupont")

    assert logged_in_user_id(client) == person.id
    assert SocialAccount.objects.get(user=person).provider == council_app.provider_id


def test_a_new_account_from_a_council_app_confirms_its_address_by_email(client, council_app, oidc_provider):
    response = log_in(client, oidc_provider, f"/accounts/oidc/{council_app.provider_id}/login/", "newcomer")

    address = EmailAddress.objects.get(email="newcomer@fc.example")
    assert address.verified is False  # the provider said it verified it: the council's word is not enough
    assert logged_in_user_id(client) is None
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


# allauth's generic OpenID Connect sends no nonce; ours does and checks it (council/identity/oidc.py).


@pytest.mark.parametrize("whose", ["instance", "council"])
def test_a_generic_app_sends_a_nonce_and_a_long_state(client, instance_app, council_app, whose):
    login_url = "/accounts/oidc/instance/login/" if whose == "instance" else f"/accounts/oidc/{council_app.provider_id}/login/"
    if whose == "instance":
        instance_app(link_by_email=False)

    params = query(client.post(login_url, {"process": "login"})["Location"])

    assert len(params["nonce"]) >= 32
    assert len(params["state"]) >= 32  # ProConnect refuses a shorter one


@pytest.mark.parametrize("whose", ["instance", "council"])
def test_a_generic_app_refuses_an_id_token_with_another_nonce(client, instance_app, council_app, oidc_provider, whose):
    login_url = "/accounts/oidc/instance/login/" if whose == "instance" else f"/accounts/oidc/{council_app.provider_id}/login/"
    if whose == "instance":
        instance_app(link_by_email=True)
    verified_person(email="wrong-nonce@fc.example")

    response = log_in(client, oidc_provider, login_url, "wrong-nonce")

    assert response.status_code == 401
    assert "nonce" in str(response.context["auth_error"]["exception"])
    assert logged_in_user_id(client) is None
    assert not SocialAccount.objects.exists()


def test_a_generic_app_refuses_a_replayed_id_token(client, instance_app, oidc_provider):
    person = verified_person(email="replay-oidc@fc.example")
    instance_app(link_by_email=True)
    log_in(client, oidc_provider, "/accounts/oidc/instance/login/", "replay-oidc")  # the provider remembers this ID token
    assert logged_in_user_id(client) == person.id
    client.logout()

    # The provider answers the next authentication with the previous ID token (its nonce is old).
    response = log_in(client, oidc_provider, "/accounts/oidc/instance/login/", "replay-oidc")

    assert response.status_code == 401
    assert "nonce" in str(response.context["auth_error"]["exception"])
    assert logged_in_user_id(client) is None


def test_a_council_google_app_has_its_own_address_and_client(db, client, council):
    app = CouncilSocialApp.objects.create(
        council=council, provider=CouncilSocialApp.Provider.GOOGLE, enabled=True, client_id="nord-google",
        secret="s",
    )
    SocialApp.objects.create(provider="google", name="Google", client_id="instance-google", secret="s")

    response = client.post(f"/accounts/council-social/{app.provider_id}/login/", {"process": "login"})

    assert response.status_code == 302
    assert response["Location"].startswith("https://accounts.google.com/")
    params = query(response["Location"])
    assert params["client_id"] == "nord-google"
    assert params["redirect_uri"] == f"http://testserver/accounts/council-social/{app.provider_id}/login/callback/"
    # allauth's own address for Google stays the instance's app.
    instance = client.post("/accounts/google/login/", {"process": "login"})
    assert query(instance["Location"])["client_id"] == "instance-google"


def test_the_log_in_page_lists_the_visited_council_providers(db, client, council, council_factory):
    other = council_factory(name="Conseil Sud")
    FranceConnectClient.objects.create(council=council, enabled=True, client_id="fc", secret="s")
    ProConnectClient.objects.create(council=council, enabled=True, client_id="pc", secret="s")
    google = CouncilSocialApp.objects.create(
        council=council, provider=CouncilSocialApp.Provider.GOOGLE, enabled=True, client_id="g", secret="s"
    )
    CouncilSocialApp.objects.create(council=council, provider=CouncilSocialApp.Provider.GITHUB, client_id="gh", secret="s")
    CouncilSocialApp.objects.create(council=other, provider=CouncilSocialApp.Provider.FACEBOOK, enabled=True, client_id="f", secret="s")

    page = client.get(f"/accounts/login/?next=/c/{council.slug}/").content.decode()

    names = {"council": council.name}
    assert f'href="/accounts/franceconnect/franceconnect-{council.pk}/login/?process=login' in page
    assert f">FranceConnect ({names['council']})</a>" in page
    assert f">ProConnect ({names['council']})</a>" in page
    assert f'href="/accounts/council-social/{google.provider_id}/login/?process=login' in page
    assert f">Google ({names['council']})</a>" in page
    assert "GitHub" not in page  # not enabled
    assert "Facebook" not in page  # another council's


# ProConnect: the same signed OpenID Connect as FranceConnect, for a council's staff.


@pytest.fixture
def proconnect(db, oidc_provider, council):
    provider_id = f"proconnect-{council.pk}"
    registered = oidc_provider.register(
        redirect_uri=f"http://testserver/accounts/proconnect/{provider_id}/login/callback/",
        post_logout_redirect_uri=f"http://testserver/accounts/proconnect/{provider_id}/logout/callback/",
    )
    return ProConnectClient.objects.create(
        council=council, enabled=True, issuer=oidc_provider.issuer,
        client_id=registered["client_id"], secret=registered["client_secret"],
    )


def test_proconnect_logs_an_agent_in_and_out(client, proconnect, oidc_provider):
    agent = verified_person()
    client.force_login(agent)
    login_url = f"/accounts/proconnect/{proconnect.provider_id}/login/"
    authorize = client.post(login_url, {"process": "connect"})["Location"]
    params = query(authorize)
    assert sorted(params["scope"].split()) == ["email", "given_name", "openid", "siret", "usual_name"]
    assert len(params["nonce"]) >= 32
    assert "acr_values" not in params  # FranceConnect's eidas1 is not asked of ProConnect
    come_back(client, oidc_provider.log_in(authorize, "agent"))
    client.logout()

    log_in(client, oidc_provider, login_url, "agent")

    assert logged_in_user_id(client) == agent.id
    account = SocialAccount.objects.get(provider=proconnect.provider_id)
    assert account.user == agent
    assert account.extra_data == {
        "sub": "agent", "given_name": "Angela Claire Louise", "usual_name": "DUBOIS",
        "email": "agent@fc.example", "siret": "21750001600019",
    }
    assert not Verification.objects.exists()  # it proves an employer, not a resident's identity
    end = client.post("/accounts/logout/")["Location"]
    assert end.startswith(f"{oidc_provider.issuer}/session/end?")
    assert query(end)["post_logout_redirect_uri"] == (
        f"http://testserver/accounts/proconnect/{proconnect.provider_id}/logout/callback/"
    )
    response = come_back(client, oidc_provider.end_session(end))
    assert "logged out of Council and of ProConnect" in str(list(response.wsgi_request._messages))


def test_proconnect_keeps_the_claims_of_the_scopes_asked(client, proconnect, oidc_provider):
    """scope-claims.md: the `phone` scope gives `phone_number`; `idp_id` names the agent's identity provider."""
    proconnect.claims = ["given_name", "idp_id", "phone"]
    proconnect.save()
    agent = verified_person()
    client.force_login(agent)

    log_in(client, oidc_provider, f"/accounts/proconnect/{proconnect.provider_id}/login/", "agent", process="connect")

    assert SocialAccount.objects.get(user=agent).extra_data == {
        "sub": "agent", "given_name": "Angela Claire Louise", "idp_id": "fia1v2", "phone_number": "+33 1 23 45 67 89",
    }


def test_proconnect_refuses_a_userinfo_signed_by_another_key(client, proconnect, oidc_provider):
    response = log_in(client, oidc_provider, f"/accounts/proconnect/{proconnect.provider_id}/login/", "userinfo-other-key")

    assert response.status_code == 401
    assert "Signature verification failed" in str(response.context["auth_error"]["exception"])
    assert logged_in_user_id(client) is None
