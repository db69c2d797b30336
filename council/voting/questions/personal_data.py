"""What the live Q&A holds about a person: their questions and upvotes."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import CONTRIBUTION
from council.core.personal_data import DELETE
from council.core.personal_data import FORGET
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "questions.Question", "author", policy=CONTRIBUTION, council="room__council", title=_("Questions asked"),
    fields=("room__name", "text", "anonymous", "created_at"), also_set={"client_request_id": ""},
)
holds_personal_data("questions.Upvote", "user", policy=DELETE, title=_("Questions supported"), fields=("question__text",))
holds_personal_data(
    "questions.ModerationEntry", "actor", policy=FORGET, title=_("Questions you moderated"), fields=("action", "created_at"),
)
