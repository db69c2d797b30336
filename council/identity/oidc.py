"""allauth's generic OpenID Connect provider, sending a nonce and checking it comes back.

allauth 65.21's `openid_connect` sends no `nonce` (its provider and adapter never mention one),
so an ID token taken from another authentication would be accepted. Installed as that
provider's class (settings: SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]), it
serves the instance's apps and the councils' generic apps alike. The nonce travels in allauth's
stashed state (good once, kept in the session); the check runs in the social account adapter's
`pre_social_login`, where the state and the decoded ID token meet (adapter.py), since allauth's
callback view builds its own OAuth2 adapter.
"""

import secrets
from typing import Any

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.http import HttpRequest

NONCE_BYTES = 32  # 43 characters: ProConnect and FranceConnect ask for at least 32


class NonceOpenIDConnectProvider(OpenIDConnectProvider):
    package = "allauth.socialaccount.providers.openid_connect"  # its URLs stay allauth's

    def redirect(self, request: HttpRequest, process: Any, next_url: Any = None, data: Any = None, **kwargs: Any) -> Any:
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)


def nonce_error(sociallogin: Any) -> str:
    """Why the ID token of a generic OpenID Connect log-in is refused ("" if its nonce is the one sent)."""
    sent = (sociallogin.state or {}).get("nonce")
    id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
    if not sent:
        return "No nonce was sent for this log-in"
    if not isinstance(id_token, dict) or not id_token:
        return "No ID token"
    if not secrets.compare_digest(str(id_token.get("nonce", "")), sent):
        return "The ID token answers another authentication request (nonce)"
    return ""
