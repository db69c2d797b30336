"""The vote's pages, as an elector and an official use them (French first)."""

import json

import pytest
from django.urls import reverse

from council.voting.ballots import services
from council.voting.ballots.box import TRACKER

pytestmark = pytest.mark.django_db


def _url(name: str, vote, **kwargs) -> str:
    return reverse(name, kwargs={"council_slug": vote.council.slug, "vote_id": vote.pk, **kwargs})


def test_an_official_prepares_freezes_and_opens_a_vote(client, council, official):
    client.force_login(official)

    response = client.post(
        reverse("vote-create", kwargs={"council_slug": council.slug}),
        {"title": "Choix du projet", "method": "instant_runoff", "options": "Jardin\nBancs\nFresque",
         "secret": "on", "verification_requirement_1": "any"},
    )
    vote = council.votes.get()
    client.post(_url("vote-action", vote, action="freeze"))
    client.post(_url("vote-action", vote, action="open"))

    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.status == "open"
    assert [option.key for option in vote.options.all()] == ["jardin", "bancs", "fresque"]
    assert vote.electorate_size == 1  # the official, alone in this council


def test_an_elector_casts_with_the_form_and_gets_a_receipt(client, make_vote):
    vote, (alice, *_rest) = make_vote()
    client.force_login(alice)

    page = client.get(_url("vote-detail", vote), HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post(_url("vote-cast", vote), {"choice": "for", "tracker": ""})

    assert "Voter blanc" in page.content.decode()
    assert response.status_code == 200
    tracker = response.context["tracker"]
    assert TRACKER.match(tracker)
    assert tracker in response.content.decode()
    again = client.post(_url("vote-cast", vote), {"choice": "against", "tracker": ""}, HTTP_ACCEPT_LANGUAGE="fr")
    assert again.status_code == 400
    assert "Vous avez déjà voté" in again.content.decode()


def test_a_ranking_and_grades_are_read_from_the_form(client, make_vote):
    ranked, (alice, *_rest) = make_vote(method="instant_runoff", options=[("a", "A"), ("b", "B"), ("c", "C")])
    graded, (bob, *_others) = make_vote(method="majority_judgment", options=[("a", "A"), ("b", "B")])

    client.force_login(alice)
    client.post(_url("vote-cast", ranked), {"rank-1": "b", "rank-2": "a", "rank-3": ""})
    client.force_login(bob)
    client.post(_url("vote-cast", graded), {"grade-a": "0", "grade-b": "5"})

    assert list(ranked.pending_ballots.values_list("content", flat=True)) == [{"ranking": ["b", "a"]}]
    assert list(graded.pending_ballots.values_list("content", flat=True)) == [{"grades": {"a": 0, "b": 5}}]


def test_no_result_before_closing_and_only_officials_before_publication(client, make_vote, official):
    vote, (alice, *_rest) = make_vote()
    services.ballot_cast(actor=alice, vote_id=vote.pk, content={"choice": "for"})
    client.force_login(official)
    assert client.get(_url("vote-results", vote)).status_code == 404
    assert client.get(_url("vote-box-json", vote)).status_code == 404

    services.vote_close(actor=official, vote_id=vote.pk)
    assert client.get(_url("vote-results", vote)).status_code == 200
    client.force_login(alice)
    assert client.get(_url("vote-results", vote)).status_code == 404

    services.vote_publish(actor=official, vote_id=vote.pk)
    results = client.get(_url("vote-results", vote), HTTP_ACCEPT_LANGUAGE="fr")
    assert results.status_code == 200
    assert "adoptée" in results.content.decode()


def test_a_voter_finds_the_receipt_in_the_published_list_and_the_box_downloads(client, make_vote, official):
    vote, (alice, bob, *_rest) = make_vote()
    receipt = services.ballot_cast(actor=alice, vote_id=vote.pk, content={"choice": "for"}).tracker
    services.ballot_cast(actor=bob, vote_id=vote.pk, content={"blank": True})
    services.vote_close(actor=official, vote_id=vote.pk)
    services.vote_publish(actor=official, vote_id=vote.pk)
    client.force_login(alice)

    found = client.get(_url("vote-ballots", vote), {"tracker": receipt.lower()})
    missing = client.get(_url("vote-ballots", vote), {"tracker": "Z" * 26})
    box = json.loads(client.get(_url("vote-box-json", vote)).content)

    assert found.context["found"]["tracker"] == receipt
    assert missing.context["found"] is None
    assert box["format"] == "council-ballot-box/1"
    assert receipt in [ballot["tracker"] for ballot in box["ballots"]]


def test_an_official_changes_a_draft_before_freezing_it(client, council, official, make_vote):
    from council.councils.models import AuditEntry

    vote, _electors = make_vote(stage="draft", title="Choix du projt", method="approval",
                                options=[("jardin", "Jardin"), ("bancs", "Bancs")], tie_break=["bancs", "jardin"])
    client.force_login(official)

    page = client.get(_url("vote-edit", vote))
    form = page.context["form"]
    assert (form.initial["title"], form.initial["options"], form.initial["tie_break"]) == (
        "Choix du projt", "Jardin\nBancs", "2, 1"
    )
    response = client.post(
        _url("vote-edit", vote),
        {"title": "Choix du projet", "method": "approval", "options": "Jardin\nBancs\nFresque",
         "tie_break": "3, 1, 2", "tie_break_reason": "Ordre du tirage au sort", "verification_requirement_1": "any"},
    )

    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.title == "Choix du projet"
    assert [option.label for option in vote.options.all()] == ["Jardin", "Bancs", "Fresque"]
    assert vote.tie_break == ["fresque", "jardin", "bancs"]
    assert not vote.secret  # the box was unticked, as a browser sends it
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VOTE_CHANGED, target_id=vote.pk).count() == 1


def test_a_frozen_vote_cannot_be_changed_and_a_bad_draft_changes_nothing(client, council, official, make_vote):
    from django.utils import translation

    from council.core.errors import InvalidInput
    from council.voting.ballots.services import VoteDraft

    draft, _electors = make_vote(stage="draft", title="Motion")
    client.force_login(official)
    refused = client.post(_url("vote-edit", draft), {"title": "  ", "method": "approval", "options": "Seule",
                                                     "verification_requirement_1": "any"})
    assert refused.status_code == 200
    assert refused.context["form"].errors  # said on the form
    draft.refresh_from_db()
    assert (draft.title, [o.key for o in draft.options.all()]) == ("Motion", ["for", "against"])

    frozen, _electors = make_vote(stage="frozen", title="Motion figée")
    page = client.get(_url("vote-edit", frozen), HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert "Seul un vote en brouillon peut être modifié" in page.content.decode()
    with translation.override("en"), pytest.raises(InvalidInput) as error:
        services.vote_update(actor=official, vote_id=frozen.pk, draft=VoteDraft(title="Autre", method="approval"))
    assert "electorate is frozen" in error.value.message
    frozen.refresh_from_db()
    assert frozen.title == "Motion figée"


def test_a_member_cannot_change_a_draft(client, council, make_vote, user_with_role):
    vote, (member, *_rest) = make_vote(stage="draft")
    client.force_login(member)

    response = client.post(_url("vote-edit", vote), {"title": "Piraté", "method": "approval", "verification_requirement_1": "any"})

    assert response.status_code in (403, 404)
    vote.refresh_from_db()
    assert vote.title == "Budget du quartier"



def test_a_requirement_chosen_on_the_vote_form_is_enforced_when_casting(client, council, official, user_with_role):
    from council.accounts.services import verification_record

    elector = user_with_role("member", council, preferred_language="en")
    client.force_login(official)
    response = client.post(
        reverse("vote-create", kwargs={"council_slug": council.slug}),
        {"title": "Motion", "method": "majority_simple", "verification_requirement_0": ["code"],
         "verification_requirement_1": "any"},
    )
    vote = council.votes.get()
    client.post(_url("vote-action", vote, action="freeze"))
    client.post(_url("vote-action", vote, action="open"))

    assert response.status_code == 302
    vote.refresh_from_db()
    assert (vote.status, vote.verification_requirement) == ("open", {"kinds": ["code"], "mode": "any"})
    client.force_login(elector)
    refused = client.post(_url("vote-cast", vote), {"choice": "for", "tracker": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert "This requires a verification: Code from the council." in refused.content.decode()
    assert f"/c/{council.slug}/verifications/obtain/?kinds=code" in refused.content.decode()
    verification_record(user=elector, kind="code", council_id=council.pk, claims={})
    cast = client.post(_url("vote-cast", vote), {"choice": "for", "tracker": ""})
    assert cast.status_code == 200
