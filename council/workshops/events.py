"""Event types of workshops (documented in docs/asyncapi.yaml); the audience groups are the host's (council/rooms/events.py)."""

SESSION_CHANGED = "workshops.session_changed"  # group message: the whole session, every change
SESSION_UPDATED = "workshops.session_updated"  # frame: the person's own view of it
BROADCAST_SENT = "workshops.broadcast_sent"
HELP_REQUESTED = "workshops.help_requested"
HELP_ANSWERED = "workshops.help_answered"
MORE_TIME_REQUESTED = "workshops.more_time_requested"
TIMER_WARNING = "workshops.timer_warning"  # sent once by the deadline sweep (deadlines.py)
TIME_UP = "workshops.time_up"
NOTES_UPDATED = "workshops.notes_updated"
REPORT_UPDATED = "workshops.report_updated"
AGENDA_CHANGED = "workshops.agenda_changed"
AGENDA_TIME_UP = "workshops.agenda_time_up"  # sent once by the deadline sweep (deadlines.py)
SPEAKERS_CHANGED = "workshops.speakers_changed"
