from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationsConfig(AppConfig):
    """What a person has proved (a set of verifications, not a level) and what a thing requires.

    Sits above accounts and councils and below groups: groups' segments, rooms and every module
    ask it whether someone meets a requirement; a higher app adds a kind with `kinds.register`.
    """

    name = "council.verifications"
    label = "verifications"
    verbose_name = _("Verifications")

    def ready(self) -> None:
        from allauth.account.signals import email_removed

        from council.councils import tenancy
        from council.verifications import kinds
        from council.verifications import models
        from council.verifications import permissions  # noqa: F401 - declares its rules
        from council.verifications import personal_data  # noqa: F401 - declares what it holds
        from council.verifications import refusals  # noqa: F401 - declares its sentences
        from council.verifications import services
        from council.verifications import text_fields  # noqa: F401 - declares its text fields

        kinds.register_builtin()
        email_removed.connect(services.email_removed, dispatch_uid="verifications.email_removed")
        tenancy.register(models.CensusList, "council")
        tenancy.register(models.CensusEntry, "census__council")
        tenancy.register(models.CensusAttempt, "council")
        tenancy.register(models.VerificationCode, "council")
        tenancy.register(models.VerificationUse, "council")
