"""The president of a sitting: chosen among the members in office, changed with an audit entry,
and whose own ballot (found by their user id) breaks a tie in a vote by name (CGCT L2121-20).

Ten members in office (conftest): the facilitator who runs the meeting and nine members.
"""

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry
from council.voting.assembly import services as assembly
from council.voting.assembly.models import Sitting
from council.voting.ballots import services
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path
from tests.voting.assembly.conftest import sign_in
from tests.voting.assembly.test_sitting_votes import frozen_vote


def open_with(meeting, president):
    assembly.sitting_open(actor=meeting.official, room_id=meeting.room.pk, president_id=president.pk)
    sitting = Sitting.objects.get(room=meeting.room, closed_at__isnull=True)
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    return sitting


def tied_vote_by_name(meeting, president_choice, **fields):
    """The president and one other member vote, each their own way: a tie of one against one."""
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting, secret=False, **fields).pk)
    president = meeting.members[4]
    other = meeting.official
    against = "against" if president_choice == "for" else "for"
    services.ballot_cast(actor=president, vote_id=vote.pk, content={"choice": president_choice})
    services.ballot_cast(actor=other, vote_id=vote.pk, content={"choice": against})
    return services.vote_close(actor=meeting.official, vote_id=vote.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("choice", ["for", "against"])
def test_a_tie_goes_the_way_the_chosen_president_voted_not_the_opener(meeting, choice):
    open_with(meeting, president=meeting.members[4])

    vote = tied_vote_by_name(meeting, president_choice=choice)

    assert vote.sitting["president_id"] == meeting.members[4].pk
    assert vote.sitting["president_name"] == "Membre 04"
    assert (vote.result["winners"], vote.result["decided_by"]) == ([choice], "tie_break")
    assert vote.tie_break_reason == services.PRESIDENT_REASON


@pytest.mark.django_db
def test_a_secret_ballot_has_no_casting_vote_even_from_the_president(meeting):
    open_with(meeting, president=meeting.members[4])
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting, secret=True).pk)
    services.ballot_cast(actor=meeting.members[4], vote_id=vote.pk, content={"choice": "for"})
    services.ballot_cast(actor=meeting.official, vote_id=vote.pk, content={"choice": "against"})

    result = services.vote_close(actor=meeting.official, vote_id=vote.pk).result

    assert result["winners"] != ["for"]
    assert result["decided_by"] is None


@pytest.mark.django_db
def test_a_namesake_of_the_president_does_not_hide_their_casting_vote(meeting):
    """Ballots by name carry names, which two electors may share: the president's receipt is noted when cast."""
    namesake = meeting.members[8]
    namesake.display_name = "Membre 04"
    namesake.save(update_fields=["display_name"])
    open_with(meeting, president=meeting.members[4])

    vote = tied_vote_by_name(meeting, president_choice="for")

    assert (vote.result["winners"], vote.result["decided_by"]) == (["for"], "tie_break")


@pytest.mark.django_db
def test_the_president_s_casting_vote_cast_in_a_batch_of_the_room_counts_too(meeting):
    from council.voting.ballots import batch

    open_with(meeting, president=meeting.members[4])
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting, secret=False).pk)
    outcomes = batch.ballots_cast([
        batch.CastSent(actor=person, vote_id=vote.pk, content={"choice": choice}, tracker=None, room_id=None, language="en")
        for person, choice in ((meeting.official, "for"), (meeting.members[4], "against"))
    ])
    closed = services.vote_close(actor=meeting.official, vote_id=vote.pk)

    assert closed.sitting["president_tracker"] == outcomes[1]["tracker"]
    assert (closed.result["winners"], closed.result["decided_by"]) == (["against"], "tie_break")


@pytest.mark.django_db
def test_changing_the_president_is_audited_and_applies_to_the_next_vote(meeting):
    sitting = open_with(meeting, president=meeting.official)

    assembly.sitting_president_set(actor=meeting.official, room_id=meeting.room.pk, user_id=meeting.members[4].pk)
    assembly.sitting_president_set(actor=meeting.official, room_id=meeting.room.pk, user_id=meeting.members[4].pk)

    entries = AuditEntry.objects.filter(action=AuditEntry.Action.PRESIDENT_CHANGED)
    assert [(e.actor_id, e.target_id, e.council_id, e.details) for e in entries] == [
        (
            meeting.official.pk,
            sitting.pk,
            meeting.council.pk,
            {
                "from": {"id": meeting.official.pk, "name": "Fanny Facilitatrice"},
                "to": {"id": meeting.members[4].pk, "name": "Membre 04"},
            },
        )
    ]  # choosing the same person again records nothing
    vote = tied_vote_by_name(meeting, president_choice="against")
    assert (vote.result["winners"], vote.sitting["president_id"]) == (["against"], meeting.members[4].pk)


@pytest.mark.django_db
def test_the_president_is_a_member_in_office_and_chosen_by_those_who_run_the_sitting(meeting):
    with pytest.raises(InvalidInput) as refused:
        assembly.sitting_open(actor=meeting.official, room_id=meeting.room.pk, president_id=meeting.resident.pk)
    assert refused.value.code == "not_in_office"
    assert not Sitting.objects.exists()

    open_with(meeting, president=meeting.official)
    with pytest.raises(AccessDenied):
        assembly.sitting_president_set(actor=meeting.members[0], room_id=meeting.room.pk, user_id=meeting.members[0].pk)
    with pytest.raises(InvalidInput):
        assembly.sitting_president_set(actor=meeting.official, room_id=meeting.room.pk, user_id=meeting.resident.pk)
    assert Sitting.objects.get().president_id == meeting.official.pk
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PRESIDENT_CHANGED).exists()


@pytest.mark.django_db
def test_without_a_president_named_the_opener_presides_if_in_office(meeting):
    assembly.sitting_open(actor=meeting.official, room_id=meeting.room.pk)
    assert Sitting.objects.get().president_id == meeting.official.pk


@pytest.mark.django_db
def test_the_minutes_and_the_sign_in_sheet_name_the_president(client, meeting):
    sitting = open_with(meeting, president=meeting.members[4])
    client.force_login(meeting.official)
    sheet = client.get(reverse("assembly-sign-in", args=[meeting.council.slug, sitting.pk])).content.decode()
    assert '<p id="sitting-president">Présidée par Membre 04.</p>' in sheet  # French first

    vote = tied_vote_by_name(meeting, president_choice="for")
    page = client.get(
        reverse("vote-minutes", kwargs={"council_slug": meeting.council.slug, "vote_id": vote.pk})
    ).content.decode()
    assert "La voix du président, Membre 04, est prépondérante" in page
    assert "voix prépondérante du président, CGCT L2121-20" in page  # the result says the tie was broken so


@pytest.mark.django_db(transaction=True)
async def test_the_room_sees_the_president_change(meeting):
    await database_sync_to_async(assembly.sitting_open)(actor=meeting.official, room_id=meeting.room.pk)
    official_socket, snapshot = await connect(room_path(meeting.room.pk), user=meeting.official)
    member_socket, _ = await connect(room_path(meeting.room.pk), user=meeting.members[0])
    assert snapshot["payload"]["assembly"]["sitting"]["president"] == {
        "id": meeting.official.pk,
        "name": "Fanny Facilitatrice",
    }

    await official_socket.send_json_to(command("assembly.set_president", "p1", user_id=meeting.members[4].pk))
    assert (await answer_to(official_socket, "p1"))["type"] == "ack"
    state = await next_frame_of(member_socket, "assembly.quorum_changed")
    while state["payload"]["sitting"]["president"]["id"] != meeting.members[4].pk:
        state = await next_frame_of(member_socket, "assembly.quorum_changed")
    assert state["payload"]["sitting"]["president"] == {"id": meeting.members[4].pk, "name": "Membre 04"}

    await member_socket.send_json_to(command("assembly.set_president", "p2", user_id=meeting.members[0].pk))
    answer = await answer_to(member_socket, "p2")
    assert (answer["type"], answer["payload"]["code"]) == ("error", "forbidden")
    await official_socket.disconnect()
    await member_socket.disconnect()
