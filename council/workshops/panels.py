"""The workshops' panels on the room page (registered in apps.py with council/rooms/panels.py)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from council.groups.models import NeighbourhoodGroup
from council.workshops.models import WorkshopSession


def workshops_panel_data(request: HttpRequest, plenary: Any) -> dict[str, Any] | None:
    """What the facilitator's workshop panel needs and the socket does not carry.

    The council's groups (to link workshops to them for the draw by group) and the address
    of a session's outputs page, with 0 standing for the session's id. None for people who
    may not prepare workshops: they see neither.
    """
    if not request.user.has_perm("workshops.prepare_workshops", WorkshopSession(room=plenary)):
        return None
    groups = NeighbourhoodGroup.objects.filter(council=plenary.council_id).order_by("name", "pk")
    return {
        "groups": [{"id": group.pk, "name": group.name} for group in groups],
        "outputs_url": reverse("workshop-outputs", args=[request.council.slug, 0]),
    }
