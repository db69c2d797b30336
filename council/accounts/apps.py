from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "council.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from council.accounts import personal_data  # noqa: F401 - declares what it holds about people
        from council.accounts import text_fields  # noqa: F401 - declares its text fields

        _forget_changed_accounts()


def _forget_changed_accounts() -> None:
    """An account saved (deactivated, new password), deleted or logged out: every process drops
    its sessions and facts (council/core/process_cache.py), once committed."""
    from django.contrib.auth.signals import user_logged_out
    from django.db import transaction
    from django.db.models.signals import post_delete
    from django.db.models.signals import post_save

    from council.accounts.models import User
    from council.core.process_cache import person_tag
    from council.core.process_cache import publish

    def forget(user_id: int) -> None:
        transaction.on_commit(lambda: publish([person_tag(user_id)]))

    def account_changed(sender: type, instance: User, **kwargs: object) -> None:
        forget(instance.pk)

    def logged_out(sender: type, user: User | None = None, **kwargs: object) -> None:
        if user is not None:
            forget(user.pk)

    post_save.connect(account_changed, sender=User, dispatch_uid="process_cache_account_saved", weak=False)
    post_delete.connect(account_changed, sender=User, dispatch_uid="process_cache_account_deleted", weak=False)
    user_logged_out.connect(logged_out, dispatch_uid="process_cache_logged_out", weak=False)
