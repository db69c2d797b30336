"""Ending the FranceConnect or ProConnect session with the log-out: end-session with id_token_hint and state."""

import secrets

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.utils import build_absolute_uri
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from council.accounts.session_end import SessionEnd

SESSION_KEY = "franceconnect_session"  # {"provider_id", "issuer", "id_token"} of the log-in
STATE_KEY = "franceconnect_logout_state"


def session_opened(request: HttpRequest, *, provider_id: str, issuer: str, id_token: str) -> None:
    request.session[SESSION_KEY] = {"provider_id": provider_id, "issuer": issuer, "id_token": id_token}


def session_issuer(request: HttpRequest) -> str | None:
    """The FranceConnect or ProConnect address whose session this log-in opened, if any."""
    opened = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return opened.get("issuer") if opened else None


def session_end_begin(request: HttpRequest) -> SessionEnd | None:
    """Where to end the FranceConnect or ProConnect session opened by this log-in, if any."""
    opened = request.session.get(SESSION_KEY)
    if not opened:
        return None
    try:
        app = get_adapter().get_app(request, provider=opened["provider_id"])
    except SocialApp.DoesNotExist:
        return None  # the council's client was disabled meanwhile
    state = secrets.token_urlsafe(32)
    back = reverse(f"{app.provider}_logout_callback", kwargs={"provider_id": opened["provider_id"]})
    query = urlencode(
        {
            "id_token_hint": opened["id_token"],
            "state": state,
            "post_logout_redirect_uri": build_absolute_uri(request, back),
        }
    )
    return SessionEnd(url=f"{app.settings['issuer']}/session/end?{query}", keep={STATE_KEY: state})


def session_end_returned(request: HttpRequest, state: str) -> bool:
    """Whether the provider came back with the state sent (each state is good once)."""
    expected = request.session.pop(STATE_KEY, None)
    return bool(expected) and bool(state) and secrets.compare_digest(expected, state)
