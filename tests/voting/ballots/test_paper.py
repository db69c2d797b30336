"""Paper ballots: signed in the register, entered by one official, confirmed by another, audited."""

import pytest

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry
from council.voting.ballots import paper as paper_ballots
from council.voting.ballots import services
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import PendingBallot

pytestmark = pytest.mark.django_db


def _ballots(vote) -> list[dict]:
    return [*PendingBallot.objects.filter(vote=vote).values_list("content", flat=True),
            *BoxEntry.objects.filter(vote=vote).values_list("content", flat=True)]


def test_a_paper_ballot_reaches_the_box_once_a_second_official_confirms_it(make_vote, official, second_official):
    vote, (alice, *_rest) = make_vote()
    paper_ballots.paper_participation_mark(actor=official, vote_id=vote.pk, user_id=alice.pk)
    paper = paper_ballots.paper_ballot_enter(actor=official, vote_id=vote.pk, content={"choice": "against"})
    assert _ballots(vote) == []

    with pytest.raises(InvalidInput) as same:
        paper_ballots.paper_ballot_confirm(actor=official, paper_ballot_id=paper.pk)
    paper_ballots.paper_ballot_confirm(actor=second_official, paper_ballot_id=paper.pk)

    assert same.value.code == "same_official"
    assert _ballots(vote) == [{"choice": "against"}]
    actions = list(AuditEntry.objects.filter(council=vote.council).values_list("action", flat=True))
    assert {"ballots.paper_participation", "ballots.paper_entered", "ballots.paper_confirmed"} <= set(actions)


def test_someone_who_voted_on_paper_cannot_vote_online(make_vote, official):
    vote, (alice, *_rest) = make_vote()
    paper_ballots.paper_participation_mark(actor=official, vote_id=vote.pk, user_id=alice.pk)

    with pytest.raises(InvalidInput) as refused:
        services.ballot_cast(actor=alice, vote_id=vote.pk, content={"choice": "for"})
    with pytest.raises(InvalidInput):
        paper_ballots.paper_participation_mark(actor=official, vote_id=vote.pk, user_id=alice.pk)

    assert refused.value.code == "already_voted"


def test_never_more_paper_ballots_than_paper_voters(make_vote, official, second_official):
    vote, (alice, *_rest) = make_vote()
    paper_ballots.paper_participation_mark(actor=official, vote_id=vote.pk, user_id=alice.pk)
    first = paper_ballots.paper_ballot_enter(actor=official, vote_id=vote.pk, content={"choice": "for"})
    extra = paper_ballots.paper_ballot_enter(actor=official, vote_id=vote.pk, content={"choice": "for"})
    paper_ballots.paper_ballot_confirm(actor=second_official, paper_ballot_id=first.pk)

    with pytest.raises(InvalidInput, match="more paper ballots"):
        paper_ballots.paper_ballot_confirm(actor=second_official, paper_ballot_id=extra.pk)

    assert len(_ballots(vote)) == 1


def test_only_officials_enter_paper_ballots(make_vote):
    vote, (alice, *_rest) = make_vote()

    with pytest.raises(AccessDenied):
        paper_ballots.paper_ballot_enter(actor=alice, vote_id=vote.pk, content={"choice": "for"})


def test_officials_sign_enter_and_confirm_on_the_vote_page(client, make_vote, official, second_official):
    vote, (alice, *_rest) = make_vote()
    base = f"/c/{vote.council.slug}/votes/{vote.pk}/"
    client.force_login(official)

    client.post(f"{base}paper/register/", {"email": alice.email})
    client.post(f"{base}paper/enter/", {"choice": "against"})
    page = client.get(base)
    paper = page.context["unconfirmed"][0]
    client.force_login(second_official)
    client.post(f"{base}paper/{paper.pk}/confirm/")

    assert _ballots(vote) == [{"choice": "against"}]
    assert client.get(base).context["unconfirmed"] == []
