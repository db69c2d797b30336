"""Strings the room's script shows, translated on the server (Django i18n)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.i18n import plural_forms


def room_strings() -> dict[str, Any]:
    return {
        "connecting": _("Connecting…"),
        "connected": _("Connected."),
        "reconnecting": _("Connection lost. Reconnecting in %(seconds)s s…"),
        "interrupted": _(
            "Live updates are interrupted: what others do will show once they are back. What you send is saved."
        ),
        "closed_4401": _("Your session has expired. Log in again to rejoin."),
        "closed_4403": _("You no longer have access to this room."),
        "closed_4409": _(
            "You have too many connections open to Council. Close other tabs, then reload the page."
        ),
        "closed_4410": _("A facilitator removed you from this room."),
        "closed_4429": _("Too many messages: the connection was closed. Reload the page."),
        "joined": _("%(name)s joined the room."),
        "left": _("%(name)s left the room."),
        "hand_raised": _("%(name)s raised their hand."),
        "hands_count": plural_forms(
            lambda n: ngettext("%(count)s raised hand.", "%(count)s raised hands.", n)
        ),
        "hands_badge": plural_forms(
            lambda n: ngettext("%(count)s hand raised", "%(count)s hands raised", n)
        ),
        "raise_hand": _("Raise my hand"),
        "lower_hand": _("Lower my hand"),
        "lower_hand_of": _("Lower the hand of %(name)s"),
        "move_up": _("Move %(name)s up"),
        "move_down": _("Move %(name)s down"),
        "delete": _("Delete"),
        "delete_message_of": _("Delete the message of %(name)s"),
        "confirm_delete": _("Delete this message for everyone?"),
        "deleted": _("Message deleted by a facilitator."),
        "mute": _("Mute %(name)s in the chat"),
        "unmute": _("Allow %(name)s to write again"),
        "remove": _("Remove %(name)s from the room"),
        "confirm_remove": _("Remove %(name)s from the room? They will not be able to come back."),
        "muted_badge": _("muted"),
        "you": _("(you)"),
        "lock": _("Lock the room"),
        "unlock": _("Unlock the room"),
        "locked_state": _("The room is locked: nobody else can come in."),
        "open_chat": _("Let residents write"),
        "close_chat": _("Stop residents writing"),
        "cannot_write_muted": _("A facilitator muted you in the chat."),
        "cannot_write_resident": _("Residents follow this room; the chat is open to members."),
        "empty_message": _("Write a message first."),
        "error": _("Error: %(message)s"),
        "undelivered": _("The server did not answer. Reload the page to try again."),
        "more_people": _("and %(count)s more"),
        "role_administrator": _("Administrator"),
        "role_facilitator": _("Facilitator"),
        "role_member": _("Member"),
        "role_resident": _("Resident"),
        "video_of": _("Video of %(name)s"),
        "video_someone": _("A participant"),
        "video_camera_n": _("Camera %(number)s"),
        "video_microphone_n": _("Microphone %(number)s"),
        "video_not_joined": _("You have not joined the video call."),
        "video_joining": _("Joining the video call…"),
        "video_joined": _("You are in the video call: others see and hear you."),
        "video_following": _("You are following the meeting: you see and hear everyone."),
        "video_left": _("You left the video call."),
        "video_unavailable": _(
            "Video is unavailable for the moment. The chat still works; the call comes back by itself."
        ),
        "video_available_again": _("Video is available again."),
        "video_waiting_connection": _("Video paused: waiting for the connection to come back…"),
        "video_reconnecting": _("The video connection dropped. Reconnecting…"),
        "video_call_ended": _("A facilitator ended the video call."),
        "video_sharing_screen": _("You are sharing your screen instead of your camera."),
        "video_muted": _("A facilitator muted your microphone."),
        "video_muted_by": _("%(name)s muted your microphone."),
        "video_camera_stopped": _("A facilitator stopped your camera."),
        "video_camera_stopped_by": _("%(name)s stopped your camera."),
        "video_floor_given": _("You have the floor: you can join with your camera and microphone."),
        "video_floor_taken": _("You no longer have the floor; you still follow the meeting."),
        "video_cannot_publish": _("You may follow the meeting but not speak in it for now."),
        "video_permission_denied": _(
            "The browser refused access to the camera or microphone. Allow it in the site settings."
        ),
        "video_no_device": _("No camera or microphone was found."),
        "video_device_busy": _("The camera or microphone is used by another application."),
        "video_mic_off": _("microphone off"),
        "video_camera_off": _("camera off"),
        "video_speaking": _("speaking"),
        "video_mute_person": _("Mute %(name)s"),
        "video_stop_camera_of": _("Stop the camera of %(name)s"),
        "video_give_floor": _("Give the floor to %(name)s"),
        "video_confirm_end": _("End the video call for everyone? The chat stays open."),
        # Moving between rooms (a breakout room and its plenary).
        "workshop_heading": _("%(workshop)s — %(plenary)s"),
        "moved_in": _("You are now in the workshop %(name)s."),
        "moved_listening": _(
            "You are listening in to the workshop %(name)s: its participants do not see you in the list."
        ),
        "moved_back": _("Back in the plenary."),
    }
