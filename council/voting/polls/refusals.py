"""What a person is told when a polls.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "polls.manage_poll": _("Only the meeting's facilitation team can prepare, launch and close polls."),
    "polls.answer_poll": _("This poll does not exist or is not open to you."),
    "polls.see_results": _("The results of this poll are hidden until it closes."),
})
