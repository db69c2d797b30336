"""Binding votes held in a sitting: quorum before opening, proxies in casting, modes and tie-breaks.

Ten members in office (conftest): the quorum is six (CGCT L2121-17).
"""

import io
import json
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from council.core.errors import InvalidInput
from council.voting.assembly import selectors
from council.voting.assembly import services as assembly
from council.voting.assembly.models import QuorumCheck
from council.voting.assembly.models import VoteModeRequest
from council.voting.ballots import services
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import Participation
from council.voting.ballots.models import PendingBallot
from council.voting.ballots.models import Vote
from council.voting.ballots.selectors import box_publication
from council.voting.ballots.services import VoteDraft
from tests.voting.assembly.conftest import sign_in

pytestmark = pytest.mark.django_db
RECOUNT = Path(__file__).resolve().parents[3] / "tools" / "recount.py"


def frozen_vote(meeting, **fields):
    fields.setdefault("title", "Budget du quartier")
    fields.setdefault("method", "majority_absolute")
    vote = services.vote_create(
        actor=meeting.official,
        council=meeting.council,
        draft=VoteDraft(room_id=meeting.room.pk, **fields),
    )
    return services.vote_freeze(actor=meeting.official, vote_id=vote.pk)


def give(grantor, holder, council, days=2):
    return assembly.proxy_give(
        actor=grantor,
        council=council,
        holder_id=holder.pk,
        statement="Je donne pouvoir.",
        valid_until=timezone.now() + timedelta(days=days),
    )


def ballots_in_box(vote):
    return (
        BoxEntry.objects.filter(vote=vote).count() + PendingBallot.objects.filter(vote=vote).count()
    )


# -- 1. the quorum before opening


def test_without_quorum_the_vote_does_not_open_and_the_check_is_kept(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:5])  # 5 of 10: 6 needed
    vote = frozen_vote(meeting)
    checks = QuorumCheck.objects.filter(sitting=sitting).count()

    with pytest.raises(InvalidInput) as refused:
        services.vote_open(actor=meeting.official, vote_id=vote.pk)

    assert refused.value.code == "no_quorum"
    assert "5" in refused.value.message
    assert "6" in refused.value.message
    vote.refresh_from_db()
    assert vote.status == Vote.Status.FROZEN
    last = QuorumCheck.objects.filter(sitting=sitting).order_by("-pk").first()
    assert QuorumCheck.objects.filter(sitting=sitting).count() == checks + 1
    assert (last.present_counted, last.required, last.met) == (5, 6, False)


def test_with_quorum_the_vote_opens_and_records_the_sitting(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting, secret=False).pk)

    assert vote.status == Vote.Status.OPEN
    assert vote.sitting["sitting_id"] == sitting.pk
    assert vote.sitting["quorum"] | {"checked_at": None} == {
        "present": 6,
        "required": 6,
        "met": True,
        "without_quorum_allowed": False,
        "checked_at": None,
    }
    assert vote.sitting["president_id"] == meeting.official.pk
    assert (vote.sitting["mode"], vote.sitting["mode_reason"]) == ("public", "as_prepared")


def test_a_reconvened_sitting_opens_the_vote_without_quorum(meeting):
    start = timezone.now()
    with freeze_time(start):
        assembly.sitting_open(actor=meeting.official, room_id=meeting.room.pk)
        first = meeting.room.sittings.get()
        assembly.sitting_close(actor=meeting.official, room_id=meeting.room.pk)
    with freeze_time(start + timedelta(days=3)):
        assembly.sitting_open(
            actor=meeting.official, room_id=meeting.room.pk, reconvened_from_id=first.pk
        )
        vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting).pk)

    assert vote.status == Vote.Status.OPEN
    assert vote.sitting["quorum"]["met"] is False
    assert vote.sitting["quorum"]["without_quorum_allowed"] is True


def test_a_vote_in_a_room_without_sitting_opens_as_before(meeting):
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting).pk)
    assert vote.status == Vote.Status.OPEN
    assert vote.sitting is None


def test_present_only_asks_the_sitting_who_is_in_the_hall(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    vote = services.vote_open(
        actor=meeting.official, vote_id=frozen_vote(meeting, present_only=True).pk
    )

    services.ballot_cast(actor=meeting.members[0], vote_id=vote.pk, content={"choice": "for"})
    with pytest.raises(InvalidInput) as refused:
        services.ballot_cast(actor=meeting.members[8], vote_id=vote.pk, content={"choice": "for"})
    assert refused.value.code == "not_present"


# -- 2. proxies in casting


@pytest.fixture
def with_proxy(meeting, sitting):
    """Members 0-5 and the official in the hall; member 8 gave a proxy to member 0."""
    holder, grantor = meeting.members[0], meeting.members[8]
    proxy = give(grantor, holder, meeting.council)
    sign_in(sitting, meeting.official, [meeting.official, *meeting.members[:5]])
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting).pk)
    return vote, holder, grantor, proxy


def test_a_holder_casts_for_themself_and_the_grantor_in_one_action(with_proxy):
    vote, holder, grantor, _proxy = with_proxy

    receipt = services.ballot_cast(
        actor=holder, vote_id=vote.pk, content={"choice": "for"}, for_grantors=[grantor.pk]
    )

    ack = receipt.ack()
    assert [p["grantor"] for p in ack["proxies"]] == [grantor.pk]
    assert ack["proxies"][0]["tracker"] != ack["tracker"]
    assert ack["refused"] == []
    kinds = sorted(Participation.objects.filter(vote=vote).values_list("kind", flat=True))
    assert kinds == ["online", "proxy"]
    assert ballots_in_box(vote) == Participation.objects.filter(vote=vote).count() == 2
    closed = services.vote_close(actor=meeting_official(vote), vote_id=vote.pk)
    assert closed.result["counts"] == {"for": 2, "against": 0}


def meeting_official(vote):
    from council.accounts.models import User

    return User.objects.get(pk=vote.sitting["president_id"])


def test_a_grantor_who_voted_is_refused_and_nothing_else_is_lost(with_proxy, meeting):
    vote, holder, grantor, _proxy = with_proxy
    # the grantor voted themself before the proxy took effect in the hall (online, not in the hall)
    services.ballot_cast(actor=grantor, vote_id=vote.pk, content={"choice": "against"})

    receipt = services.ballot_cast(
        actor=holder, vote_id=vote.pk, content={"choice": "for"}, for_grantors=[grantor.pk]
    )

    assert receipt.ack()["refused"] == [
        {"grantor": grantor.pk, "code": "already_voted", "message": receipt.proxies[0].message}
    ]
    assert receipt.ack()["proxies"] == []
    assert Participation.objects.filter(vote=vote).count() == ballots_in_box(vote) == 2


def test_a_revoked_proxy_is_refused(with_proxy):
    vote, holder, grantor, proxy = with_proxy
    assembly.proxy_revoke(actor=grantor, proxy_id=proxy.pk)

    receipt = services.ballot_cast(
        actor=holder, vote_id=vote.pk, content={"choice": "for"}, for_grantors=[grantor.pk]
    )

    assert receipt.ack()["refused"][0]["code"] == "no_proxy"
    assert Participation.objects.filter(vote=vote).count() == ballots_in_box(vote) == 1


def test_an_expired_proxy_is_refused(with_proxy):
    vote, holder, grantor, _proxy = with_proxy
    with freeze_time(timezone.now() + timedelta(days=3)):
        receipt = services.ballot_cast(
            actor=holder, vote_id=vote.pk, content={"choice": "for"}, for_grantors=[grantor.pk]
        )
    assert receipt.ack()["refused"][0]["code"] == "no_proxy"
    assert Participation.objects.filter(vote=vote, kind=Participation.Kind.PROXY).count() == 0


def test_a_proxy_from_someone_else_is_refused(with_proxy, meeting):
    vote, holder, _grantor, _proxy = with_proxy
    other = meeting.members[7]
    receipt = services.ballot_cast(
        actor=holder, vote_id=vote.pk, content={"choice": "for"}, for_grantors=[other.pk]
    )
    assert receipt.ack()["refused"][0]["code"] == "no_proxy"


def test_a_holder_casts_a_ballot_of_its_own_for_the_grantor_each_counted_once(with_proxy):
    vote, holder, grantor, _proxy = with_proxy
    services.ballot_cast(actor=holder, vote_id=vote.pk, content={"choice": "for"})

    theirs = services.ballot_cast_for_grantor(
        actor=holder, vote_id=vote.pk, grantor_id=grantor.pk, content={"choice": "against"}
    )
    again = services.ballot_cast_for_grantor(  # a retry after a lost answer: the same receipt
        actor=holder, vote_id=vote.pk, grantor_id=grantor.pk, content={"choice": "against"}, tracker=theirs.tracker
    )

    assert (again.tracker, again.repeated) == (theirs.tracker, True)
    with pytest.raises(InvalidInput) as refused:  # no second ballot for the grantor
        services.ballot_cast_for_grantor(actor=holder, vote_id=vote.pk, grantor_id=grantor.pk, content={"choice": "for"})
    assert refused.value.code == "already_voted"
    kinds = sorted(Participation.objects.filter(vote=vote).values_list("kind", flat=True))
    assert kinds == ["online", "proxy"]
    assert ballots_in_box(vote) == 2
    # secret: no name, and nothing but the vote shared with the participations
    assert set(PendingBallot.objects.filter(vote=vote).values_list("voter_name", flat=True)) <= {""}
    closed = services.vote_close(actor=meeting_official(vote), vote_id=vote.pk)
    assert closed.result["counts"] == {"for": 1, "against": 1}
    assert theirs.tracker in {entry.tracker for entry in BoxEntry.objects.filter(vote=vote)}


def test_a_holder_may_cast_the_grantors_ballot_first_and_each_grantor_alone(with_proxy, meeting):
    vote, holder, grantor, _proxy = with_proxy
    services.ballot_cast_for_grantor(actor=holder, vote_id=vote.pk, grantor_id=grantor.pk, content={"blank": True})
    assert Participation.objects.filter(vote=vote).count() == 1  # the holder's own vote is untouched
    with pytest.raises(InvalidInput) as refused:
        services.ballot_cast_for_grantor(
            actor=holder, vote_id=vote.pk, grantor_id=meeting.members[7].pk, content={"choice": "for"}
        )
    assert refused.value.code == "no_proxy"
    with pytest.raises(InvalidInput):  # a malformed ballot is refused before anything is recorded
        services.ballot_cast_for_grantor(actor=holder, vote_id=vote.pk, grantor_id=grantor.pk, content={"choice": "maybe"})
    assert Participation.objects.filter(vote=vote).count() == ballots_in_box(vote) == 1


def test_a_revoked_proxy_refuses_the_grantors_own_ballot(with_proxy):
    vote, holder, grantor, proxy = with_proxy
    assembly.proxy_revoke(actor=grantor, proxy_id=proxy.pk)
    with pytest.raises(InvalidInput) as refused:
        services.ballot_cast_for_grantor(actor=holder, vote_id=vote.pk, grantor_id=grantor.pk, content={"choice": "for"})
    assert refused.value.code == "no_proxy"
    assert Participation.objects.filter(vote=vote).count() == 0


def test_the_page_offers_a_ballot_per_grantor_and_hands_its_receipt(with_proxy, client):
    vote, holder, grantor, _proxy = with_proxy
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(holder)
    page_url = reverse("vote-detail", args=[vote.council.slug, vote.pk])
    cast_url = reverse("vote-cast", args=[vote.council.slug, vote.pk])

    page = client.get(page_url).text
    assert f'name="for_grantor" value="{grantor.pk}"' in page
    assert f'id="grantor-{grantor.pk}-choice-against"' in page  # its own fields, labelled apart

    refused = client.post(cast_url, {"for_grantor": grantor.pk, "choice": "maybe"})
    assert refused.status_code == 400
    assert "This ballot is not valid" in refused.text
    received = client.post(cast_url, {"for_grantor": grantor.pk, "choice": "against", "tracker": ""})
    assert received.status_code == 200
    receipt = received.text.split('id="receipt"', 1)[1].split(">", 1)[1].split("<", 1)[0].strip()
    assert PendingBallot.objects.filter(vote=vote, tracker=receipt, content={"choice": "against"}).exists()
    assert "Give this number to" in received.text
    assert Participation.objects.get(vote=vote).kind == "proxy"
    own = client.get(page_url).text  # the grantor has voted: their form is gone, the holder's stays
    assert 'name="for_grantor"' not in own
    assert "Cast my vote" in own


def test_a_holder_holds_one_proxy_by_default(meeting, sitting):
    holder = meeting.members[0]
    give(meeting.members[8], holder, meeting.council)
    with pytest.raises(InvalidInput) as refused:
        give(meeting.members[7], holder, meeting.council)
    assert refused.value.code == "proxy_limit"


def test_proxies_do_not_count_toward_the_quorum(meeting, sitting):
    for grantor, holder in zip(meeting.members[5:9], meeting.members[:4], strict=True):
        give(grantor, holder, meeting.council)
    sign_in(
        sitting, meeting.official, meeting.in_office[:5]
    )  # 5 present, 4 proxies: still 5 counted

    assert selectors.quorum_status(sitting).present_counted == 5
    with pytest.raises(InvalidInput) as refused:
        services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting).pk)
    assert refused.value.code == "no_quorum"


# -- 3. modes and tie-breaks


def ask(meeting, people, kind):
    for person in people:
        assembly.vote_mode_request(actor=person, room_id=meeting.room.pk, kind=kind)


def test_a_quarter_asking_makes_a_roll_call_vote(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:8])
    ask(meeting, meeting.members[:2], "roll_call")  # 2 of 8

    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting, secret=True).pk)

    assert (vote.secret, vote.sitting["mode"], vote.sitting["mode_reason"]) == (
        False,
        "roll_call",
        "roll_call_requested",
    )
    assert not VoteModeRequest.objects.filter(
        sitting=sitting
    ).exists()  # the next vote starts afresh
    services.ballot_cast(actor=meeting.members[0], vote_id=vote.pk, content={"choice": "for"})
    services.vote_close(actor=meeting.official, vote_id=vote.pk)
    assert list(BoxEntry.objects.filter(vote=vote).values_list("voter_name", flat=True)) == [
        "Membre 00"
    ]


def test_a_third_asking_makes_a_secret_ballot_over_a_roll_call(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    ask(meeting, meeting.members[:2], "secret")  # 2 of 6
    ask(meeting, meeting.members[2:4], "roll_call")

    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting, secret=False).pk)

    assert (vote.secret, vote.sitting["mode"], vote.sitting["mode_reason"]) == (
        True,
        "secret",
        "secret_requested",
    )


def test_an_appointment_is_secret(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    vote = frozen_vote(
        meeting, appointment=True, secret=False, options=[("alice", "Alice"), ("bruno", "Bruno")]
    )
    assert vote.secret is True
    vote = services.vote_open(actor=meeting.official, vote_id=vote.pk)
    assert (vote.secret, vote.sitting["mode_reason"]) == (True, "appointment")


def test_a_tie_in_a_vote_by_name_goes_the_way_the_president_voted(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting, secret=False).pk)
    services.ballot_cast(actor=meeting.official, vote_id=vote.pk, content={"choice": "for"})
    services.ballot_cast(actor=meeting.members[0], vote_id=vote.pk, content={"choice": "against"})

    result = services.vote_close(actor=meeting.official, vote_id=vote.pk).result

    assert (result["winners"], result["decided_by"]) == (["for"], "tie_break")
    assert any(
        n["params"].get("reason") == services.PRESIDENT_REASON for n in result["explanation"]
    )


def test_a_tie_in_a_secret_ballot_has_no_casting_vote(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    vote = frozen_vote(
        meeting, secret=True, tie_break=["for", "against"], tie_break_reason="le président"
    )
    vote = services.vote_open(actor=meeting.official, vote_id=vote.pk)
    services.ballot_cast(actor=meeting.official, vote_id=vote.pk, content={"choice": "for"})
    services.ballot_cast(actor=meeting.members[0], vote_id=vote.pk, content={"choice": "against"})

    result = services.vote_close(actor=meeting.official, vote_id=vote.pk).result

    assert result["winners"] != ["for"]
    assert result["decided_by"] is None


def test_a_tied_appointment_goes_to_the_oldest_candidate(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    vote = frozen_vote(
        meeting,
        method="majority_simple",
        appointment=True,
        options=[("alice", "Alice"), ("bruno", "Bruno")],
        tie_break=["bruno", "alice"],  # Bruno is the elder
    )
    vote = services.vote_open(actor=meeting.official, vote_id=vote.pk)
    services.ballot_cast(actor=meeting.official, vote_id=vote.pk, content={"choice": "alice"})
    services.ballot_cast(actor=meeting.members[0], vote_id=vote.pk, content={"choice": "bruno"})

    result = services.vote_close(actor=meeting.official, vote_id=vote.pk).result

    assert (result["winners"], result["decided_by"]) == (["bruno"], "tie_break")
    assert any(n["params"].get("reason") == services.OLDEST_REASON for n in result["explanation"])


# -- pages: the form with proxies, the minutes


def _url(name, vote):
    return reverse(name, kwargs={"council_slug": vote.council.slug, "vote_id": vote.pk})


def test_a_post_naming_several_grantors_still_casts_the_same_ballot_for_each(client, with_proxy):
    """The page offers a ballot per grantor (above); a form posting for_grantors still works."""
    vote, holder, grantor, _proxy = with_proxy
    client.force_login(holder)

    receipt = client.post(_url("vote-cast", vote), {"choice": "for", "for_grantors": [str(grantor.pk)]})

    assert receipt.status_code == 200
    assert "Membre 08" in receipt.content.decode()
    assert Participation.objects.filter(vote=vote, kind=Participation.Kind.PROXY).count() == 1


def test_the_minutes_come_after_closing_with_the_roll_call(client, meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:8])
    ask(meeting, meeting.members[:2], "roll_call")
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting).pk)
    services.ballot_cast(actor=meeting.members[0], vote_id=vote.pk, content={"choice": "for"})
    client.force_login(meeting.official)
    assert client.get(_url("vote-minutes", vote)).status_code == 404

    services.vote_close(actor=meeting.official, vote_id=vote.pk)
    page = client.get(_url("vote-minutes", vote))
    odt = client.get(_url("vote-minutes-odt", vote))

    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="roll-call"' in text
    assert "Membre 00" in text
    assert "Fanny Facilitatrice" in text  # the president
    assert odt["Content-Type"] == "application/vnd.oasis.opendocument.text"
    with zipfile.ZipFile(io.BytesIO(odt.content)) as archive:
        content = archive.read("content.xml").decode()
    assert "Membre 00" in content
    assert vote.electorate_fingerprint in content
    client.force_login(meeting.members[3])
    assert client.get(_url("vote-minutes", vote)).status_code == 404  # not published yet


def test_the_deadline_sweep_records_a_failed_check_once_a_minute(meeting, sitting):
    vote = frozen_vote(meeting)
    checks = QuorumCheck.objects.filter(sitting=sitting).count()
    for _ in range(3):
        with pytest.raises(InvalidInput):
            services.vote_open(actor=None, vote_id=vote.pk)
    assert QuorumCheck.objects.filter(sitting=sitting).count() == checks + 1
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    assert services.vote_open(actor=None, vote_id=vote.pk).sitting["quorum"]["met"] is True
    assert QuorumCheck.objects.filter(sitting=sitting).count() == checks + 2


def test_the_independent_recount_finds_the_casting_vote_applied(meeting, sitting, tmp_path):
    sign_in(sitting, meeting.official, meeting.in_office[:6])
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting, secret=False).pk)
    services.ballot_cast(actor=meeting.official, vote_id=vote.pk, content={"choice": "for"})
    services.ballot_cast(actor=meeting.members[0], vote_id=vote.pk, content={"choice": "against"})
    services.vote_close(actor=meeting.official, vote_id=vote.pk)
    vote = services.vote_publish(actor=meeting.official, vote_id=vote.pk)
    box = tmp_path / "box.json"
    box.write_text(json.dumps(box_publication(vote)), encoding="utf-8")

    recount = subprocess.run([sys.executable, RECOUNT, box], capture_output=True, text=True, check=False)

    assert recount.returncode == 0, recount.stdout + recount.stderr
    assert vote.tie_break == ["for"]


def test_the_vote_page_says_the_mode_and_why(client, meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:8])
    ask(meeting, meeting.members[:2], "roll_call")
    vote = services.vote_open(actor=meeting.official, vote_id=frozen_vote(meeting).pk)
    client.force_login(meeting.members[0])

    page = client.get(_url("vote-detail", vote)).content.decode()

    assert "Scrutin public" in page or "scrutin public" in page
    assert "Demandes de scrutin public\u00a0: 2 sur 8 membres présents" in page
