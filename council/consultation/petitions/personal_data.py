"""What petitions hold about a person: the petitions they opened, answered and signed."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import CONTRIBUTION
from council.core.personal_data import DELETE
from council.core.personal_data import FORGET
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "petitions.Petition", "author", policy=CONTRIBUTION, council="council",
    title=_("Petitions"), fields=("title", "body", "created_at"), also_set={"client_request_id": ""},
)
holds_personal_data(
    "petitions.Petition", "answered_by", policy=FORGET, title=_("Petitions you answered"), fields=("title", "answered_at"),
)
holds_personal_data(
    "petitions.Signature", "user", policy=DELETE, title=_("Petitions signed"), fields=("petition__title", "created_at"),
)
