"""Votes open and close on time through the server's one deadline sweep (council/core/deadlines.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from council.core import deadlines
from council.voting.ballots import services
from council.voting.ballots.models import Vote

pytestmark = pytest.mark.django_db


def test_the_sweep_opens_a_frozen_vote_and_closes_it_with_its_count_once(make_vote):
    start = timezone.now() + timedelta(minutes=5)
    end = start + timedelta(hours=1)
    vote, (alice, *_rest) = make_vote(stage="frozen", opens_at=start, closes_at=end)

    assert deadlines.deadline_next() == start
    assert deadlines.deadlines_apply(now=start - timedelta(seconds=1)) == 0
    assert deadlines.deadlines_apply(now=start) == 1
    assert Vote.objects.get(pk=vote.pk).status == "open"
    assert deadlines.deadline_next() == end

    services.ballot_cast(actor=alice, vote_id=vote.pk, content={"choice": "for"})
    applied = [deadlines.deadlines_apply(now=end) for _ in range(2)]

    closed = Vote.objects.get(pk=vote.pk)
    assert applied == [1, 0]
    assert closed.status == "closed"
    assert closed.result["winners"] == ["for"]
    assert deadlines.deadline_next() is None


def test_a_draft_vote_does_not_open_by_itself(make_vote):
    start = timezone.now() - timedelta(minutes=1)
    vote, _electors = make_vote(stage="draft", opens_at=start)

    assert deadlines.deadlines_apply(now=timezone.now()) == 0
    assert Vote.objects.get(pk=vote.pk).status == "draft"


def test_a_page_never_shows_a_vote_open_after_its_closing_time(client, make_vote):
    vote, (alice, *_rest) = make_vote(closes_at=timezone.now() + timedelta(hours=1))
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    client.force_login(alice)

    page = client.get(f"/c/{vote.council.slug}/votes/{vote.pk}/")

    assert page.context["vote"].status == "closed"
