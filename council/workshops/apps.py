from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "council.workshops"
    label = "workshops"
    verbose_name = _("Breakout workshops")

    def ready(self) -> None:
        from council.workshops import permissions  # noqa: F401 - registers the workshops.* rules
        from council.workshops import refusals  # noqa: F401 - what its refusals tell
        from council.workshops import text_fields  # noqa: F401 - declares its text fields

        _register_tenancy()
        _register_panels()


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
