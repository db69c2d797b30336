"""What councils hold about a person: the audit log of administrative actions."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import KEEP
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "councils.AuditEntry", "actor", policy=KEEP, title=_("Administrative actions you took"),
    fields=("council__name", "action", "target_text", "at"),
    reason=_("Accountability of the council's administrators (GDPR art. 5(2) and 6(1)(e))."),
    retention=_("As long as the council's audit log, at most 6 years after the action."),
)
