"""FranceConnect as a verification kind (registered with council.verifications from apps.ready)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.identity.models import FranceConnectClient
from council.identity.services import FRANCECONNECT
from council.verifications.kinds import Kind
from council.verifications.kinds import held_as_row


def obtain_url(council: Council) -> str:
    """Connect the council's FranceConnect to the signed-in account ("" if it has none enabled)."""
    client = FranceConnectClient.objects.filter(council=council, enabled=True).first()
    if client is None:
        return ""
    url = reverse("franceconnect_login", kwargs={"provider_id": client.provider_id})
    return f"{url}?{urlencode({'process': 'connect'})}"


FRANCECONNECT_KIND = Kind(
    FRANCECONNECT, _("FranceConnect"), _("The State's identity service confirmed who you are."),
    obtain_url=obtain_url, holders=held_as_row(FRANCECONNECT),
)
