from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "council.groups"
    label = "groups"
    verbose_name = _("Groups and segments")

    def ready(self) -> None:
        # rules registers permissions when their module is imported: do it at start-up,
        # so Celery workers and commands know them as well as web processes.
        from council.groups import permissions  # noqa: F401
        from council.groups import text_fields  # noqa: F401 - declares its text fields
