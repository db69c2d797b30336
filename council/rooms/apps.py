from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "council.rooms"
    label = "rooms"
    verbose_name = _("Live rooms")

    def ready(self) -> None:
        from council.councils.sections import register_section
        from council.groups.segments import register_behaviour
        from council.rooms import commands
        from council.rooms import permissions  # noqa: F401 - registers the rooms.* rules
        from council.rooms import personal_data  # noqa: F401 - declares what it holds about people
        from council.rooms import refusals  # noqa: F401 - what its refusals tell
        from council.rooms import text_fields  # noqa: F401 - declares its text fields
        from council.rooms.segments import attended_room
        from council.rooms.segments import council_rooms
        from council.rooms.selectors import council_meetings

        register_behaviour("attended_room", attended_room, label=_("Came to the room"), choices=council_rooms)
        commands.register()
        register_section("rooms", template="rooms/_council_section.html", context=council_meetings)
        _register_tenancy()


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.rooms import models

    tenancy.register(models.Room, "council")
    for model in (
        models.Message, models.Presence, models.RaisedHand, models.ChatMute, models.RoomRemoval,
        models.RoomAttendance, models.RoomFloor, models.MediaMute,
    ):
        tenancy.register(model, "room__council")
