"""allauth's social account hooks: the apps councils set up, and who may link by e-mail.

Three sources of apps, besides allauth's own SocialApp rows (the instance's, set up by the
superuser in the admin): each council's FranceConnect and ProConnect clients, and each
council's social log-ins (CouncilSocialApp). Accounts are shared by every council, so only
an app of the instance, or a council's client the superuser allowed, may log someone into an
existing account by the e-mail address it vouches for (`can_authenticate_by_email`); a
council's social log-in never does, and the addresses it gives are confirmed by e-mail.
"""

import re
import secrets
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.utils import build_absolute_uri
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from council.identity import oidc
from council.identity import services
from council.identity.models import CouncilSocialApp
from council.identity.models import FranceConnectClient
from council.identity.models import ProConnectClient

SignedClient = FranceConnectClient | ProConnectClient
#: settings["source"] of an app a council set up (read by can_authenticate_by_email)
COUNCIL_SOCIAL_APP = "council_social_app"


def _signed_oidc_app(client: SignedClient) -> SocialApp:
    """An unsaved SocialApp, as allauth builds from settings: the secret stays in our model."""
    name = {"franceconnect": _("FranceConnect (%(council)s)"), "proconnect": _("ProConnect (%(council)s)")}
    return SocialApp(
        provider=client.PROVIDER,
        provider_id=client.provider_id,
        name=name[client.PROVIDER] % {"council": client.council.name},
        client_id=client.client_id,
        secret=client.secret,
        settings={
            "issuer": client.issuer.rstrip("/"),
            "council_id": client.council_id,
            "claims": list(client.claims),
            # Only the instance's superuser can set this (see admin.py).
            "verified_email": client.link_by_email,
            "email_authentication": client.link_by_email,
        },
    )


def _council_social_app(app: CouncilSocialApp) -> SocialApp:
    settings: dict[str, Any] = {
        "source": COUNCIL_SOCIAL_APP,
        "council_id": app.council_id,
        "email_authentication": False,
        "verified_email": False,
    }
    if app.provider == CouncilSocialApp.Provider.OPENID_CONNECT:
        settings["server_url"] = app.server_url
    name = _("%(provider)s (%(council)s)") % {"provider": app.label, "council": app.council.name}
    return SocialApp(
        provider=app.provider, provider_id=app.provider_id, name=name,
        client_id=app.client_id, secret=app.secret, settings=settings,
    )


COUNCIL_PATH = re.compile(r"^/c/(?P<slug>[-\w]+)/")


def _council_slug_shown(request: HttpRequest | None) -> str | None:
    """The council a page of buttons is for: the host's own, or the one the person came from."""
    if request is None:
        return None
    host_council = getattr(request, "host_council", None)
    if host_council is not None:
        return host_council.slug
    came_from = COUNCIL_PATH.match(request.GET.get("next", ""))
    return came_from["slug"] if came_from else None


def is_council_social_app(app: SocialApp | None) -> bool:
    return app is not None and app.settings.get("source") == COUNCIL_SOCIAL_APP


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: HttpRequest, provider: Any = None, client_id: Any = None) -> list[SocialApp]:
        """allauth's apps and every enabled app of a council; a list of buttons shows one council's only.

        A council's social log-in answers to its own provider id only, never to its provider's
        ("google"): allauth's own address for Google stays the instance's app.
        """
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        slug = _council_slug_shown(request) if provider is None else None

        def enabled(queryset: QuerySet) -> QuerySet:
            queryset = queryset.filter(enabled=True).select_related("council")
            if client_id:
                queryset = queryset.filter(client_id=client_id)
            return queryset if slug is None else queryset.filter(council__slug=slug)

        for model in (FranceConnectClient, ProConnectClient):
            for client in enabled(model.objects.all()):
                if provider in (None, client.PROVIDER, client.provider_id):
                    apps.append(_signed_oidc_app(client))
        social_apps = CouncilSocialApp.objects.exclude(provider=CouncilSocialApp.Provider.OPENID_CONNECT, server_url="")
        for app in enabled(social_apps.order_by("provider", "pk")):
            if provider in (None, app.provider_id):
                apps.append(_council_social_app(app))
        return apps

    def can_authenticate_by_email(self, login: SocialLogin, email: str) -> bool:
        """Never for a council's social log-in; otherwise as its app says (set by the superuser)."""
        if is_council_social_app(login.provider.app):
            return False
        return super().can_authenticate_by_email(login, email)

    def generate_state_param(self, state: dict) -> str:
        """43 random characters: ProConnect refuses a `state` under 32 (allauth makes 16).

        proconnect-espace-partenaires, docs/fournisseur-service/implementation_technique.md:
        "state ... string (minimum 32 caractères)".
        """
        return secrets.token_urlsafe(32)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """A generic OpenID Connect log-in must answer our nonce (oidc.py); a council's social
        log-in vouches for no e-mail address: a new account confirms it by e-mail.

        Otherwise whoever controls a council's app could make an account that takes an address
        before its owner signs up, and keep a way into it.
        """
        if sociallogin.provider.id == CouncilSocialApp.Provider.OPENID_CONNECT:
            error = oidc.nonce_error(sociallogin)
            if error:
                raise ImmediateHttpResponse(
                    render_authentication_error(request, sociallogin.provider, exception=OAuth2Error(error))
                )
        if is_council_social_app(sociallogin.provider.app):
            for address in sociallogin.email_addresses:
                address.verified = False
        super().pre_social_login(request, sociallogin)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """A new account made through FranceConnect holds its verification from the start."""
        user = super().save_user(request, sociallogin, form)
        if getattr(sociallogin.provider, "verifies_identity", False):
            services.verification_from_account(user=user, app=sociallogin.provider.app, account=sociallogin.account)
        return user

    def get_provider(self, request: HttpRequest, provider: Any, client_id: Any = None) -> Any:
        found = super().get_provider(request, provider, client_id=client_id)
        return council_provider(found) if is_council_social_app(found.app) else found

    def list_providers(self, request: HttpRequest) -> list[Any]:
        return [
            council_provider(found) if is_council_social_app(found.app) else found
            for found in super().list_providers(request)
        ]


class CouncilAppProvider:
    """A council's Google, Microsoft…: at its own address, since allauth's is the instance's app's."""

    app: SocialApp

    def __init__(self, request: HttpRequest, app: SocialApp) -> None:
        super().__init__(request, app=app)  # type: ignore[call-arg]
        self.name = app.name  # "Google (<council>)": the instance may have its own Google too

    def get_login_url(self, request: HttpRequest, **kwargs: Any) -> str:
        url = reverse("council_social_login", kwargs={"provider_id": self.app.provider_id})
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self) -> str:
        return reverse("council_social_callback", kwargs={"provider_id": self.app.provider_id})

    def get_oauth2_adapter(self, request: HttpRequest) -> Any:
        """The provider's own adapter, finding this app by its id and coming back to its address."""
        base = self.oauth2_adapter_class  # type: ignore[attr-defined]
        if base not in _council_adapter_classes:

            class CouncilAppAdapter(base):  # type: ignore[valid-type,misc]
                def get_callback_url(self, request: HttpRequest, app: SocialApp) -> str:
                    url = reverse("council_social_callback", kwargs={"provider_id": self.provider_id})
                    return build_absolute_uri(request, url, self.redirect_uri_protocol)

            _council_adapter_classes[base] = CouncilAppAdapter
        adapter = _council_adapter_classes[base](request)
        adapter.provider_id = self.app.provider_id  # allauth's get_provider() then finds this app
        return adapter


_council_adapter_classes: dict[type, type] = {}
_council_provider_classes: dict[type, type] = {}


def council_provider(provider: Any) -> Any:
    """`provider` (of a council's app) as served at the council's own address.

    The generic OpenID Connect provider has one already: its address names the app.
    """
    cls = type(provider)
    if cls.id == CouncilSocialApp.Provider.OPENID_CONNECT or isinstance(provider, CouncilAppProvider):
        return provider
    if cls not in _council_provider_classes:
        _council_provider_classes[cls] = type(f"Council{cls.__name__}", (CouncilAppProvider, cls), {})
    return _council_provider_classes[cls](provider.request, app=provider.app)
