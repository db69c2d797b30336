"""Disconnecting FranceConnect on allauth's connections page gives up the verification it gave.

The connection is made through the loopback provider (provider.py), the removal through the
page a person uses (/accounts/3rdparty/), and a room socket requiring FranceConnect hears it.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from channels.db import database_sync_to_async

from council.accounts.models import Verification
from council.accounts.services import verification_record
from council.identity.models import FranceConnectClient
from council.identity.models import ProConnectClient
from council.verifications.kinds import CODE
from tests.helpers import connect
from tests.helpers import expect_close
from tests.helpers import next_frame
from tests.helpers import room_path
from tests.identity.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

FRANCECONNECT_REQUIRED = {"kinds": ["franceconnect"], "mode": "any"}


@pytest.fixture
def connected_member(client, fc, oidc_provider, room, user_with_role):
    """A member of the room's council who connected FranceConnect there (and holds a code too)."""
    member = user_with_role("member", room.council, preferred_language="en")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    verification_record(user=member, kind=CODE, council_id=room.council_id, claims={})
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(member)
    log_in(client, fc, oidc_provider, "disconnecting", process="connect")
    assert Verification.objects.filter(user=member, kind="franceconnect", council=room.council).exists()
    room.verification_requirement = FRANCECONNECT_REQUIRED
    room.save(update_fields=["verification_requirement"])
    return member


async def test_disconnecting_franceconnect_revokes_it_and_closes_a_room_requiring_it(client, room, connected_member):
    socket, _snapshot = await connect(room_path(room.pk), user=connected_member)
    account = await database_sync_to_async(SocialAccount.objects.get)(user=connected_member)

    response = await database_sync_to_async(client.post)("/accounts/3rdparty/", {"account": account.pk})

    assert response.status_code == 302
    error = await next_frame(socket)
    assert (error["type"], error["payload"]["code"]) == ("error", "verification_required")
    assert "FranceConnect" in error["payload"]["message"]
    assert error["payload"]["link"].startswith(f"/c/{room.council.slug}/verifications/obtain/?kinds=franceconnect")
    await expect_close(socket, 4403)
    kinds_left = await database_sync_to_async(
        lambda: list(Verification.objects.filter(user=connected_member).values_list("kind", flat=True))
    )()
    assert kinds_left == [CODE]  # only what FranceConnect gave is gone
    assert not await database_sync_to_async(SocialAccount.objects.exists)()


def test_provider_ids_name_their_council():
    assert FranceConnectClient.council_id_of("franceconnect-12") == 12
    assert FranceConnectClient.council_id_of("proconnect-12") is None  # ProConnect gives no verification
    assert ProConnectClient.council_id_of("proconnect-12") == 12
    assert FranceConnectClient.council_id_of("franceconnect-") is None
    assert FranceConnectClient.council_id_of("google") is None
