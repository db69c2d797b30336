"""What a person is told when a rooms.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "rooms.view_room": _("This room does not exist or is not open to you."),
    "rooms.join_room": _("You cannot enter this room."),
    "rooms.send_message": _("You cannot write in this discussion."),
    "rooms.raise_hand": _("You cannot raise your hand in this room."),
    "rooms.moderate_room": _("Only the facilitation team can do this in this room."),
    "rooms.delete_message": _("Only the facilitation team can delete messages."),
    "rooms.mute_participant": _("Only the facilitation team can mute someone."),
    "rooms.remove_participant": _("Only the facilitation team can remove someone from the room."),
    "rooms.lock_room": _("Only the facilitation team can lock or unlock the room."),
    "rooms.open_chat": _("Only the facilitation team can open the discussion to residents."),
    "rooms.manage_hands": _("Only the facilitation team can lower raised hands."),
    "rooms.create_room": _("Only the facilitation team can create or change rooms."),
    "rooms.manage_facilitators": _("Only the council's facilitation team can choose who runs a room."),
    "rooms.become_facilitator": _("Only a member of the council can run a room."),
    "rooms.publish_media": _("You cannot turn on your camera or microphone until you are given the floor."),
    "rooms.receive_media": _("You cannot follow this room's video."),
    "rooms.moderate_media": _("Only the facilitation team can turn off someone's camera or microphone."),
    "rooms.stay_verified": _("This room requires a verification you no longer hold."),
})
