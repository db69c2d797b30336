"""Strings of the workshops' panels on the room page, translated on the server (Django i18n).

Each function feeds one panel's JSON block (council/rooms/panels.py); the scripts fill the
`%(name)s` placeholders and pick plural forms with frontend/src/core/i18n.js.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.i18n import plural_forms
from council.rooms import agenda_links


def workshop_strings() -> dict[str, Any]:
    """Breakout workshops on the room page (frontend/src/workshops/workshops.js)."""
    return {
        "error": _("Error: %(message)s"),
        "workshops_summary": _("%(title)s: %(status)s."),
        "workshops_status_draft": _("in preparation"),
        "workshops_status_open": _("open"),
        "workshops_status_closing": _("closing"),
        "workshops_status_closed": _("closed"),
        "workshops_your_workshop": _("Your workshop: %(name)s"),
        "workshops_time_left": _("Time left: %(time)s"),
        "workshops_time_over": _("Time is up."),
        "workshops_closing_in": _("Back to the plenary in %(seconds)s s"),
        "workshops_closing_announce": plural_forms(
            lambda n: ngettext(
                "The workshops are closing: back to the plenary in %(seconds)s second.",
                "The workshops are closing: back to the plenary in %(seconds)s seconds.",
                n,
            )
        ),
        "workshops_closing_soon": plural_forms(
            lambda n: ngettext(
                "Back to the plenary in %(seconds)s second.",
                "Back to the plenary in %(seconds)s seconds.",
                n,
            )
        ),
        "workshops_minutes_left": plural_forms(
            lambda n: ngettext(
                "%(minutes)s minute left in the workshops.",
                "%(minutes)s minutes left in the workshops.",
                n,
            )
        ),
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
        "workshops_places_left": plural_forms(
            lambda n: ngettext("%(count)s place left", "%(count)s places left", n)
        ),
        "workshops_full": _("full"),
        "workshops_workshop_n": _("Workshop %(number)s"),
        "workshops_plenary_option": _("Plenary (no workshop)"),
        "workshops_assign_label": _("Workshop of %(name)s"),
        "workshops_nobody": _("Nobody yet"),
        "workshops_people": plural_forms(
            lambda n: ngettext("%(count)s person", "%(count)s people", n)
        ),
        "workshops_capacity": plural_forms(
            lambda n: ngettext(
                "%(size)s of %(capacity)s places taken", "%(size)s of %(capacity)s places taken", n
            )
        ),
        "workshops_visit": _("Visit %(name)s"),
        "workshops_listen_in": _("Listen in to %(name)s"),
        "workshops_seed": _("Published seed of the last draw: %(seed)s"),
        "workshops_drawn": _("Drawn with the seed %(seed)s: %(assigned)s, %(unplaced)s."),
        "workshops_drawn_assigned": plural_forms(
            lambda n: ngettext("%(count)s person placed", "%(count)s people placed", n)
        ),
        "workshops_drawn_unplaced": plural_forms(
            lambda n: ngettext("%(count)s left in the plenary", "%(count)s left in the plenary", n)
        ),
        "workshops_imported": plural_forms(
            lambda n: ngettext(
                "%(count)s person assigned from the list.",
                "%(count)s people assigned from the list.",
                n,
            )
        ),
        "workshops_import_empty": _("Choose a file or paste the lines first."),
        "workshops_created": _("The workshops are ready: assign people, then open them."),
        "workshops_opened": _("The workshops are open."),
        "workshops_confirm_close": plural_forms(
            lambda n: ngettext(
                "Close the workshops? Everyone returns to the plenary after %(seconds)s second.",
                "Close the workshops? Everyone returns to the plenary after %(seconds)s seconds.",
                n,
            )
        ),
        "workshops_timer_set": plural_forms(
            lambda n: ngettext(
                "The workshops now have %(minutes)s minute left.",
                "The workshops now have %(minutes)s minutes left.",
                n,
            )
        ),
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


def agenda_strings() -> dict[str, Any]:
    """The agenda and speaking turns (frontend/src/workshops/agenda.js)."""
    return {
        "now": _("Current item: %(title)s (%(minutes)s min planned)."),
        "none_current": _("No item is under way."),
        "planned": _("%(minutes)s min"),
        "current_badge": _("now"),
        "done_badge": _("done"),
        "opens": _("opens the workshops “%(title)s”"),
        "left": _("%(minutes)s min %(seconds)s s left"),
        "left_s": _("%(seconds)s s left"),
        "over_s": _("%(seconds)s s over the planned time"),
        "over": _("%(minutes)s min %(seconds)s s over the planned time"),
        "left_5": _("5 minutes left for “%(title)s”."),
        "left_1": _("1 minute left for “%(title)s”."),
        "time_up": _("The planned time for “%(title)s” is up."),
        "no_countdown": _("Start an item to see its countdown."),
        "start": _("Start “%(title)s”"),
        "move_up": _("Move “%(title)s” up"),
        "move_down": _("Move “%(title)s” down"),
        "remove": _("Remove “%(title)s”"),
        "more_time": _("Add 5 minutes to “%(title)s”"),
        "speaking_now": _("%(name)s has the floor."),
        "nobody_speaking": _("Nobody has the floor."),
        "give_turn": _("Give the turn to %(name)s"),
        "spoken": _("has spoken %(duration)s"),
        "not_spoken": _("has not spoken yet"),
        "speaking_badge": _("speaking"),
        "duration_min": _("%(minutes)s min %(seconds)s s"),
        "duration_s": _("%(seconds)s s"),
        "in_workshop": _("The raised hands of the plenary show here when you are back in it."),
        "title_missing": _("Give the item a title."),
        "minutes_invalid": _("The planned duration is a number of minutes from 1 to 600."),
        "error": _("Error: %(message)s"),
        "attached_label": _("Attached to “%(title)s”"),
        "attached_item": _("%(kind)s: %(title)s (%(status)s)"),
        # the words of what other modules attach to items (a poll, a vote), in this reader's language
        "attachments": agenda_links.attachment_strings(),
    }


def notes_strings() -> dict[str, Any]:
    """Shared notes and reports (frontend/src/workshops/notes.js)."""
    return {
        "saving": _("Saving…"),
        "saved": _("Report saved."),
        "not_saved": _("Not saved: %(message)s"),
        "notes_rejected": _("Your last changes to the notes were not kept: %(message)s"),
        "read_only": _("You can read these notes but not change them."),
        "report_changed": _("%(name)s changed the report; saving now would replace their version."),
        "proposal_label": _("Proposal %(number)s"),
        "summary_heading": _("Summary"),
        "proposals_heading": _("Key proposals"),
        "notes_of": _("Notes of %(name)s"),
        "no_report": _("No report yet."),
        "members_count": plural_forms(
            lambda n: ngettext("%(count)s member", "%(count)s members", n)
        ),
    }
