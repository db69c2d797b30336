"""What a person is told when a consultation.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "consultation.view_consultation": _("This consultation does not exist or is not published."),
    "consultation.view_contribution": _("This contribution does not exist or was withdrawn or hidden."),
    "consultation.manage_consultation": _("Only the council's facilitators prepare consultations."),
    "consultation.moderate_consultation": _("Only the council's facilitators moderate consultations."),
    "consultation.add_contribution": _("You cannot submit a contribution to this consultation."),
    "consultation.change_contribution": _("This contribution can no longer be changed."),
    "consultation.withdraw_contribution": _("You can withdraw only your own contributions."),
    "consultation.endorse_contribution": _("You cannot support contributions of this consultation."),
    "consultation.comment_contribution": _("You cannot comment in this consultation."),
    "consultation.report_content": _("Log in to report content."),
    "consultation.follow_contribution": _("Log in to follow a contribution."),
})
