"""Who may read, open, sign and answer petitions (docs/permissions.md, "Petitions").

Reading is open to everyone, visitors included. Opening and signing need a role in the council
(a resident at least); signing also needs the petition open and the verifications it asks for (a
requirement of council/verifications, as rooms, votes, budgets and consultations carry). The
council's facilitators set the threshold and answer officially once it is reached.
"""

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation.petitions.models import Petition
from council.core.errors import AccessDenied
from council.core.permissions import predicate
from council.councils.permissions import has_council_role
from council.councils.permissions import is_council_facilitator
from council.verifications.requirements import held_in_council
from council.verifications.requirements import requirement_of

VIEW = "petitions.view_petition"
OPEN = "petitions.open_petition"
SIGN = "petitions.sign_petition"
ANSWER = "petitions.answer_petition"
MANAGE = "petitions.manage_petitions"


@predicate
def petition_is_open(user: User | AnonymousUser, petition: Petition) -> bool:
    return petition.status == Petition.Status.OPEN


@predicate
def petition_reached_threshold(user: User | AnonymousUser, petition: Petition) -> bool:
    return petition.status != Petition.Status.OPEN


@predicate
def verified_enough(user: User | AnonymousUser, petition: Petition) -> bool:
    """The verifications the petition asks of its signers (none: everyone). What the person holds
    is read once per unit of work, however many petitions of the council a page asks about."""
    requirement = requirement_of(petition)
    return not requirement or requirement.met_by(held_in_council(user, petition.council))


rules.add_perm(VIEW, rules.always_allow)
rules.add_perm(OPEN, rules.is_authenticated & has_council_role)
rules.add_perm(SIGN, rules.is_authenticated & petition_is_open & has_council_role & verified_enough)
rules.add_perm(ANSWER, is_council_facilitator & petition_reached_threshold)
rules.add_perm(MANAGE, is_council_facilitator)


def why_not_sign(user: User | AnonymousUser, petition: Petition) -> str:
    """The reason, in words, that `user` may not sign `petition` (asked of the rule's own predicates), or ""."""
    if user.has_perm(SIGN, petition):
        return ""
    if petition.status != Petition.Status.OPEN:
        return _("This petition reached its threshold: it no longer collects signatures.")
    if not user.is_authenticated:
        return _("Log in to sign.")
    if not has_council_role(user, petition):
        return _("Only the council's residents sign petitions: join the council first.")
    return verification_reason(petition)


def verification_reason(petition: Petition) -> str:
    """The words every module uses when a verification is missing (consultations, budgets)."""
    return _("This requires a verification you do not hold yet: %(kinds)s.") % {
        "kinds": requirement_of(petition).describe()
    }


def access_petition(user: Any, petition_id: int, *, council_id: int | None = None, perm: str = VIEW, for_update: bool = False) -> Petition:
    """Fetch a petition (of `council_id` if given) and check `perm`; missing and forbidden raise the same."""
    found = Petition.objects.select_related("council")
    if for_update:
        found = found.select_for_update(of=("self",))
    if council_id is not None:
        found = found.filter(council_id=council_id)
    petition = found.filter(pk=petition_id).first()
    if petition is None or not user.has_perm(perm, petition):
        raise AccessDenied(perm)
    return petition
