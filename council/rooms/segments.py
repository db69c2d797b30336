"""Segment conditions offered by live rooms."""

from typing import Any

from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.utils.translation import gettext as _

from council.core.errors import InvalidInput
from council.councils.models import Council
from council.rooms.models import Room
from council.rooms.models import RoomAttendance


def attended_room(council: Council, room_ids: list[Any]) -> Q:
    """People who came into any of these rooms of the council at least once."""
    try:
        ids = [int(r) for r in room_ids]
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Rooms are named by their number.")) from error
    attended = RoomAttendance.objects.filter(
        user=OuterRef("pk"), room_id__in=ids, room__council=council
    )
    return Q(Exists(attended))


def council_rooms(council: Council) -> dict[str, int]:
    """The council's rooms by name, for the segment builder to name them."""
    return dict(Room.objects.filter(council=council).values_list("name", "pk"))
