"""Inviting a group to a room: a notification naming the room, with its link.

Rooms' own use of groups' notifications (groups knows nothing of rooms).
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.permissions import require_perm
from council.groups.models import NeighbourhoodGroup
from council.groups.models import NotificationSend
from council.groups.notifications import absolute_url
from council.groups.notifications import notification_send_for
from council.rooms.models import Room


def room_invite_subject(room: Room) -> str:
    return _("Invitation: %(room)s") % {"room": room.name}


@transaction.atomic
def room_invite(
    *, actor: User, room: Room, group: NeighbourhoodGroup, subject: str | None = None, message: str = "",
    by_email: bool = True, base_url: str | None = None,
) -> NotificationSend:
    """Invite everyone in `group` to `room`: a notification naming the room, with its link.

    Inviting is not restricting: the room's eligible groups are left as they are.
    """
    require_perm(actor, "rooms.moderate_room", room)
    if group.council_id != room.council_id:
        raise AccessDenied("rooms.moderate_room")
    council = room.council
    link = absolute_url(
        council, reverse("room-detail", kwargs={"council_slug": council.slug, "room_id": room.pk}), base_url
    )
    lines = [
        _("You are invited to the room “%(room)s” of %(council)s.") % {"room": room.name, "council": council.name}
    ]
    if room.description:
        lines.append(room.description.strip())
    if message.strip():
        lines.append(message.strip())
    lines.append(_("Join the room: %(link)s") % {"link": link})
    return notification_send_for(
        actor=actor,
        group=group,
        subject=subject or room_invite_subject(room),
        body="\n\n".join(lines),
        by_email=by_email,
    )
