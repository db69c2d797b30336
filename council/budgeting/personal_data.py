"""What participatory budgets hold about a person: projects proposed, ballots, follow-up written."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import CONTRIBUTION
from council.core.personal_data import FORGET
from council.core.personal_data import KEEP
from council.core.personal_data import holds_personal_data
from council.core.retention import register_kept_records

register_kept_records("budget_paper_ballots", purge="council.budgeting.services.budget_paper_ballots_purge")

holds_personal_data(
    "budgeting.Project", "proposer", policy=CONTRIBUTION, council="budget__council", title=_("Projects proposed"),
    fields=("budget__title", "title", "description", "proposed_at"),
)
# The ballot still counts; only its link to the person goes (an unsigned ballot, as on paper).
holds_personal_data(
    "budgeting.BudgetBallot", "voter", policy=FORGET, title=_("Budget ballots"),
    fields=("budget__title", "submitted_at", "is_draft"), also_set={"external_voter_id": "former-{token}"},
)
holds_personal_data(
    "budgeting.BudgetBallot", "entered_by", policy=KEEP, title=_("Paper budget ballots you entered"),
    fields=("budget__title", "paper_number"),
    reason=_("The audit trail of paper ballots names who entered each one (GDPR art. 6(1)(e))."),
    retention=_("Your name is removed from them six years after the budget's vote ended, unless the instance set another period."),
    kept_as="budget_paper_ballots",
)
holds_personal_data(
    "budgeting.ProjectUpdate", "author", policy=FORGET, title=_("Project follow-up you wrote"), fields=("project__title", "on"),
)
for person in ("requested_by", "published_by"):
    holds_personal_data(
        "budgeting.BudgetResult", person, policy=FORGET, title=_("Budget results you computed or published"),
        fields=("budget__title", "requested_at"),
    )
