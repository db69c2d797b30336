from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.models import SocialApp

from council.accounts.models import User
from council.accounts.models import Verification
from council.accounts.services import verification_record
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
