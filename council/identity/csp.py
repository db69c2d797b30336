"""Forms that end at a provider: the Content-Security-Policy's form-action must allow it.

Chromium applies form-action to the redirects after a form is sent, so the "Continue"
form of a social log-in and the log-out button (which ends the FranceConnect or ProConnect
session) need the provider's origin in the policy of the page that holds them.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import MultipleObjectsReturned
from django.http import HttpRequest
from django.http import HttpResponse

from council.identity import logout


def allow_form_action(response: HttpResponse, url: str) -> None:
    parts = urlsplit(url)
    update = getattr(response, "_csp_update", None) or {}
    update["form-action"] = [*update.get("form-action", []), f"{parts.scheme}://{parts.netloc}"]
    response._csp_update = update  # type: ignore[attr-defined] - read by django-csp's middleware


def _authorize_url(request: HttpRequest) -> str | None:
    """Where the "Continue" form of the social log-in page shown goes, if this is one.

    FranceConnect's and ProConnect's own views allow their issuer (views.py). The generic
    OpenID Connect provider's authorize endpoint is read from its discovery document: its
    address is taken instead, so as not to call the provider to show a page.
    """
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialApp
    from allauth.socialaccount.providers import registry

    match = request.resolver_match
    name = match.url_name if match else None
    if not name or not name.endswith("_login") or match is None:
        return None
    provider_id = match.kwargs.get("provider_id") or name.removesuffix("_login")
    if name not in ("openid_connect_login", "council_social_login") and registry.get_class(provider_id) is None:
        return None
    try:
        provider = get_adapter(request).get_provider(request, provider_id)
        if "server_url" in provider.app.settings:
            return provider.app.settings["server_url"]
        return provider.get_oauth2_adapter(request).authorize_url
    except (SocialApp.DoesNotExist, MultipleObjectsReturned, ImproperlyConfigured, AttributeError):
        return None  # an unknown or misconfigured app: its view answers for it


def form_action_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """The log-out form may go to the provider of the log-in; a social log-in's form to its provider."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        issuer = logout.session_issuer(request)
        if issuer:
            allow_form_action(response, issuer)
        authorize = _authorize_url(request) if request.method == "GET" else None
        if authorize:
            allow_form_action(response, authorize)
        return response

    return middleware
