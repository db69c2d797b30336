from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssemblyConfig(AppConfig):
    name = "council.voting.assembly"
    label = "assembly"
    verbose_name = _("Meeting rules")

    def ready(self) -> None:
        from council.voting.assembly import for_ballots
        from council.voting.assembly import permissions  # noqa: F401 - registers the assembly.* rules
        from council.voting.assembly import personal_data  # noqa: F401 - declares what it holds about people
        from council.voting.assembly import refusals  # noqa: F401 - what its refusals tell
        from council.voting.assembly import socket
        from council.voting.assembly import text_fields  # noqa: F401 - declares its text fields

        socket.register()
        for_ballots.register()
        _register_tenancy()
        _register_panel()


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.voting.assembly import models

    tenancy.register(models.MeetingRules, "council")
    tenancy.register(models.Proxy, "council")
    tenancy.register(models.Sitting, "room__council")
    for model in (models.QuorumCheck, models.HallPresence, models.VoteModeRequest):
        tenancy.register(model, "sitting__room__council")


def _register_panel() -> None:
    from council.rooms.panels import register_panel
    from council.voting.assembly import strings
    from council.voting.assembly.panels import assembly_panel_data

    register_panel(
        "assembly",
        "assembly/_panel.html",
        "assembly/assembly.js",
        strings.panel_strings,
        label=lambda: str(_("Sitting")),
        data=assembly_panel_data,
    )
