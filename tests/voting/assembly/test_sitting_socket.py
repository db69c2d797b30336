"""A proxy holder casts for a grantor on the vote's socket: the ack carries a receipt per grantor."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from council.voting.assembly import services as assembly
from council.voting.ballots import services
from council.voting.ballots.models import Participation
from council.voting.ballots.services import VoteDraft
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import next_frame
from tests.helpers import ws_communicator
from tests.voting.assembly.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proxy_vote(meeting, sitting):
    holder, grantor, other = meeting.members[0], meeting.members[8], meeting.members[7]
    assembly.proxy_give(
        actor=grantor, council=meeting.council, holder_id=holder.pk, statement="Je donne pouvoir.",
        valid_until=timezone.now() + timedelta(days=2),
    )
    sign_in(sitting, meeting.official, [meeting.official, *meeting.members[:5]])
    vote = services.vote_create(
        actor=meeting.official, council=meeting.council,
        draft=VoteDraft(title="Budget", method="majority_absolute", room_id=meeting.room.pk),
    )
    services.vote_freeze(actor=meeting.official, vote_id=vote.pk)
    vote = services.vote_open(actor=meeting.official, vote_id=vote.pk)
    vote.council  # noqa: B018 - loaded here, not in the event loop
    return vote, holder, grantor, other


async def test_the_ack_carries_a_receipt_per_grantor_and_the_refusals(proxy_vote):
    vote, holder, grantor, other = proxy_vote
    socket = ws_communicator(f"/ws/c/{vote.council.slug}/votes/{vote.pk}/", user=holder)
    connected, _ = await socket.connect()
    assert connected
    await next_frame(socket)

    await socket.send_json_to(
        command("ballots.cast", "r1", vote_id=vote.pk, content={"choice": "for"}, for_grantors=[grantor.pk, other.pk])
    )
    ack = await answer_to(socket, "r1")
    await socket.disconnect()

    assert ack["type"] == "ack"
    assert [proxy["grantor"] for proxy in ack["payload"]["proxies"]] == [grantor.pk]
    assert [(r["grantor"], r["code"]) for r in ack["payload"]["refused"]] == [(other.pk, "no_proxy")]


async def test_a_ballot_for_one_grantor_is_acked_with_its_receipt_and_counted_once(proxy_vote):
    vote, holder, grantor, _other = proxy_vote
    socket = ws_communicator(f"/ws/c/{vote.council.slug}/votes/{vote.pk}/", user=holder)
    connected, _ = await socket.connect()
    assert connected
    await next_frame(socket)
    tracker = "A" * 26
    cast = {"vote_id": vote.pk, "content": {"choice": "against"}, "tracker": tracker, "for_grantor": grantor.pk}

    await socket.send_json_to(command("ballots.cast", "r1", **cast))
    first = await answer_to(socket, "r1")
    await socket.send_json_to(command("ballots.cast", "r2", **cast))  # re-sent: the same receipt
    second = await answer_to(socket, "r2")
    await socket.send_json_to(command("ballots.cast", "r3", **{**cast, "for_grantors": [grantor.pk]}))
    both = await answer_to(socket, "r3")
    await socket.disconnect()

    assert first["payload"] == second["payload"] == {"tracker": tracker, "grantor": grantor.pk}
    assert both["type"] == "error"
    kinds = await database_sync_to_async(lambda: list(Participation.objects.filter(vote=vote).values_list("kind", flat=True)))()
    assert kinds == ["proxy"]
