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
        from council.groups import personal_data  # noqa: F401 - declares what it holds about people
        from council.groups import refusals  # noqa: F401 - what its refusals tell
        from council.groups import text_fields  # noqa: F401 - declares its text fields
        _register_tenancy()
        _forget_changed_memberships()


def _forget_changed_memberships() -> None:
    """A person's groups changed: every process drops what it kept of them (process_cache)."""
    from council.core.realtime import invalidates
    from council.councils.events import person_of_group
    from council.groups.events import MEMBERSHIP_CHANGED

    invalidates(MEMBERSHIP_CHANGED, lambda group, _payload: person_of_group(group))


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.groups import models

    for model in (models.ProfileAttribute, models.Zone, models.ResidentProfile, models.NeighbourhoodGroup):
        tenancy.register(model, "council")
    tenancy.register(models.ProfileValue, "profile__council")
    tenancy.register(models.Membership, "group__council")
    tenancy.register(models.NotificationSend, "council")
    tenancy.register(models.Notification, "send__council")
