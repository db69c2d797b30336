"""The council's FranceConnect client registered with the loopback provider (provider.py)."""

import pytest

from council.identity.models import FranceConnectClient


@pytest.fixture
def make_client(db, oidc_provider, council):
    def make(*, alg: str = "ES256", link_by_email: bool = False, signed_userinfo: bool = True) -> FranceConnectClient:
        provider_id = f"franceconnect-{council.pk}"
        registered = oidc_provider.register(
            redirect_uri=f"http://testserver/accounts/franceconnect/{provider_id}/login/callback/",
            post_logout_redirect_uri=f"http://testserver/accounts/franceconnect/{provider_id}/logout/callback/",
            alg=alg,
            signed_userinfo=signed_userinfo,
        )
        return FranceConnectClient.objects.create(
            council=council, enabled=True, issuer=oidc_provider.issuer,
            client_id=registered["client_id"], secret=registered["client_secret"], link_by_email=link_by_email,
        )

    return make


@pytest.fixture
def fc(make_client):
    return make_client()
