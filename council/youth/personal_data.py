"""What youth holds about a person: their birth date and their parent's consent."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import DELETE
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "youth.BirthDate", "user", policy=DELETE, title=_("Your birth date"), fields=("born_on", "source", "recorded_at"),
)
holds_personal_data(
    "youth.ParentalConsent", "user", policy=DELETE, title=_("Your parent's consent"),
    fields=("parent_name", "parent_email", "requested_at", "confirmed_at"),
)
