"""The stage card's data (GET …/votes/<id>/stage.json): the ballot for an elector, the reason for others."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from council.voting.ballots import services

pytestmark = pytest.mark.django_db

FOR = {"choice": "for"}


def _stage(client, vote, user, **headers):
    client.force_login(user)
    return client.get(reverse("vote-stage", args=[vote.council.slug, vote.pk]), **headers)


def test_an_elector_gets_the_options_the_grades_and_may_cast(client, make_vote):
    vote, (alice, *_rest) = make_vote(
        method="majority_judgment",
        options=[("jardin", "Jardin"), ("bancs", "Bancs")],
        text="Quel projet ?",
    )

    card = _stage(client, vote, alice).json()

    assert card["can_cast"] is True
    assert card["reason"] is None
    assert card["options"] == [
        {"key": "jardin", "label": "Jardin"},
        {"key": "bancs", "label": "Bancs"},
    ]
    assert card["grades"][0] == "Très bien"
    assert card["text"] == "Quel projet ?"
    assert card["electorate_size"] == 4  # three members and the official
    assert card["ballots_url"] == reverse("vote-ballots", args=[vote.council.slug, vote.pk])


def test_a_person_who_voted_is_told_so(client, make_vote):
    vote, (alice, *_rest) = make_vote()
    services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR)

    card = _stage(client, vote, alice).json()

    assert (card["can_cast"], card["reason"], card["participation"]) == (False, "voted", 1)


def test_someone_who_joined_after_freezing_sees_why_not_instead_of_buttons(
    client, council, make_vote, user_with_role
):
    vote, _electors = make_vote()
    late = user_with_role("member", council)

    card = _stage(client, vote, late).json()

    assert (card["can_cast"], card["reason"]) == (False, "not_elector")


def test_the_unverified_are_told_what_the_vote_asks_and_where_to_obtain_it(
    client, council, make_vote, user_with_role
):
    verified, unverified = user_with_role("member", council), user_with_role("member", council)
    EmailAddress.objects.create(user=verified, email=verified.email, verified=True, primary=True)
    vote, _electors = make_vote(voters=0, verification_requirement={"kinds": ["email"], "mode": "any"})

    mine = _stage(client, vote, verified).json()
    theirs = _stage(client, vote, unverified, HTTP_ACCEPT_LANGUAGE="fr").json()

    assert (mine["can_cast"], mine["reason"], mine["verification_link"]) == (True, None, "")
    assert (theirs["can_cast"], theirs["reason"]) == (False, "verification")
    assert theirs["verification_required"] == "Adresse e-mail vérifiée"
    assert theirs["verification_link"].startswith(f"/c/{council.slug}/verifications/obtain/?kinds=email&mode=any")


def test_an_elector_not_present_at_a_present_only_vote_is_told_so(
    client, council, make_vote, room_factory
):
    room = room_factory(council=council)
    vote, (alice, *_rest) = make_vote(room_id=room.pk, present_only=True)

    card = _stage(client, vote, alice).json()

    assert (card["can_cast"], card["reason"]) == (False, "not_present")


def test_a_vote_not_open_yet_is_not_cast(client, make_vote):
    vote, (alice, *_rest) = make_vote(stage="frozen")

    card = _stage(client, vote, alice).json()

    assert (card["can_cast"], card["reason"]) == (False, "not_open")


def test_a_secret_vote_shows_no_partial_result(client, make_vote, official):
    vote, (alice, bob, _carol) = make_vote(secret=True)
    services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR)
    services.ballot_cast(actor=bob, vote_id=vote.pk, content={"choice": "against"})

    response = _stage(client, vote, official)
    card = response.json()

    assert card["participation"] == 2
    assert "result" not in card
    assert set(card) == {
        "vote_id",
        "title",
        "status",
        "secret",
        "electorate_size",
        "electorate_fingerprint",
        "participation",
        "head",
        "agenda_item",
        "text",
        "method",
        "method_label",
        "options",
        "grades",
        "min_choices",
        "max_choices",
        "verification_required",
        "verification_link",
        "can_cast",
        "reason",
        "ballots_url",
        "page_url",
    }
    body = response.content.decode()
    assert '"choice"' not in body  # no ballot
    assert "tracker" not in body  # no receipt
    assert (card["verification_required"], card["verification_link"]) == ("", "")
    assert response["Cache-Control"] == "no-store"


def test_a_draft_or_another_councils_vote_is_not_found(
    client, make_vote, council_factory, user_with_role
):
    draft, (alice, *_rest) = make_vote(stage="draft")
    outsider = user_with_role("member", council_factory())

    assert _stage(client, draft, alice).status_code == 404
    open_vote, _electors = make_vote()
    assert _stage(client, open_vote, outsider).status_code == 404


def test_the_room_page_puts_the_ballot_card_on_the_stage(client, council, official, room_factory):
    room = room_factory(council=council)
    client.force_login(official)

    page = client.get(
        reverse("room-detail", args=[council.slug, room.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert 'id="ballot-card-template"' in page
    assert 'id="ballot-confirm"' in page
    assert "personnes sur %(total)s ont vot" in page  # the participation's strings, in French
    assert "Scrutin\u00a0:" in page
