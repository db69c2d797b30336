"""What a person is told when a budgeting.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "budgeting.manage_budget": _("Only the council's officials can manage participatory budgets."),
    "budgeting.view_budget": _("This budget does not exist or is not open to you."),
    "budgeting.cast_ballot": _("You cannot vote on this budget."),
    "budgeting.propose_project": _("You cannot propose a project for this budget."),
    "budgeting.review_project": _("Only the council's officials review projects, until the vote opens."),
    "budgeting.enter_paper_ballot": _("Only the council's officials enter paper ballots, while the vote is open."),
})
