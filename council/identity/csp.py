"""Forms that end at FranceConnect: the Content-Security-Policy's form-action must allow it.

Chromium applies form-action to the redirects after a form is sent, so the "Continue"
form of the log-in and the log-out button (which ends the FranceConnect session) need
FranceConnect's origin in the policy of the page that holds them.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.http import HttpResponse

from council.identity import logout


def allow_form_action(response: HttpResponse, url: str) -> None:
    parts = urlsplit(url)
    update = getattr(response, "_csp_update", None) or {}
    update["form-action"] = [*update.get("form-action", []), f"{parts.scheme}://{parts.netloc}"]
    response._csp_update = update  # type: ignore[attr-defined] - read by django-csp's middleware


def form_action_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """On the pages of a FranceConnect log-in, the log-out form may go to FranceConnect."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        issuer = logout.session_issuer(request)
        if issuer:
            allow_form_action(response, issuer)
        return response

    return middleware
