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
    "budgeting.compute_results": _("Only the council's officials can compute a budget's results, once its vote is over."),
    "budgeting.publish_results": _("Only the council's officials can publish a budget's results, once its vote is over."),
    "budgeting.view_results": _("The results of this budget are not published yet."),
    "budgeting.edit_follow_up": _("Only the council's officials can update the follow-up of published projects."),
    "budgeting.import_budget": _("Only the council's administrators can import a budget."),
    "budgeting.export_budget": _("Only the council's officials can export a budget with its ballots."),
    "budgeting.announce_results": _("Only the meeting's facilitators can announce published results."),
})
