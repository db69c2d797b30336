"""The polls' panel on the room page (registered in apps.py with council/rooms/panels.py)."""

from typing import Any

from django.http import HttpRequest


def polls_panel_data(request: HttpRequest, plenary: Any) -> dict[str, Any]:
    """Where short links live, absolute, for the full-screen view (the socket carries paths only)."""
    return {"origin": request.build_absolute_uri("/").rstrip("/")}
