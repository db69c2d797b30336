"""allauth's social account hooks: each council's FranceConnect client is an app of the provider."""

import re
from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from council.identity import services
from council.identity.models import FranceConnectClient
from council.identity.provider import FranceConnectProvider


def _app(client: FranceConnectClient) -> SocialApp:
    """An unsaved SocialApp, as allauth builds from settings: the secret stays in our model."""
    return SocialApp(
        provider=FranceConnectProvider.id,
        provider_id=client.provider_id,
        name=_("FranceConnect (%(council)s)") % {"council": client.council.name},
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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: HttpRequest, provider: Any = None, client_id: Any = None) -> list[SocialApp]:
        """allauth's apps and every enabled council client; a list of buttons shows one council's only."""
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        clients = FranceConnectClient.objects.filter(enabled=True).select_related("council")
        if client_id:
            clients = clients.filter(client_id=client_id)
        slug = _council_slug_shown(request) if provider is None else None
        if slug is not None:
            clients = clients.filter(council__slug=slug)
        for client in clients:
            if provider in (None, FranceConnectProvider.id, client.provider_id):
                apps.append(_app(client))
        return apps

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """A new account made through FranceConnect holds its verification from the start."""
        user = super().save_user(request, sociallogin, form)
        if sociallogin.provider.id == FranceConnectProvider.id:
            services.verification_from_account(user=user, app=sociallogin.provider.app, account=sociallogin.account)
        return user
