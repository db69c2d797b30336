from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from council.core.errors import AccessDenied
from council.rooms.permissions import access_room
from council.rooms.strings import room_strings


@login_required
def room_detail(request, council_slug, room_id):
    try:
        room = access_room(request.user, room_id)
    except AccessDenied as error:
        raise Http404 from error
    if room.council_id != request.council.pk:
        raise Http404
    plenary = room.parent or room
    context = {
        "room": room,
        # A breakout room's page is titled after its plenary too ("Workshop 2 — Plenary").
        "plenary": plenary,
        "room_strings": room_strings(),
        # What the browser passes to RTCPeerConnection (STUN/TURN); empty on loopback and LAN.
        "media_ice_servers": getattr(settings, "MEDIA_ICE_SERVERS", []),
        "workshops_panel": _workshops_panel(request, plenary),
    }
    return render(request, "rooms/room_detail.html", context)


def _workshops_panel(request, plenary) -> dict | None:
    """What the facilitator's workshop panel needs and the socket does not carry.

    The council's groups (to link workshops to them for the draw by group) and the address
    of a session's outputs page, with 0 standing for the session's id. None for people who
    may not prepare workshops: they see neither.
    """
    from council.groups.models import NeighbourhoodGroup
    from council.workshops.models import WorkshopSession

    if not request.user.has_perm("workshops.prepare_workshops", WorkshopSession(room=plenary)):
        return None
    groups = NeighbourhoodGroup.objects.filter(council=plenary.council_id).order_by("name", "pk")
    return {
        "groups": [{"id": group.pk, "name": group.name} for group in groups],
        "outputs_url": reverse("workshop-outputs", args=[request.council.slug, 0]),
    }
