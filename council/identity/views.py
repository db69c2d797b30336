"""The OAuth2 adapter and views of the FranceConnect and ProConnect providers (allauth's provider API)."""

from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.models import SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.oauth2.views import OAuth2LoginView
from allauth.utils import build_absolute_uri
from django.contrib import messages
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from council.identity import csp
from council.identity import logout
from council.identity import services
from council.identity import tokens
from council.identity.models import SCOPE_CLAIMS
from council.youth.middleware import consent_state_forget


class SignedOIDCAdapter(OAuth2Adapter):
    """Endpoints under the council's FranceConnect or ProConnect address; every token checked (tokens.py)."""

    def __init__(self, request: HttpRequest, provider_id: str) -> None:
        self.provider_id = provider_id
        self.state: dict[str, Any] = {}
        super().__init__(request)

    @property
    def issuer(self) -> str:
        return self.get_provider().app.settings["issuer"]

    @property
    def authorize_url(self) -> str:  # type: ignore[override]
        return f"{self.issuer}/authorize"

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return f"{self.issuer}/token"

    @property
    def profile_url(self) -> str:
        return f"{self.issuer}/userinfo"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    def get_callback_url(self, request: HttpRequest, app: SocialApp) -> str:
        url = reverse(f"{app.provider}_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)

    def complete_login(self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs: Any):
        """Check the ID token (nonce, acr) and the signed userinfo; keep only the claims asked for."""
        provider = self.get_provider()
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("No ID token")
        keys = tokens.signing_keys(self.jwks_url)
        identity = tokens.verified_claims(
            id_token, keys=keys, issuer=self.issuer, audience=app.client_id,
            required=["iss", "aud", "sub", "exp", "iat", "nonce"],
        )
        if not self.state.get("nonce") or identity["nonce"] != self.state["nonce"]:
            raise OAuth2Error("The ID token answers another authentication request (nonce)")
        if provider.accepted_acr is not None and identity.get("acr") not in provider.accepted_acr:
            raise OAuth2Error(f"Level of assurance too low: {identity.get('acr')!r}")
        userinfo = tokens.verified_claims(
            self._userinfo(token.token), keys=keys, issuer=self.issuer,
            audience=app.client_id, required=["iss", "aud", "sub"],
        )
        if userinfo["sub"] != identity["sub"]:
            raise OAuth2Error("The userinfo is about someone else")
        asked = [SCOPE_CLAIMS.get(scope, scope) for scope in app.settings["claims"]]
        kept = {claim: userinfo[claim] for claim in asked if claim in userinfo}
        acr = {"acr": identity["acr"]} if "acr" in identity else {}
        sociallogin = provider.sociallogin_from_response(request, {**kept, "sub": identity["sub"], **acr})
        # Read by `callback` once allauth is done (allauth may flush the session meanwhile).
        request.signed_oidc_login = (sociallogin, id_token)  # type: ignore[attr-defined]
        return sociallogin

    def _userinfo(self, access_token: str) -> str:
        from allauth.socialaccount.adapter import get_adapter

        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
        if not response.headers.get("Content-Type", "").startswith("application/jwt"):
            raise OAuth2Error("The userinfo is not a signed JWT")
        return response.text.strip()


class SignedOIDCCallbackView(OAuth2CallbackView):
    """allauth's callback, with the stored state (and its nonce) handed to the adapter."""

    adapter: SignedOIDCAdapter

    def _get_state(self, request: HttpRequest, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state or {}
        return state, response


def _app_or_404(view):
    def wrapped(request: HttpRequest, provider_id: str, provider: str) -> HttpResponse:
        if not provider_id.startswith(f"{provider}-"):  # FranceConnect's address serves its clients only
            raise Http404
        try:
            return view(request, provider_id)
        except SocialApp.DoesNotExist:
            raise Http404 from None

    return login_not_required(wrapped)


@_app_or_404
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    adapter = SignedOIDCAdapter(request, provider_id)
    response = OAuth2LoginView.adapter_view(adapter)(request)
    csp.allow_form_action(response, adapter.issuer)  # its "Continue" form ends at the provider
    return response


@_app_or_404
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    adapter = SignedOIDCAdapter(request, provider_id)
    response = SignedOIDCCallbackView.adapter_view(adapter)(request)
    sociallogin, id_token = getattr(request, "signed_oidc_login", (None, ""))
    account = sociallogin.account if sociallogin else None
    if account and account.pk and request.user.is_authenticated and account.user_id == request.user.pk:
        # Logged in, or the provider connected to the account logged in: the identity is theirs.
        if sociallogin.provider.verifies_identity:
            services.verification_from_account(user=request.user, app=sociallogin.provider.app, account=account)
        consent_state_forget(request)  # a verified birth date may say a parent must consent
        logout.session_opened(request, provider_id=provider_id, issuer=adapter.issuer, id_token=id_token)
    return response


@login_not_required
def logout_callback(request: HttpRequest, provider_id: str, provider: str) -> HttpResponse:
    """The provider came back from ending its session: the `state` must be the one we sent."""
    name = {"provider": "ProConnect" if provider == "proconnect" else "FranceConnect"}
    if logout.session_end_returned(request, request.GET.get("state", "")):
        messages.success(request, _("You are logged out of Council and of %(provider)s.") % name)
    else:
        messages.error(request, _("%(provider)s's answer to the log-out could not be checked.") % name)
    return redirect("/")


def _council_app_adapter(request: HttpRequest, provider_id: str) -> OAuth2Adapter:
    """The OAuth2 adapter of a council's Google, Microsoft… app (404 for anything else)."""
    from allauth.socialaccount.adapter import get_adapter

    from council.identity.adapter import CouncilAppProvider

    try:
        provider = get_adapter(request).get_provider(request, provider_id)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    if not isinstance(provider, CouncilAppProvider) or provider.app.provider_id != provider_id:
        raise Http404
    return provider.get_oauth2_adapter(request)


@login_not_required
def council_social_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    return OAuth2LoginView.adapter_view(_council_app_adapter(request, provider_id))(request)


@login_not_required
def council_social_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    return OAuth2CallbackView.adapter_view(_council_app_adapter(request, provider_id))(request)
