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


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.workshops import models

    for model in (models.WorkshopSession, models.AgendaItem, models.SpeakingTurn):
        tenancy.register(model, "room__council")
    for model in (models.Workshop, models.Assignment, models.LogEntry):
        tenancy.register(model, "session__room__council")
    for model in (models.HelpRequest, models.Notes, models.Report):
        tenancy.register(model, "workshop__session__room__council")
