"""FranceConnect v2 log-in and verification against a real provider on loopback (provider.py).

Every request goes over HTTP: the browser's part through Django's test client and the
provider's pages, the server's part (token, userinfo, JWKS) from Council to the provider.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from council.accounts.models import Verification
from council.accounts.selectors import has_verification
from tests.identity.helpers import authorize
from tests.identity.helpers import come_back
from tests.identity.helpers import log_in
from tests.identity.helpers import logged_in_user_id
from tests.identity.helpers import verified_person
from tests.identity.provider import query

FRANCECONNECT = "franceconnect"


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def assert_refused(client, response, reason: str | None = None):
    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    if reason is not None:
        assert reason in str(response.context["auth_error"]["exception"])
    assert logged_in_user_id(client) is None
    assert not Verification.objects.exists()


def test_asks_for_eidas1_with_a_nonce_and_the_council_claims(client, fc, oidc_provider):
    params = query(authorize(client, fc))

    assert params["acr_values"] == "eidas1"
    assert len(params["nonce"]) >= 32
    assert params["state"]
    assert sorted(params["scope"].split()) == ["birthdate", "email", "family_name", "given_name", "openid"]
    assert params["client_id"] == fc.client_id


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_a_new_person_gets_an_account_holding_the_verification(client, make_client, oidc_provider, council, alg):
    fc = make_client(alg=alg)

    log_in(client, fc, oidc_provider, "angela")

    account = SocialAccount.objects.get(provider=fc.provider_id, uid="angela")
    verification = Verification.objects.get(user=account.user)
    assert (verification.kind, verification.council_id) == (FRANCECONNECT, council.id)
    assert verification.claims == {
        "given_name": "Angela Claire Louise",
        "family_name": "DUBOIS",
        "birthdate": "1962-08-24",
        "email": "angela@fc.example",
        "acr": "eidas1",
    }
    assert "gender" not in account.extra_data  # not asked for, not kept
    assert account.user.display_name == ""  # the legal name is not made public
    assert has_verification(account.user, FRANCECONNECT)
    # The address FranceConnect gave is confirmed by e-mail before the account is used.
    assert EmailAddress.objects.get(user=account.user).verified is False


def test_a_person_connects_franceconnect_then_logs_in_with_it(client, fc, oidc_provider, council):
    person = verified_person()
    client.force_login(person)
    assert not has_verification(person, FRANCECONNECT)

    log_in(client, fc, oidc_provider, "connected", process="connect")

    assert SocialAccount.objects.get(provider=fc.provider_id).user == person
    assert has_verification(person, FRANCECONNECT, council_id=council.id)
    client.logout()

    log_in(client, fc, oidc_provider, "connected")

    assert logged_in_user_id(client) == person.id
    assert Verification.objects.filter(user=person).count() == 1


def test_renaming_the_council_keeps_the_accounts_connected_through_it(client, fc, oidc_provider, council):
    person = verified_person()
    client.force_login(person)
    log_in(client, fc, oidc_provider, "renamed", process="connect")
    client.logout()
    council.slug = "nord-est"
    council.save()
    fc.refresh_from_db()

    log_in(client, fc, oidc_provider, "renamed")  # the addresses FranceConnect knows did not change

    assert logged_in_user_id(client) == person.id


def test_a_wrong_state_is_refused(client, fc, oidc_provider):
    back = oidc_provider.log_in(authorize(client, fc), "angela")
    state = query(back)["state"]

    response = come_back(client, back.replace(f"state={state}", "state=forged-state"))

    assert_refused(client, response)


def test_a_state_is_good_once(client, fc, oidc_provider):
    back = oidc_provider.log_in(authorize(client, fc), "angela")
    come_back(client, back)
    client.logout()
    Verification.objects.all().delete()

    assert_refused(client, come_back(client, back))


@pytest.mark.parametrize(
    ("login", "reason"),
    [
        ("wrong-nonce", "nonce"),
        ("other-key", "Signature verification failed"),  # a key the provider's JWKS does not hold
        ("userinfo-other-key", "Signature verification failed"),
        ("expired", "Signature has expired"),
        ("wrong-aud", "Audience doesn't match"),
        ("wrong-iss", "Invalid issuer"),
        ("unsigned", "The specified alg value is not allowed"),
        ("low-acr", "Level of assurance too low: 'eidas0'"),
    ],
)
def test_a_bad_id_token_or_userinfo_is_refused(client, fc, oidc_provider, login, reason):
    assert_refused(client, log_in(client, fc, oidc_provider, login), reason)
    assert not SocialAccount.objects.exists()


def test_a_userinfo_in_plain_json_is_refused(client, make_client, oidc_provider):
    """FranceConnect v2 signs its userinfo (a JWT): an answer in plain JSON is nobody's word."""
    fc = make_client(signed_userinfo=False)

    assert_refused(client, log_in(client, fc, oidc_provider, "angela"), "The userinfo is not a signed JWT")
    assert not SocialAccount.objects.exists()


def test_a_replayed_id_token_is_refused(client, fc, oidc_provider):
    log_in(client, fc, oidc_provider, "replay")  # the provider remembers this ID token
    client.logout()
    Verification.objects.all().delete()

    # The provider answers the next authentication with the previous ID token (its nonce is old).
    assert_refused(client, log_in(client, fc, oidc_provider, "replay"), "nonce")


def test_never_links_to_an_existing_account_by_itself(client, fc, oidc_provider):
    administrator = verified_person(email="dupont@fc.example")

    log_in(client, fc, oidc_provider, "dupont")

    assert logged_in_user_id(client) is None
    assert not SocialAccount.objects.filter(user=administrator).exists()
    assert not has_verification(administrator, FRANCECONNECT)


def test_links_by_email_when_the_superuser_allowed_it(client, make_client, oidc_provider):
    fc = make_client(link_by_email=True)
    person = verified_person(email="dupont@fc.example")

    log_in(client, fc, oidc_provider, "dupont")

    assert logged_in_user_id(client) == person.id
    assert has_verification(person, FRANCECONNECT)


def test_logout_ends_the_franceconnect_session(client, fc, oidc_provider):
    person = verified_person()
    client.force_login(person)
    log_in(client, fc, oidc_provider, "leaving", process="connect")
    client.logout()
    log_in(client, fc, oidc_provider, "leaving")
    assert logged_in_user_id(client) == person.id

    response = client.post("/accounts/logout/")

    end = response["Location"]
    assert end.startswith(f"{oidc_provider.issuer}/session/end?")
    params = query(end)
    assert params["id_token_hint"].count(".") == 2
    assert params["post_logout_redirect_uri"] == (
        f"http://testserver/accounts/franceconnect/{fc.provider_id}/logout/callback/"
    )
    assert logged_in_user_id(client) is None
    back = oidc_provider.end_session(end)
    assert query(back)["state"] == params["state"]
    response = come_back(client, back)
    assert response.status_code == 302
    assert "logged out of Council and of FranceConnect" in str(list(response.wsgi_request._messages))


def test_a_logout_answer_with_another_state_is_not_trusted(client, fc, oidc_provider):
    person = verified_person()
    client.force_login(person)
    log_in(client, fc, oidc_provider, "leaving", process="connect")
    client.logout()
    log_in(client, fc, oidc_provider, "leaving")
    end = client.post("/accounts/logout/")["Location"]
    back = oidc_provider.end_session(end)

    response = come_back(client, back.replace(query(back)["state"], "forged"))

    assert "could not be checked" in str(list(response.wsgi_request._messages))
