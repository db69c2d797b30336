from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

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
    context = {
        "room": room,
        # A breakout room's page is titled after its plenary too ("Workshop 2 — Plenary").
        "plenary": room.parent or room,
        "room_strings": room_strings(),
        # What the browser passes to RTCPeerConnection (STUN/TURN); empty on loopback and LAN.
        "media_ice_servers": getattr(settings, "MEDIA_ICE_SERVERS", []),
    }
    return render(request, "rooms/room_detail.html", context)
