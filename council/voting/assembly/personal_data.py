"""What the meeting rules hold about a person: the sitting's records, kept for its minutes."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import KEEP
from council.core.personal_data import holds_personal_data
from council.core.retention import register_kept_records

register_kept_records("sittings", purge="council.voting.assembly.services.sittings_purge")
register_kept_records("proxies", purge="council.voting.assembly.services.proxies_purge")

SITTING_REASON = _(
    "The minutes of a sitting and their annexes (sign-in sheet, proxies, quorum) prove that its "
    "decisions were taken lawfully (GDPR art. 6(1)(c) and (e); public archives, French Code du patrimoine art. L211-4)."
)
SITTING_RETENTION = _(
    "Deleted six years after the sitting closed, unless the instance set another period; the minutes "
    "themselves go to the council's archives."
)
PROXY_RETENTION = _("Deleted six years after the proxy ended, unless the instance set another period.")

holds_personal_data(
    "assembly.HallPresence", "user", policy=KEEP, title=_("Sign-in sheets of sittings"),
    fields=("sitting__room__name", "arrived_at", "left_at"), reason=SITTING_REASON, retention=SITTING_RETENTION, kept_as="sittings",
)
for person in ("signed_by", "left_signed_by"):
    holds_personal_data(
        "assembly.HallPresence", person, policy=KEEP, title=_("Sign-ins you recorded"),
        fields=("sitting__room__name", "arrived_at"), reason=SITTING_REASON, retention=SITTING_RETENTION, kept_as="sittings",
    )
for person, title in (
    ("grantor", _("Proxies you gave")),
    ("holder", _("Proxies you held")),
    ("revoked_by", _("Proxies you revoked")),
    ("entered_by", _("Paper proxies you entered")),
):
    holds_personal_data(
        "assembly.Proxy", person, policy=KEEP, title=title,
        fields=("council__name", "valid_from", "valid_until", "revoked_at"), reason=SITTING_REASON, retention=PROXY_RETENTION, kept_as="proxies",
    )
for person in ("opened_by", "closed_by", "president"):
    holds_personal_data(
        "assembly.Sitting", person, policy=KEEP, title=_("Sittings you opened, closed or presided"),
        fields=("room__name", "opened_at", "closed_at"), reason=SITTING_REASON, retention=SITTING_RETENTION, kept_as="sittings",
    )
holds_personal_data(
    "assembly.QuorumCheck", "checked_by", policy=KEEP, title=_("Quorum checks you made"),
    fields=("sitting__room__name", "checked_at"), reason=SITTING_REASON, retention=SITTING_RETENTION, kept_as="sittings",
)
holds_personal_data(
    "assembly.VoteModeRequest", "user", policy=KEEP, title=_("Requests for a secret or roll-call vote"),
    fields=("sitting__room__name", "kind", "created_at"), reason=SITTING_REASON, retention=SITTING_RETENTION, kept_as="sittings",
)
