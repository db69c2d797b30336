"""What a person is told when a verifications.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "verifications.import_census": _("Only the council's administration can import the census list."),
    "verifications.issue_code": _("Only the council's officials can issue verification codes."),
})
