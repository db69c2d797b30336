"""The box: shuffled batches, the hash chain and its head, the count at closing, the publication."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.db.utils import InternalError

from council.core.errors import InvalidInput
from council.voting.ballots import services
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import PendingBallot
from council.voting.ballots.selectors import box_publication
from council.voting.tally.chain import genesis
from council.voting.tally.chain import link

pytestmark = pytest.mark.django_db
RECOUNT = Path(__file__).resolve().parents[3] / "tools" / "recount.py"


def _approval_vote(make_vote, voters: int):
    options = [(f"o{n}", f"Projet {n}") for n in range(voters)]
    return make_vote(voters=voters, method="approval", options=options)


def test_ballots_wait_for_a_batch_then_enter_the_box_shuffled(make_vote, official, settings):
    settings.VOTE_BATCH_MIN = 10
    vote, electors = _approval_vote(make_vote, 30)
    cast_order = [f"o{number}" for number in range(30)]

    for number, elector in enumerate(electors[:19]):
        services.ballot_cast(actor=elector, vote_id=vote.pk, content={"approved": [f"o{number}"]})
    assert (PendingBallot.objects.filter(vote=vote).count(), BoxEntry.objects.filter(vote=vote).count()) == (19, 0)
    services.ballot_cast(actor=electors[19], vote_id=vote.pk, content={"approved": ["o19"]})
    assert (PendingBallot.objects.filter(vote=vote).count(), BoxEntry.objects.filter(vote=vote).count()) == (10, 10)
    for number, elector in enumerate(electors[20:], start=20):
        services.ballot_cast(actor=elector, vote_id=vote.pk, content={"approved": [f"o{number}"]})
    services.vote_close(actor=official, vote_id=vote.pk)

    box_order = [entry.content["approved"][0] for entry in BoxEntry.objects.filter(vote=vote).order_by("position")]
    # Batches of ten drawn from twenty pending, the last ten at closing: the first batch holds
    # only ballots of the first twenty cast, and the box is not in casting order.
    assert sorted(box_order) == sorted(cast_order)
    assert box_order != cast_order
    assert set(box_order[:10]) <= set(cast_order[:20])


def test_the_chain_links_every_ballot_and_the_head_is_kept_on_the_vote(make_vote, official, settings):
    settings.VOTE_BATCH_MIN = 2
    vote, electors = make_vote(voters=5)
    assert vote.head == genesis(str(vote.public_id))

    for elector in electors:
        services.ballot_cast(actor=elector, vote_id=vote.pk, content={"choice": "for"})
    services.vote_close(actor=official, vote_id=vote.pk)

    vote.refresh_from_db()
    current = genesis(str(vote.public_id))
    for entry in BoxEntry.objects.filter(vote=vote).order_by("position"):
        current = link(current, {"tracker": entry.tracker, "content": entry.content})
        assert entry.hash == current
    assert vote.head == current
    assert PendingBallot.objects.filter(vote=vote).count() == 0


def test_the_database_refuses_to_change_a_ballot_in_the_box(make_vote, official):
    vote, (alice, *_rest) = make_vote()
    services.ballot_cast(actor=alice, vote_id=vote.pk, content={"choice": "for"})
    services.vote_close(actor=official, vote_id=vote.pk)

    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        BoxEntry.objects.filter(vote=vote).update(content={"choice": "against"})


def test_closing_counts_and_publishing_gives_the_box_format(make_vote, official):
    vote, (alice, bob, carol) = make_vote()
    for person, choice in ((alice, "for"), (bob, "for"), (carol, "against")):
        services.ballot_cast(actor=person, vote_id=vote.pk, content={"choice": choice})

    services.vote_close(actor=official, vote_id=vote.pk)
    vote = services.vote_publish(actor=official, vote_id=vote.pk)
    published = box_publication(vote)

    assert published["format"] == "council-ballot-box/1"
    assert published["vote"]["id"] == str(vote.public_id)
    assert published["vote"]["electorate"] == {"size": 4, "fingerprint": vote.electorate_fingerprint}
    assert published["participation"] == 3
    assert len(published["ballots"]) == 3
    assert published["head"] == published["ballots"][-1]["hash"] == vote.head
    assert published["result"]["winners"] == ["for"]
    assert set(published["ballots"][0]) == {"tracker", "content", "hash"}  # no voter in a secret vote


def test_only_an_open_vote_closes_and_only_a_counted_one_is_published(make_vote, official):
    vote, _electors = make_vote(stage="frozen")

    with pytest.raises(InvalidInput):
        services.vote_close(actor=official, vote_id=vote.pk)
    with pytest.raises(InvalidInput):
        services.vote_publish(actor=official, vote_id=vote.pk)


@pytest.mark.skipif(not RECOUNT.exists(), reason="tools/recount.py comes with the tally branch")
def test_the_independent_recount_agrees_and_refuses_a_tampered_copy(make_vote, official, tmp_path):
    vote, electors = make_vote(voters=4, method="instant_runoff", options=[("a", "A"), ("b", "B"), ("c", "C")])
    rankings = [["a", "b"], ["b", "a"], ["c", "b"], ["a", "c"]]
    receipts = [
        services.ballot_cast(actor=person, vote_id=vote.pk, content={"ranking": ranking}).tracker
        for person, ranking in zip(electors, rankings, strict=True)
    ]
    services.vote_close(actor=official, vote_id=vote.pk)
    vote = services.vote_publish(actor=official, vote_id=vote.pk)
    published = box_publication(vote)
    good, bad = tmp_path / "box.json", tmp_path / "tampered.json"
    good.write_text(json.dumps(published), encoding="utf-8")
    published["ballots"][0]["content"] = {"ranking": ["c"]}
    bad.write_text(json.dumps(published), encoding="utf-8")

    agreed = subprocess.run([sys.executable, RECOUNT, good, "--tracker", receipts[0]], capture_output=True, text=True, check=False)
    refused = subprocess.run([sys.executable, RECOUNT, bad], capture_output=True, text=True, check=False)

    assert agreed.returncode == 0, agreed.stdout + agreed.stderr
    assert receipts[0] in agreed.stdout
    assert refused.returncode == 1
