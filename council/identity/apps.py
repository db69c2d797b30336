from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    """FranceConnect v2 (log-in and verification), ProConnect and social log-ins: one client per council."""

    name = "council.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from allauth.socialaccount.signals import social_account_removed

        from council.accounts import session_end
        from council.councils import tenancy
        from council.identity import kinds
        from council.identity import logout
        from council.identity import models
        from council.identity import services
        from council.identity import text_fields  # noqa: F401 - declares its text fields
        from council.verifications.kinds import register

        for model in (models.FranceConnectClient, models.ProConnectClient, models.CouncilSocialApp):
            tenancy.register(model, "council")
        session_end.register(logout.session_end_begin)
        register(kinds.FRANCECONNECT_KIND)
        social_account_removed.connect(services.social_account_removed, dispatch_uid="identity.social_account_removed")
