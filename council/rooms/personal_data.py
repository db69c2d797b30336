"""What rooms hold about a person: chat messages, attendance, moderation decisions."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import CONTRIBUTION
from council.core.personal_data import DELETE
from council.core.personal_data import FORGET
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "rooms.Message", "author", policy=CONTRIBUTION, council="room__council", title=_("Chat messages"),
    fields=("room__name", "text", "created_at", "deleted_at"), also_set={"client_request_id": ""},
)
holds_personal_data("rooms.Message", "deleted_by", policy=FORGET, title=_("Messages you removed"), fields=("room__name", "deleted_at"))
holds_personal_data(
    "rooms.RoomAttendance", "user", policy=DELETE, title=_("Rooms attended"), fields=("room__name", "first_joined_at"),
)
for model, title in (
    ("Presence", _("Rooms you are in now")),
    ("RaisedHand", _("Raised hands")),
):
    holds_personal_data(f"rooms.{model}", "user", policy=DELETE, title=title, fields=("room__name",))
for model, title in (
    ("ChatMute", _("Chat muted by a facilitator")),
    ("RoomRemoval", _("Removals from a room")),
    ("RoomFloor", _("Floor given to you")),
    ("MediaMute", _("Microphone or camera muted by a facilitator")),
):
    holds_personal_data(f"rooms.{model}", "user", policy=DELETE, title=title, fields=("room__name", "created_at"))
    holds_personal_data(f"rooms.{model}", "decided_by", policy=FORGET, title=title, fields=("room__name", "created_at"))
