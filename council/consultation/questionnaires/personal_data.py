"""What questionnaires hold about a person: their answers (not anonymous ones), that they answered."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import DELETE
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "questionnaires.Response", "respondent", policy=DELETE, title=_("Answers to questionnaires"),
    fields=("questionnaire__title", "answers"),
)
# Anonymous answers name nobody, so they cannot be exported nor deleted with the account: they stay, unlinked.
holds_personal_data(
    "questionnaires.Participation", "user", policy=DELETE, title=_("Questionnaires answered"), fields=("questionnaire__title",),
)
