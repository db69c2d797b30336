"""What verifications hold about a person: their tries at the census check, codes used, uses."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import DELETE
from council.core.personal_data import FORGET
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "verifications.CensusAttempt", "user", policy=DELETE, title=_("Tries at the census check"),
    fields=("council__name", "at", "matched"),
)
holds_personal_data(
    "verifications.VerificationUse", "user", policy=DELETE,
    title=_("Verifications used to take part (the day, never a ballot)"),
    fields=("council__name", "target", "kinds", "day"),
)
holds_personal_data(
    "verifications.VerificationCode", "used_by", policy=FORGET, title=_("Verification codes used"),
    fields=("council__name", "delivery", "used_at"),
)
holds_personal_data(
    "verifications.VerificationCode", "issued_by", policy=FORGET, title=_("Verification codes issued"),
    fields=("council__name", "delivery", "issued_at"),
)
holds_personal_data(
    "verifications.CensusList", "imported_by", policy=FORGET, title=_("Census lists imported"),
    fields=("council__name", "size", "imported_at"),
)
