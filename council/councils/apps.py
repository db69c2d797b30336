from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "council.councils"
    label = "councils"
    verbose_name = _("Councils")

    def ready(self) -> None:
        # rules registers permissions when their module is imported: do it at start-up,
        # so Celery workers and commands know them as well as web processes.
        from council.accounts.models import Verification
        from council.councils import permissions  # noqa: F401
        from council.councils import personal_data  # noqa: F401 - declares what it holds about people
        from council.councils import refusals  # noqa: F401 - what its refusals tell
        from council.councils import tenancy
        from council.councils import text_fields  # noqa: F401 - declares its text fields
        from council.councils.models import AuditEntry
        from council.councils.models import CouncilPage

        tenancy.register(AuditEntry, "council")
        tenancy.register(CouncilPage, "council")
        tenancy.register(Verification, "council")  # obtained through that council (empty: instance-wide)
