"""What a person is told when a councils.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "councils.view_council": _("This council does not exist."),
    "councils.join_council": _("You cannot join this council by yourself."),
    "councils.manage_council": _("Only the council's administration can do this."),
    "councils.manage_roles": _("Only the council's administration can change roles."),
    "councils.view_audit": _("Only the council's administration can read the audit log."),
})
