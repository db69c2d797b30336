from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "council.workshops"
    label = "workshops"
    verbose_name = _("Breakout workshops")

    def ready(self) -> None:
        from council.workshops import commands
        from council.workshops import permissions  # noqa: F401 - registers the workshops.* rules
        from council.workshops import personal_data  # noqa: F401 - declares what it holds about people
        from council.workshops import refusals  # noqa: F401 - what its refusals tell
        from council.workshops import text_fields  # noqa: F401 - declares its text fields
        commands.register()
        _register_deadlines()
        _register_with_the_host()
        _register_tenancy()
        _register_panels()


def _register_with_the_host() -> None:
    """The socket part, events, sections, breakout rooms' rules and waves (council/rooms/host.py).

    The page's panels go through council/rooms/panels.py.
    """
    from council.rooms import host
    from council.workshops import events
    from council.workshops import socket
    from council.workshops.notes import workshop_views_remember
    from council.workshops.permissions import assigned_to_this_running_breakout
    from council.workshops.permissions import facilitates_this_breakout
    from council.workshops.permissions import session_facts_remember
    from council.workshops.services import breakouts_join

    host.register_socket_part("workshops", socket.MeetingPart)
    host.register_event(events.SESSION_CHANGED, host.part_method("workshops", "session_changed"))
    host.register_event(events.NOTES_UPDATED, host.part_method("workshops", "notes_updated"))
    # Each goes to the audience that may hear it (the meeting, its facilitators, a workshop's room).
    for relayed in (
        events.BROADCAST_SENT, events.TIMER_WARNING, events.TIME_UP, events.HELP_REQUESTED, events.HELP_ANSWERED,
        events.MORE_TIME_REQUESTED, events.REPORT_UPDATED, events.AGENDA_CHANGED, events.AGENDA_TIME_UP,
        events.SPEAKERS_CHANGED,
    ):
        host.register_event(relayed)
    host.register_section("agenda", socket.agenda_section)
    _register_agenda()
    host.register_section("speakers", socket.speakers_section)
    host.register_section("reports", socket.reports_section)
    host.register_breakout_rules(
        facilitates=facilitates_this_breakout, admits=facilitates_this_breakout | assigned_to_this_running_breakout
    )
    host.register_wave(
        remember_facts=lambda users, rooms: session_facts_remember(users=users, rooms=rooms),
        remember_views=workshop_views_remember,
        wrap_entry=breakouts_join,
    )


def _register_agenda() -> None:
    """Offer the agenda's items to other modules, which attach polls and votes to them (by id)."""
    from council.rooms import agenda_links
    from council.workshops.agenda import agenda_announce
    from council.workshops.agenda import agenda_item_append
    from council.workshops.agenda import agenda_refs

    agenda_links.register_agenda(items=agenda_refs, changed=agenda_announce, add=agenda_item_append)


def _register_deadlines() -> None:
    """The sessions' timers and closing countdowns and the agenda's time-up, applied by the server's sweep."""
    from council.core.deadlines import register_deadlines
    from council.workshops import deadlines

    register_deadlines(apply=deadlines.deadlines_apply, next_at=deadlines.deadline_next)


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.workshops import models

    for model in (models.WorkshopSession, models.AgendaItem, models.SpeakingTurn):
        tenancy.register(model, "room__council")
    for model in (models.Workshop, models.Assignment, models.LogEntry):
        tenancy.register(model, "session__room__council")
    for model in (models.HelpRequest, models.Notes, models.Report):
        tenancy.register(model, "workshop__session__room__council")


def _register_panels() -> None:
    """The agenda, the workshops and the notes as tabs of the room page, in that order."""
    from council.rooms.panels import register_panel
    from council.workshops import strings
    from council.workshops.panels import workshops_panel_data

    register_panel(
        "agenda",
        "workshops/_agenda.html",
        "workshops/agenda.js",
        strings.agenda_strings,
        label=lambda: _("Agenda"),
    )
    register_panel(
        "workshops",
        "workshops/_workshops.html",
        "workshops/workshops.js",
        strings.workshop_strings,
        label=lambda: _("Workshops"),
        data=workshops_panel_data,
        stage_template="workshops/_workshops_stage.html",
    )
    register_panel(
        "notes",
        "workshops/_notes.html",
        "workshops/notes.js",
        strings.notes_strings,
        label=lambda: _("Notes"),
    )
