"""FranceConnect v2 and ProConnect as allauth providers: one app per council, found by `provider_id`.

Both are the State's OpenID Connect services and work alike: endpoints under one address
(`/authorize`, `/token`, `/userinfo`, `/jwks`, `/session/end`), a nonce, an ID token and a
userinfo that are both signed JWTs (ES256 or RS256, keys from the JWKS), and a log-out
through the end-session endpoint. allauth's generic OpenID Connect provider neither sends a
nonce nor verifies a signed userinfo; `SignedOIDCProvider` does both. They differ in:

- FranceConnect (residents): asks `acr_values=eidas1` and refuses a lower `acr`; claims
  given_name, family_name, birthdate, gender, birthplace, birthcountry, email; a log-in
  records a FranceConnect verification.
- ProConnect (public servants, for a council's staff): no `acr_values` (its authorize endpoint
  takes none; a level would be asked through `claims`), the `acr` it reports kept but not a
  condition; scopes given_name, usual_name, email, uid, siret, idp_id, organization_label,
  organizational_unit, belonging_population, phone (whose claim is phone_number: SCOPE_CLAIMS);
  no verification (it proves an employer, not a resident's identity). Checked against
  ProConnect's partner documentation (models.py names the pages).
"""

import secrets

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from council.identity.models import ACCEPTED_ACR
from council.identity.views import SignedOIDCAdapter


class SignedOIDCAccount(ProviderAccount):
    def to_str(self) -> str:
        data = self.account.extra_data
        family = data.get("family_name") or data.get("usual_name")
        name = " ".join(filter(None, [data.get("given_name"), family]))
        return name or super().to_str()


class SignedOIDCProvider(OAuth2Provider):
    """A council's client of a State OpenID Connect service (subclasses name which)."""

    account_class = SignedOIDCAccount
    oauth2_adapter_class = SignedOIDCAdapter
    #: Sent as acr_values; None sends none.
    acr_values: str | None = None
    #: The `acr` an ID token must carry; None accepts any.
    accepted_acr: frozenset[str] | None = None
    #: Whether a log-in records a verification of the person's identity (services.py).
    verifies_identity = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name = self.app.name  # "FranceConnect (<council>)": each council is its own client

    def get_login_url(self, request: HttpRequest, **kwargs):
        url = reverse(f"{self.id}_login", kwargs={"provider_id": self.app.provider_id})
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse(f"{self.id}_callback", kwargs={"provider_id": self.app.provider_id})

    def get_oauth2_adapter(self, request: HttpRequest):
        return self.oauth2_adapter_class(request, self.app.provider_id)

    def get_default_scope(self):
        return ["openid", *self.app.settings["claims"]]

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        """Send the browser to the provider with a fresh nonce, kept in the state it returns with."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        if self.acr_values:
            auth_params["acr_values"] = self.acr_values
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


class FranceConnectProvider(SignedOIDCProvider):
    id = "franceconnect"
    name = "FranceConnect"
    acr_values = "eidas1"
    accepted_acr = ACCEPTED_ACR
    verifies_identity = True


class ProConnectProvider(SignedOIDCProvider):
    id = "proconnect"
    name = "ProConnect"


provider_classes = [FranceConnectProvider, ProConnectProvider]
