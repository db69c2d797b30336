from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "council.workshops"
    label = "workshops"
    verbose_name = _("Breakout workshops")

    def ready(self) -> None:
        from council.workshops import permissions  # noqa: F401 - registers the workshops.* rules
        from council.workshops import text_fields  # noqa: F401 - declares its text fields
