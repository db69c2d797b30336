"""What a person is told when an assembly.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "assembly.manage_rules": _("Only the council's administrators can change its meeting rules."),
    "assembly.run_sitting": _("Only those who run the meeting can open or close the sitting and check the quorum."),
    "assembly.sign_in_people": _("Only those who run the meeting can sign people in."),
    "assembly.give_proxy": _("Only members in office can give a proxy, where the rules allow proxies."),
    "assembly.request_vote_mode": _("Only members in office can ask for a roll-call vote or a secret ballot."),
})
