"""Breakdown of a room's attendance by zone and by group, with small cells hidden."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from council.groups.models import NeighbourhoodGroup
from council.groups.selectors import MIN_CELL_SIZE
from council.groups.selectors import breakdown
from council.groups.selectors import breakdown_by_zone
from council.rooms.models import Room
from council.rooms.models import RoomAttendance


def _with_bars(rows: list[dict]) -> list[dict]:
    """Add each shown cell's bar length, in percent of the largest shown cell."""
    largest = max((row["count"] for row in rows if row["count"] is not None), default=0)
    for row in rows:
        row["percent"] = round(100 * row["count"] / largest) if row["count"] and largest else 0
    return rows


@login_required
def room_breakdown(request, council_slug, room_id):
    council = request.council
    room = Room.objects.filter(council=council, pk=room_id).first()
    if room is None or not request.user.has_perm("groups.view_breakdown", council):
        raise Http404
    attendees = list(RoomAttendance.objects.filter(room=room).values_list("user_id", flat=True))
    groups = NeighbourhoodGroup.objects.filter(council=council)
    total = len(attendees)
    return render(
        request,
        "groups/breakdown.html",
        {
            "council": council,
            "room": room,
            "total": total if total >= MIN_CELL_SIZE else None,
            "min_cell_size": MIN_CELL_SIZE,
            "zones": _with_bars(breakdown_by_zone(council=council, user_ids=attendees)),
            "groups": _with_bars(breakdown(user_ids=attendees, groups=groups)),
        },
    )


urlpatterns = [
    path("rooms/<int:room_id>/breakdown/", room_breakdown, name="room-breakdown"),
]
