"""What a person is told when a workshops.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "workshops.facilitate_breakout": _("Only this workshop's facilitation team can do this."),
    "workshops.enter_breakout": _("You are not expected in this workshop."),
    "workshops.ask_help": _("You can ask for help only in your own workshop while it is running."),
    "workshops.edit_notes": _("You cannot write in this workshop's notes."),
    "workshops.edit_report": _("You cannot write this workshop's summary."),
    "workshops.view_workshop": _("This workshop does not exist or is not open to you."),
    "workshops.prepare_workshops": _("Only the meeting's facilitation team can prepare workshops."),
    "workshops.change_session": _("Only the meeting's facilitation team can change the workshops."),
    "workshops.assign_participants": _("Only the meeting's facilitation team can assign participants."),
    "workshops.open_workshops": _("Only the meeting's facilitation team can open the workshops."),
    "workshops.close_workshops": _("Only the meeting's facilitation team can close the workshops."),
    "workshops.set_timer": _("Only the meeting's facilitation team can change the time."),
    "workshops.broadcast_message": _("Only the meeting's facilitation team can write to every workshop."),
    "workshops.visit_workshop": _("Only the meeting's facilitation team can visit the workshops."),
    "workshops.answer_help": _("Only the meeting's facilitation team can answer help requests."),
    "workshops.view_log": _("Only the meeting's facilitation team can read the workshops' log."),
    "workshops.export_outputs": _("Only the meeting's facilitation team can export the workshops' outputs."),
    "workshops.listen_in": _("Listening in without appearing is not allowed in this council."),
    "workshops.view_session": _("These workshops do not exist or are not open to you."),
    "workshops.see_help_requests": _("Only the facilitation team sees help requests."),
    "workshops.choose_workshop": _("You cannot choose a workshop now."),
    "workshops.cofacilitate_workshop": _("Only members of the council can co-facilitate a workshop."),
    "workshops.view_agenda": _("This agenda is not open to you."),
    "workshops.manage_agenda": _("Only the facilitation team can change the agenda."),
    "workshops.manage_speakers": _("Only the facilitation team can give and take the floor."),
})
