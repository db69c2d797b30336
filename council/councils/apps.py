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
        _close_sockets_of_deleted_accounts()
        _forget_changed_roles()


def _forget_changed_roles() -> None:
    """A person's role or grants changed: every process drops what it kept of them (process_cache)."""
    from council.core.realtime import invalidates
    from council.councils.events import ROLE_CHANGED
    from council.councils.events import person_of_group

    invalidates(ROLE_CHANGED, lambda group, _payload: person_of_group(group))


def _close_sockets_of_deleted_accounts() -> None:
    """A deleted account's roles are gone: its open sockets re-check them, and close."""
    from council.accounts.services import on_account_deleted
    from council.core.realtime import send_event_on_commit
    from council.councils.events import ROLE_CHANGED
    from council.councils.events import user_group

    on_account_deleted(
        lambda user_id: send_event_on_commit(user_group(user_id), ROLE_CHANGED, {"council_id": None, "role": None})
    )
