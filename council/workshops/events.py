"""Group names and event types of workshops (documented in docs/asyncapi.yaml)."""

SESSION_CHANGED = "workshops.session_changed"  # group message: the whole session, every change
SESSION_UPDATED = "workshops.session_updated"  # frame: the person's own view of it
BROADCAST_SENT = "workshops.broadcast_sent"
HELP_REQUESTED = "workshops.help_requested"
HELP_ANSWERED = "workshops.help_answered"
MORE_TIME_REQUESTED = "workshops.more_time_requested"
TIMER_WARNING = "workshops.timer_warning"  # sent once by the deadline sweep (deadlines.py)
TIME_UP = "workshops.time_up"
MOVED = "workshops.moved"
NOTES_UPDATED = "workshops.notes_updated"
REPORT_UPDATED = "workshops.report_updated"
AGENDA_CHANGED = "workshops.agenda_changed"
SPEAKERS_CHANGED = "workshops.speakers_changed"


def meeting_group(plenary_room_id: int) -> str:
    """Every socket of a plenary room and of its breakout rooms."""
    return f"meeting.{plenary_room_id}"


def facilitators_group(plenary_room_id: int) -> str:
    """The sockets of the people who run the meeting (rooms.moderate_room on its plenary).

    Sockets join and leave it as rights change (MeetingConsumer.rights_changed): facilitator-only
    events go to it, so a demoted facilitator stops hearing them without any socket filtering.
    """
    return f"meeting.{plenary_room_id}.facilitators"
