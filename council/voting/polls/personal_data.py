"""What polls hold about a person: their answers, and the polls they put."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import DELETE
from council.core.personal_data import FORGET
from council.core.personal_data import holds_personal_data

# A closed poll keeps its counted result (Poll.result): removing an answer changes no published result.
holds_personal_data(
    "polls.Answer", "user", policy=DELETE, title=_("Poll answers"), fields=("poll__question", "value", "updated_at"),
)
holds_personal_data("polls.Poll", "created_by", policy=FORGET, title=_("Polls you put"), fields=("question", "created_at"))
