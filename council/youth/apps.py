from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    """Young participants: a person's birth date, the age ranges a budget or a consultation is
    open to, and a parent's consent before an account of a person under 15 is used."""

    name = "council.youth"
    label = "youth"
    verbose_name = _("Young participants")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from council.youth import personal_data  # noqa: F401 - declares what it holds about people
        from council.youth import text_fields  # noqa: F401 - declares its text fields
        from council.youth.middleware import consent_state_remember

        # plumbing, not domain flow: the session remembers at log-in what the middleware asks
        user_logged_in.connect(consent_state_remember, dispatch_uid="youth.consent_state_remember")
