"""What groups hold about a person: their profile in each council, memberships, notifications."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import DELETE
from council.core.personal_data import FORGET
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "groups.ResidentProfile", "user", policy=DELETE, title=_("Your profile in each council"),
    fields=("council__name", "latitude", "longitude", "zone__name", "updated_at"),
)
holds_personal_data(
    "groups.Membership", "user", policy=DELETE, title=_("Groups"),
    fields=("group__name", "status", "is_coordinator", "created_at"),
)
holds_personal_data(
    "groups.Notification", "user", policy=DELETE, title=_("Notifications received"),
    fields=("send__subject", "emailed_at", "read_at", "created_at"),
)
holds_personal_data(
    "groups.NotificationSend", "sender", policy=FORGET, title=_("Notifications sent"),
    fields=("group__name", "subject", "created_at"),
)
