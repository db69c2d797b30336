from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "council.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgets")

    def ready(self) -> None:
        from council.budgeting import models
        from council.budgeting import permissions  # noqa: F401 - registers the budgeting.* rules
        from council.budgeting import refusals  # noqa: F401 - what its refusals tell
        from council.budgeting import text_fields  # noqa: F401 - declares its text fields
        from council.councils import tenancy

        tenancy.register(models.Budget, "council")
        tenancy.register(models.Project, "budget__council")
        tenancy.register(models.BudgetBallot, "budget__council")
        tenancy.register(models.BallotChoice, "ballot__budget__council")
        tenancy.register(models.BudgetResult, "budget__council")
        tenancy.register(models.ProjectFollowUp, "project__budget__council")
        tenancy.register(models.ProjectUpdate, "project__budget__council")
        tenancy.register(models.ResultsAnnouncement, "budget__council")
