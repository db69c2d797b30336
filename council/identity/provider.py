"""FranceConnect v2 as an allauth provider: one app per council, found by `provider_id`.

allauth's generic OpenID Connect provider neither sends a nonce nor verifies a signed
userinfo; this one does both, asks acr_values=eidas1 and checks the acr it gets back.
"""

import secrets

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from council.identity.views import FranceConnectOAuth2Adapter

ACR_VALUES = "eidas1"


class FranceConnectAccount(ProviderAccount):
    def to_str(self) -> str:
        data = self.account.extra_data
        name = " ".join(filter(None, [data.get("given_name"), data.get("family_name")]))
        return name or super().to_str()


class FranceConnectProvider(OAuth2Provider):
    id = "franceconnect"
    name = "FranceConnect"
    account_class = FranceConnectAccount
    oauth2_adapter_class = FranceConnectOAuth2Adapter

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name = self.app.name  # "FranceConnect (<council>)": each council is its own client

    def get_login_url(self, request: HttpRequest, **kwargs):
        url = reverse("franceconnect_login", kwargs={"provider_id": self.app.provider_id})
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("franceconnect_callback", kwargs={"provider_id": self.app.provider_id})

    def get_oauth2_adapter(self, request: HttpRequest):
        return self.oauth2_adapter_class(request, self.app.provider_id)

    def get_default_scope(self):
        return ["openid", *self.app.settings["claims"]]

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        """Send the browser to FranceConnect with a fresh nonce, kept in the state it returns with."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params.update({"nonce": nonce, "acr_values": ACR_VALUES})
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def extract_uid(self, data):
        return str(data["sub"])

    def extract_common_fields(self, data):
        # The legal name is not made the public display name: the person chooses that.
        return {"email": data.get("email")}

    def extract_email_addresses(self, data):
        if not data.get("email"):
            return []
        trusted = bool(self.app.settings.get("verified_email"))
        return [EmailAddress(email=data["email"], verified=trusted, primary=True)]


provider_classes = [FranceConnectProvider]
