from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "council.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from council.accounts import personal_data  # noqa: F401 - declares what it holds about people
        from council.accounts import text_fields  # noqa: F401 - declares its text fields
