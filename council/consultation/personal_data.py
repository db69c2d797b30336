"""What consultations hold about a person: contributions, comments, support, follows, reports."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import CONTRIBUTION
from council.core.personal_data import DELETE
from council.core.personal_data import FORGET
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "consultation.Contribution", "author", policy=CONTRIBUTION, council="consultation__council",
    title=_("Contributions"), fields=(
        "consultation__title", "title", "body", "latitude", "longitude", "image", "image_description", "created_at",
    ),
    also_set={"client_request_id": ""},
)
holds_personal_data(
    "consultation.Contribution", "answered_by", policy=FORGET, title=_("Contributions you answered"),
    fields=("title", "answered_at"),
)
holds_personal_data(
    "consultation.Comment", "author", policy=CONTRIBUTION, council="contribution__consultation__council",
    title=_("Comments"), fields=("contribution__title", "body", "created_at"), also_set={"client_request_id": ""},
)
holds_personal_data(
    "consultation.Endorsement", "user", policy=DELETE, title=_("Contributions supported"),
    fields=("contribution__title", "created_at"),
)
holds_personal_data(
    "consultation.Follow", "user", policy=DELETE, title=_("Contributions followed"), fields=("contribution__title", "created_at"),
)
holds_personal_data(
    "consultation.AbuseReport", "reporter", policy=DELETE, title=_("Reports of abuse"), fields=("reason", "details", "created_at"),
)
holds_personal_data(
    "consultation.ConsultationExport", "requested_by", policy=FORGET, title=_("Exports of consultations you asked for"),
    fields=("consultation__title", "format", "requested_at"),
)
