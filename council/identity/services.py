from typing import Any

from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.models import SocialApp

from council.accounts.models import User
from council.accounts.models import Verification
from council.accounts.services import verification_record
from council.identity.models import FranceConnectClient
from council.verifications.services import verification_revoke
from council.youth.services import birth_date_from_franceconnect

#: the verification kind FranceConnect gives (council/verifications/kinds.py)
FRANCECONNECT = "franceconnect"


def verification_from_account(*, user: User, app: SocialApp, account: SocialAccount) -> Verification:
    """Record that `user` proved their identity through the council's FranceConnect just now.

    The claims kept are those the council asks for (`FranceConnectClient.claims`), as signed
    in the userinfo, plus the level of assurance reached; a birth date among them becomes the
    person's (council/youth).
    """
    data = account.extra_data
    claims = {claim: data[claim] for claim in [*app.settings["claims"], "acr"] if claim in data}
    verification = verification_record(
        user=user, kind=FRANCECONNECT, council_id=app.settings["council_id"], claims=claims
    )
    if claims.get("birthdate"):  # the verified birth date decides ages (council/youth)
        birth_date_from_franceconnect(user=user, birthdate=str(claims["birthdate"]))
    return verification


def social_account_removed(sender: Any, request: Any, socialaccount: SocialAccount, **kwargs: Any) -> None:
    """allauth's `social_account_removed`: a FranceConnect account disconnected no longer verifies the person.

    Revoked through the verifications service, as from the verifications page, so open sockets
    of rooms requiring it close with the link (`verifications.revoked`). Revoked even if another
    FranceConnect identity stays connected: the claims kept may be the one disconnected.
    ProConnect records no verification, so nothing to drop.
    """
    council_id = FranceConnectClient.council_id_of(socialaccount.provider)
    if council_id is None:
        return
    verification = Verification.objects.filter(
        user_id=socialaccount.user_id, kind=FRANCECONNECT, council_id=council_id
    ).first()
    if verification is not None:
        verification_revoke(actor=socialaccount.user, verification_id=verification.pk)
