"""What binding votes hold about a person: the electoral list, the register of who voted, paper entries.

Never a ballot: a secret ballot holds no link to its voter (docs/voting-security.md), so
neither the export nor the deletion reads or touches the ballot box. Roll-call names of a
named vote are stored on the ballot as text, kept with the vote.
"""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import KEEP
from council.core.personal_data import holds_personal_data
from council.core.retention import register_kept_records

register_kept_records("votes", purge="council.voting.ballots.services.votes_purge")

VOTE_REASON = _(
    "The electoral list and the register of who voted let a vote's result be checked and contested "
    "(GDPR art. 6(1)(c) and (e)); they never say what anyone chose."
)
VOTE_RETENTION = _(
    "Deleted with the vote's electoral list and ballot box six years after the vote closed, unless the "
    "instance set another period."
)

holds_personal_data(
    "ballots.Elector", "user", policy=KEEP, title=_("Votes you could take part in"),
    fields=("vote__title",), reason=VOTE_REASON, retention=VOTE_RETENTION, kept_as="votes",
)
holds_personal_data(
    "ballots.Participation", "elector__user", policy=KEEP, title=_("Votes you took part in"),
    fields=("vote__title", "kind"), reason=VOTE_REASON, retention=VOTE_RETENTION, kept_as="votes",
)
for person in ("entered_by", "confirmed_by"):
    holds_personal_data(
        "ballots.PaperBallot", person, policy=KEEP, title=_("Paper ballots you entered or confirmed"),
        fields=("vote__title",),
        reason=_("The audit trail of paper ballots names who entered and who confirmed each one (GDPR art. 6(1)(c) and (e))."),
        retention=VOTE_RETENTION, kept_as="votes",
    )
