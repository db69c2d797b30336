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
        from council.budgeting.selectors import council_budgets_section
        from council.councils import tenancy
        from council.councils.sections import register_section

        register_section("budgets", template="budgeting/_council_section.html", context=council_budgets_section)

        tenancy.register(models.Budget, "council")
        tenancy.register(models.Project, "budget__council")
        tenancy.register(models.BudgetBallot, "budget__council")
        tenancy.register(models.BallotChoice, "ballot__budget__council")
