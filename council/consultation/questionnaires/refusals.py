"""What a person is told when a questionnaires.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "questionnaires.answer_questionnaire": _("You cannot answer this questionnaire."),
    "questionnaires.view_results": _("The results of this questionnaire are not public."),
})
