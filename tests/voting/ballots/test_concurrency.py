"""Two hundred electors casting at once against PostgreSQL: each counted once, none lost, none doubled."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from council.voting.ballots import services
from council.voting.ballots.box import tracker_new
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import Participation
from council.voting.ballots.models import PendingBallot

ELECTORS = 200
WORKERS = 24  # connections at once: the test database is shared with other runs


@pytest.mark.django_db(transaction=True)
def test_every_elector_counted_once_with_retries_mixed_in(make_vote, official, settings):
    settings.VOTE_BATCH_MIN = 10
    vote, electors = make_vote(voters=ELECTORS)
    casts = [(person, tracker_new(), {"choice": "for" if n % 3 else "against"}) for n, person in enumerate(electors)]
    # Every fourth elector's cast is sent twice (a client retrying after a lost acknowledgement).
    attempts = casts + casts[::4]

    def cast(attempt):
        person, tracker, content = attempt
        try:
            return services.ballot_cast(actor=person, vote_id=vote.pk, content=content, tracker=tracker).tracker
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        receipts = list(pool.map(cast, attempts))

    in_box = list(BoxEntry.objects.filter(vote=vote).values_list("tracker", flat=True))
    pending = list(PendingBallot.objects.filter(vote=vote).values_list("tracker", flat=True))
    assert receipts == [tracker for _person, tracker, _content in attempts]
    assert Participation.objects.filter(vote=vote).count() == ELECTORS
    assert len(in_box) + len(pending) == ELECTORS
    assert sorted(in_box + pending) == sorted(tracker for _person, tracker, _content in casts)
    assert len(in_box) >= settings.VOTE_BATCH_MIN  # batches flowed into the box while casting

    closed = services.vote_close(actor=official, vote_id=vote.pk)

    assert BoxEntry.objects.filter(vote=vote).count() == ELECTORS
    assert closed.result["ballots"] == ELECTORS
