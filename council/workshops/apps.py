from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "council.workshops"
    label = "workshops"
    verbose_name = _("Breakout workshops")

    def ready(self) -> None:
        from council.workshops import commands
        from council.workshops import permissions  # noqa: F401 - registers the workshops.* rules
        from council.workshops import refusals  # noqa: F401 - what its refusals tell
        from council.workshops import text_fields  # noqa: F401 - declares its text fields
        commands.register()
        _register_with_the_host()
        _register_tenancy()


def _register_with_the_host() -> None:
    """Breakout rooms' rules and the room page's workshop panel (council/rooms/host.py)."""
    from council.rooms import host
    from council.workshops.notes import workshop_views_remember
    from council.workshops.permissions import assigned_to_this_running_breakout
    from council.workshops.permissions import facilitates_this_breakout
    from council.workshops.permissions import session_facts_remember
    from council.workshops.services import breakouts_join
    from council.workshops.views import workshops_panel

    host.register_breakout_rules(
        facilitates=facilitates_this_breakout, admits=facilitates_this_breakout | assigned_to_this_running_breakout
    )
    host.register_page_context("workshops_panel", workshops_panel)
    host.register_wave(
        remember_facts=lambda users, rooms: session_facts_remember(users=users, rooms=rooms),
        remember_views=workshop_views_remember,
        wrap_entry=breakouts_join,
    )


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.workshops import models

    for model in (models.WorkshopSession, models.AgendaItem, models.SpeakingTurn):
        tenancy.register(model, "room__council")
    for model in (models.Workshop, models.Assignment, models.LogEntry):
        tenancy.register(model, "session__room__council")
    for model in (models.HelpRequest, models.Notes, models.Report):
        tenancy.register(model, "workshop__session__room__council")
