"""What a person is told when a ballots.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "ballots.manage_vote": _("Only the council's officials can manage votes."),
    "ballots.cast_ballot": _("You are not in this vote's electorate, or the vote is not open."),
    "ballots.view_vote": _("This vote does not exist or is not open to you."),
    "ballots.view_results": _("The results are not published yet."),
    "ballots.view_minutes": _("The minutes are written once the vote is counted, and public once it is published."),
})
