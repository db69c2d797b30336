"""What accounts and the libraries it brings (allauth, guardian, the admin) hold about a person."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import DELETE
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "accounts.Verification", "user", policy=DELETE, title=_("What you have proved"),
    fields=("kind", "council__name", "claims", "verified_at"),
)
holds_personal_data(
    "account.EmailAddress", "user", policy=DELETE, title=_("E-mail addresses"),
    fields=("email", "verified", "primary"),
)
holds_personal_data(
    "socialaccount.SocialAccount", "user", policy=DELETE, title=_("Connected accounts"),
    fields=("provider", "uid", "date_joined", "last_login"),
)
holds_personal_data(
    "guardian.UserObjectPermission", "user", policy=DELETE, title=_("Roles"),
    fields=("permission__codename", "object_pk"),
)
# The admin's own history (who edited what in /admin/); the audit log is the record that is kept.
holds_personal_data(
    "admin.LogEntry", "user", policy=DELETE, title=_("Changes made in the administration"),
    fields=("action_time", "object_repr", "change_message"),
)
# Second factors of the log-in: which kinds and when used, never their secrets.
holds_personal_data(
    "mfa.Authenticator", "user", policy=DELETE, title=_("Second factors of your log-in"),
    fields=("type", "created_at", "last_used_at"),
)
