from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "council.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgets")

    def ready(self) -> None:
        from council.budgeting import models
        from council.budgeting import permissions  # noqa: F401 - registers the budgeting.* rules
        from council.budgeting import personal_data  # noqa: F401 - declares what it holds about people
        from council.budgeting import refusals  # noqa: F401 - what its refusals tell
        from council.budgeting import text_fields  # noqa: F401 - declares its text fields
        from council.budgeting.selectors import council_budgets_section
        from council.councils import tenancy
        from council.councils.sections import register_section

        register_section("budgets", template="budgeting/_council_section.html", context=council_budgets_section)

        tenancy.register(models.Budget, "council")
        tenancy.register(models.Project, "budget__council")
        tenancy.register(models.BudgetBallot, "budget__council")
        tenancy.register(models.BallotChoice, "ballot__budget__council")
        tenancy.register(models.BudgetResult, "budget__council")
        tenancy.register(models.ProjectFollowUp, "project__budget__council")
        tenancy.register(models.ProjectUpdate, "project__budget__council")
        tenancy.register(models.ResultsAnnouncement, "budget__council")
        _register_with_the_host()


def _register_with_the_host() -> None:
    """The results announced on a meeting's stage: commands, the event, the snapshot's section, the panel."""
    from council.budgeting import commands
    from council.budgeting import events
    from council.budgeting import stage
    from council.budgeting.strings import stage_strings
    from council.rooms import host
    from council.rooms.panels import register_panel

    commands.register()
    host.register_event(events.ANNOUNCEMENT_CHANGED)
    host.register_section("budget_announcement", stage.announcement_section, perm="rooms.view_room")
    register_panel(
        "budget-results",
        "budgeting/_stage_panel.html",
        "budgeting/stage.js",
        stage_strings,
        label=lambda: str(_("Budget results")),
        data=lambda request, plenary: {"budgets": stage.announceable_budgets(request.user, plenary)},
        stage_template="budgeting/_stage.html",
    )
