"""Strings the room's script shows, translated on the server (Django i18n)."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def plural(pick: Callable[[int], str]) -> dict[str, str]:
    """Both forms of a counted string, picked in the page by Intl.PluralRules (frontend/src/core/plural.js).

    Keyed by CLDR category: ngettext at 1 gives the "one" form and at 2 the "other" form,
    which holds for French ("0 place", "1 place", "2 places") and English alike. `pick` is
    a lambda calling ngettext with literal strings, so that makemessages finds them.
    """
    return {"one": pick(1), "other": pick(2)}


def room_strings() -> dict[str, Any]:
    return {
        "connecting": _("Connecting…"),
        "connected": _("Connected."),
        "reconnecting": _("Connection lost. Reconnecting in %(seconds)s s…"),
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
        "hands_count": _("%(count)s raised hands."),
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
        **workshop_strings(),
    }


def workshop_strings() -> dict[str, Any]:
    """Breakout workshops on the room page (frontend/src/workshops/workshops.js)."""
    return {
        "workshop_heading": _("%(workshop)s — %(plenary)s"),
        "moved_in": _("You are now in the workshop %(name)s."),
        "moved_listening": _(
            "You are listening in to the workshop %(name)s: its participants do not see you in the list."
        ),
        "moved_back": _("Back in the plenary."),
        "workshops_summary": _("%(title)s: %(status)s."),
        "workshops_status_draft": _("in preparation"),
        "workshops_status_open": _("open"),
        "workshops_status_closing": _("closing"),
        "workshops_status_closed": _("closed"),
        "workshops_your_workshop": _("Your workshop: %(name)s"),
        "workshops_time_left": _("Time left: %(time)s"),
        "workshops_time_over": _("Time is up."),
        "workshops_closing_in": _("Back to the plenary in %(seconds)s s"),
        "workshops_closing_announce": plural(
            lambda n: ngettext(
                "The workshops are closing: back to the plenary in %(seconds)s second.",
                "The workshops are closing: back to the plenary in %(seconds)s seconds.",
                n,
            )
        ),
        "workshops_closing_soon": plural(lambda n: ngettext("Back to the plenary in %(seconds)s second.", "Back to the plenary in %(seconds)s seconds.", n)),
        "workshops_minutes_left": plural(lambda n: ngettext("%(minutes)s minute left in the workshops.", "%(minutes)s minutes left in the workshops.", n)),
        "workshops_time_up": _("Time is up: the facilitators will close the workshops."),
        "workshops_broadcast": _("Message from %(name)s to every workshop: %(text)s"),
        "workshops_help_sent": _("The facilitators know that your workshop needs help."),
        "workshops_more_time_sent": _("The facilitators have been asked for more time."),
        "workshops_help_requested": _("%(name)s asks for help in %(workshop)s."),
        "workshops_more_time_requested": _("%(name)s asks for more time in %(workshop)s."),
        "workshops_help_answered": _("%(name)s answered the request of %(workshop)s."),
        "workshops_go_to": _("Go to the workshop %(workshop)s"),
        "workshops_answered": _("Answered: %(workshop)s"),
        "workshops_give_more_time": _("Give %(workshop)s 5 more minutes"),
        "workshops_assigned_to": _("You will join the workshop %(name)s when the workshops open."),
        "workshops_not_assigned": _("You are not assigned to a workshop yet."),
        "workshops_stay_plenary": _("The workshops are running; you stay in the plenary."),
        "workshops_choose_prompt": _("Choose your workshop:"),
        "workshops_choose": _("Choose %(name)s"),
        "workshops_your_choice": _("your choice"),
        "workshops_places_left": plural(lambda n: ngettext("%(count)s place left", "%(count)s places left", n)),
        "workshops_full": _("full"),
        "workshops_workshop_n": _("Workshop %(number)s"),
        "workshops_plenary_option": _("Plenary (no workshop)"),
        "workshops_assign_label": _("Workshop of %(name)s"),
        "workshops_nobody": _("Nobody yet"),
        "workshops_people": plural(lambda n: ngettext("%(count)s person", "%(count)s people", n)),
        "workshops_capacity": plural(lambda n: ngettext("%(size)s of %(capacity)s places taken", "%(size)s of %(capacity)s places taken", n)),
        "workshops_visit": _("Visit %(name)s"),
        "workshops_listen_in": _("Listen in to %(name)s"),
        "workshops_seed": _("Published seed of the last draw: %(seed)s"),
        "workshops_drawn": _("Drawn with the seed %(seed)s: %(assigned)s, %(unplaced)s."),
        "workshops_drawn_assigned": plural(lambda n: ngettext("%(count)s person placed", "%(count)s people placed", n)),
        "workshops_drawn_unplaced": plural(lambda n: ngettext("%(count)s left in the plenary", "%(count)s left in the plenary", n)),
        "workshops_imported": plural(lambda n: ngettext("%(count)s person assigned from the list.", "%(count)s people assigned from the list.", n)),
        "workshops_import_empty": _("Choose a file or paste the lines first."),
        "workshops_created": _("The workshops are ready: assign people, then open them."),
        "workshops_opened": _("The workshops are open."),
        "workshops_confirm_close": plural(
            lambda n: ngettext(
                "Close the workshops? Everyone returns to the plenary after %(seconds)s second.",
                "Close the workshops? Everyone returns to the plenary after %(seconds)s seconds.",
                n,
            )
        ),
        "workshops_timer_set": plural(lambda n: ngettext("The workshops now have %(minutes)s minute left.", "The workshops now have %(minutes)s minutes left.", n)),
        "workshops_broadcast_sent": _("Message sent to every workshop."),
        "workshops_duplicated": _("A copy of these workshops is ready."),
        "workshops_reopened": _("The workshops are open again."),
        "workshops_log_empty": _("Nothing has happened yet."),
        "workshops_whereabouts": _("%(workshop)s: %(names)s"),
        "workshops_specs_invalid": _("Give the number of workshops or their names."),
        # Changing the workshops after creating them (facilitators).
        "workshops_edit": _("Change %(name)s"),
        "workshops_name_label": _("Name"),
        "workshops_topic_label": _("Topic or question"),
        "workshops_capacity_label": _("Places"),
        "workshops_capacity_help": _("Leave empty for no limit."),
        "workshops_save": _("Save the changes"),
        "workshops_saved": _("The workshop %(name)s is saved."),
        "workshops_name_required": _("Give the workshop a name."),
        "workshops_added": _("The workshop %(name)s was added."),
        "workshops_remove": _("Remove this workshop"),
        "workshops_confirm_remove": _("Remove the workshop %(name)s? Its room is deleted with it."),
        "workshops_removed": _("The workshop %(name)s was removed."),
        "workshops_cofacilitator_label": _("Co-facilitator"),
        "workshops_no_cofacilitator": _("Nobody"),
        "workshops_cofacilitator_set": _("%(person)s co-facilitates %(name)s."),
        "workshops_cofacilitator_removed": _("%(name)s has no co-facilitator now."),
        "workshops_groups_legend": _("Groups it is for (the draw by group)"),
        "workshops_no_groups": _("This council has no groups yet."),
        "workshops_groups_of": _("For the groups: %(names)s"),
        "workshops_groups_saved": _("The groups of %(name)s are saved."),
        "workshops_settings_saved": _("The session's settings are saved."),
        # Participants who choose their workshop.
        "workshops_chosen": _("You chose the workshop %(name)s."),
        "workshops_full_reason": _("%(name)s is full: choose another workshop."),
    }
