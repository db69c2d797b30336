"""Casts committed as batches give every voter what casting alone would have: one ballot each."""

import pytest
from django.db import DatabaseError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.voting.ballots import batch
from council.voting.ballots import services
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import PendingBallot
from council.voting.ballots.selectors import participation_count

pytestmark = pytest.mark.django_db

FOR = {"choice": "for"}
AGAINST = {"choice": "against"}


def sent(person, vote, content, tracker=None, language="en"):
    return batch.CastSent(actor=person, vote_id=vote.pk, content=content, tracker=tracker, room_id=None, language=language)


def ballots_of(vote):
    rows = [*PendingBallot.objects.filter(vote=vote), *BoxEntry.objects.filter(vote=vote)]
    return sorted((row.tracker, row.content["choice"]) for row in rows)


def test_each_cast_of_a_batch_is_counted_or_refused_alone(make_vote, council_factory, user_with_role):
    vote, (ana, bob, chloe, dan, eve) = make_vote(voters=5)
    stranger = user_with_role("member", council_factory())
    services.ballot_cast(actor=dan, vote_id=vote.pk, content=FOR, tracker="D" * 26)  # before the batch

    outcomes = batch.ballots_cast([
        sent(ana, vote, FOR, "a" * 26),  # lower case is read as upper case
        sent(bob, vote, {"choice": "maybe"}, "B" * 26),  # not an option
        sent(stranger, vote, FOR, "S" * 26),  # not in the electorate
        sent(chloe, vote, AGAINST, "not-a-receipt"),
        sent(dan, vote, FOR, "D" * 26),  # his retry: the same receipt, counted once
        sent(eve, vote, FOR, "E" * 26),
        sent(eve, vote, AGAINST, "F" * 26),  # twice in the same batch: the first stands
        sent(chloe, vote, AGAINST, "A" * 26, language="fr"),  # Ana's receipt number
        sent(bob, vote, AGAINST, None),  # the server makes the receipt
    ])

    assert outcomes[0] == {"tracker": "A" * 26}
    assert isinstance(outcomes[1], InvalidInput)
    assert outcomes[1].message.startswith("This ballot is not valid")
    assert isinstance(outcomes[2], AccessDenied)
    assert isinstance(outcomes[3], InvalidInput)
    assert outcomes[3].message == "This receipt number is not well formed."
    assert outcomes[4] == {"tracker": "D" * 26}
    assert outcomes[5] == {"tracker": "E" * 26}
    assert isinstance(outcomes[6], InvalidInput)
    assert outcomes[6].code == "already_voted"
    assert isinstance(outcomes[7], InvalidInput)
    assert outcomes[7].code == "tracker_taken"
    assert outcomes[7].message == "Ce numéro de reçu est déjà pris\u00a0; réessayez avec un nouveau."
    bob_tracker = outcomes[8]["tracker"]
    assert ballots_of(vote) == sorted([("A" * 26, "for"), ("D" * 26, "for"), ("E" * 26, "for"), (bob_tracker, "against")])
    assert participation_count(vote) == 4  # one ballot per participation, nobody twice


def test_a_batch_costs_the_same_queries_for_ten_casts_as_for_a_hundred(make_vote, monkeypatch):
    vote, people = make_vote(voters=110)
    # the participation update and the box's shuffled batch are due once an interval anyway, not per batch
    monkeypatch.setattr(batch.participation, "announce_soon", lambda vote_id, room_id=None: False)

    captured_sql = []

    def queries_of(crowd):
        with CaptureQueriesContext(connection) as captured:
            outcomes = batch.ballots_cast([sent(person, vote, FOR) for person in crowd])
        captured_sql.append([query["sql"][:80] for query in captured.captured_queries])
        assert all(isinstance(outcome, dict) for outcome in outcomes)
        return len(captured.captured_queries)

    small, large = queries_of(people[:10]), queries_of(people[10:])
    assert small == large, f"a query per cast crept into the batch: {captured_sql}"
    assert large <= 12
    assert participation_count(vote) == 110
    assert len(ballots_of(vote)) == 110


def test_a_batch_failing_as_a_whole_is_cast_one_by_one(make_vote, monkeypatch):
    vote, people = make_vote(voters=3)

    def broken(vote, trackers):
        raise DatabaseError("deadlock detected")

    monkeypatch.setattr(batch.BOX, "trackers_taken", broken)  # the batch's own statement; casting alone does not use it
    outcomes = batch.ballots_cast([sent(person, vote, AGAINST) for person in people])
    assert [sorted(outcome) for outcome in outcomes] == [["tracker"]] * 3
    assert participation_count(vote) == 3
    assert [choice for _, choice in ballots_of(vote)] == ["against"] * 3
