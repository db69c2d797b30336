"""What a person is told when a petitions.* rule refuses (see council/core/refusals.py)."""

from django.utils.translation import gettext_lazy as _

from council.core.refusals import register_refusals

register_refusals({
    "petitions.view_petition": _("This petition does not exist."),
    "petitions.open_petition": _("Only the council's residents open petitions: log in and join the council first."),
    "petitions.sign_petition": _("You cannot sign this petition (it is closed, or it asks for a verification you do not have)."),
    "petitions.answer_petition": _("Only the council's facilitators answer a petition, once it reached its threshold."),
    "petitions.manage_petitions": _("Only the council's facilitators set how petitions work."),
})
