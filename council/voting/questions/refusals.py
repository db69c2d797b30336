"""What a person is told when a questions.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "questions.ask_question": _("You cannot ask questions in this meeting."),
    "questions.upvote_question": _("You cannot support questions in this meeting."),
    "questions.moderate_questions": _("Only the meeting's facilitation team can moderate the questions."),
    "questions.see_pending": _("Only the meeting's facilitation team sees the questions waiting for approval."),
})
