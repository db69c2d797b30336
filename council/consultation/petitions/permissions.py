"""Who may read, open, sign and answer petitions (docs/permissions.md, "Petitions").

Reading is open to everyone, visitors included. Opening and signing need a role in the council
(a resident at least); signing also needs the petition open and, if it asks for one, the
verification (`IdentityLevel`, checked through council/verifications). The
council's facilitators set the threshold and answer officially once it is reached.
"""

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.consultation.petitions.models import Petition
from council.core.errors import AccessDenied
from council.core.memo import recall
from council.core.permissions import predicate
from council.councils.permissions import has_council_role
from council.councils.permissions import is_council_facilitator

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
    """The verification the petition asks of its signers (none: everyone)."""
    if not petition.min_identity_level:
        return True
    if not user.is_authenticated:
        return False
    from council.verifications.requirements import Requirement
    from council.verifications.requirements import is_met

    def read() -> bool:
        return is_met(user, petition.council, Requirement(kinds=("email",)))

    return bool(recall(("petitions.verified", user.pk, petition.council_id, petition.min_identity_level), read))


rules.add_perm(VIEW, rules.always_allow)
rules.add_perm(OPEN, rules.is_authenticated & has_council_role)
rules.add_perm(SIGN, rules.is_authenticated & petition_is_open & has_council_role & verified_enough)
rules.add_perm(ANSWER, is_council_facilitator & petition_reached_threshold)
rules.add_perm(MANAGE, is_council_facilitator)


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
