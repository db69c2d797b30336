"""Giving up a verification reaches the person's open sockets at once (a real room socket)."""

import pytest
from allauth.account.models import EmailAddress
from channels.db import database_sync_to_async

from council.accounts.services import verification_record
from council.verifications import services
from council.verifications.kinds import CODE
from tests.helpers import connect
from tests.helpers import expect_close
from tests.helpers import expect_silence
from tests.helpers import next_frame
from tests.helpers import next_frame_of
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)

CODE_REQUIRED = {"kinds": [CODE], "mode": "any"}


@pytest.fixture
def verified_member(room, user_with_role):
    member = user_with_role("member", room.council, preferred_language="en")
    verification = verification_record(user=member, kind=CODE, council_id=room.council_id, claims={})
    return member, verification


@database_sync_to_async
def _require(room, requirement):
    room.verification_requirement = requirement
    room.save(update_fields=["verification_requirement"])


@database_sync_to_async
def _revoke(member, verification):
    services.verification_revoke(actor=member, verification_id=verification.pk)


async def test_a_room_requiring_it_says_where_to_obtain_it_again_and_closes(room, verified_member, user_with_role):
    member, verification = verified_member
    facilitator = await database_sync_to_async(user_with_role)("facilitator", room.council)
    await _require(room, CODE_REQUIRED)
    socket, _snapshot = await connect(room_path(room.pk), user=member)
    facilitator_socket, _ = await connect(room_path(room.pk), user=facilitator)  # holds nothing, runs the meeting

    await _revoke(member, verification)

    error = await next_frame(socket)
    assert error["type"] == "error"
    assert error["payload"]["code"] == "verification_required"
    assert "Code from the council" in error["payload"]["message"]
    assert error["payload"]["link"].startswith(f"/c/{room.council.slug}/verifications/obtain/?kinds=code")
    await expect_close(socket, 4403)
    await expect_silence(facilitator_socket)  # not theirs: nothing changes for them
    await facilitator_socket.disconnect()


async def test_a_room_requiring_nothing_keeps_the_socket_and_sends_the_capabilities_again(room, verified_member):
    member, verification = verified_member
    socket, _snapshot = await connect(room_path(room.pk), user=member)

    await _revoke(member, verification)

    assert (await next_frame_of(socket, "rooms.capabilities_changed"))["type"] == "rooms.capabilities_changed"
    await expect_silence(socket)
    await socket.disconnect()


async def test_removing_the_verified_address_closes_a_room_requiring_email(room, user_with_role, client):
    """allauth's `email_removed`: the e-mail kind is held by the account's addresses, not a row."""
    member = await database_sync_to_async(user_with_role)("member", room.council, preferred_language="en")

    @database_sync_to_async
    def addresses():
        EmailAddress.objects.create(user=member, email=member.email, verified=False, primary=True)
        EmailAddress.objects.create(user=member, email="other@example.org", verified=True, primary=False)
        client.force_login(member)

    await addresses()
    await _require(room, {"kinds": ["email"], "mode": "any"})
    socket, _snapshot = await connect(room_path(room.pk), user=member)

    removed = await database_sync_to_async(client.post)(
        "/accounts/email/", {"action_remove": "", "email": "other@example.org"}
    )

    assert removed.status_code == 302
    error = await next_frame(socket)
    assert (error["type"], error["payload"]["code"]) == ("error", "verification_required")
    await expect_close(socket, 4403)
