"""What councils hold about a person: the audit log of administrative actions."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import KEEP
from council.core.personal_data import holds_personal_data
from council.core.retention import register_kept_records

register_kept_records("audit_log", purge="council.councils.services.audit_log_purge")

holds_personal_data(
    "councils.AuditEntry", "actor", policy=KEEP, title=_("Administrative actions you took"),
    fields=("council__name", "action", "target_text", "at"),
    reason=_("Accountability of the council's administrators (GDPR art. 5(2) and 6(1)(e))."),
    retention=_("Deleted six years after the action, unless the instance set another period."),
    kept_as="audit_log",
)
