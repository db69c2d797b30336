"""Casting a ballot: the receipt, retries counted once, no second vote, who may vote."""

import pytest
from allauth.account.models import EmailAddress

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.groups.models import IdentityLevel
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.voting.ballots import services
from council.voting.ballots.box import TRACKER
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import Participation
from council.voting.ballots.models import PendingBallot
from council.voting.ballots.selectors import participation_count

pytestmark = pytest.mark.django_db

FOR = {"choice": "for"}
AGAINST = {"choice": "against"}
TRACKER_A = "A" * 26


def _ballots(vote) -> list[tuple[str, dict]]:
    rows = [*PendingBallot.objects.filter(vote=vote), *BoxEntry.objects.filter(vote=vote)]
    return sorted((row.tracker, row.content) for row in rows)


def test_a_cast_returns_the_receipt_and_is_recorded(make_vote):
    vote, (alice, *_rest) = make_vote()

    receipt = services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR, tracker=TRACKER_A.lower())

    assert receipt.tracker == TRACKER_A
    assert _ballots(vote) == [(TRACKER_A, FOR)]
    assert participation_count(vote) == 1


def test_the_server_makes_a_tracker_when_the_client_sends_none(make_vote):
    vote, (alice, *_rest) = make_vote()

    receipt = services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR)

    assert TRACKER.match(receipt.tracker)
    assert _ballots(vote) == [(receipt.tracker, FOR)]


def test_a_retry_with_the_same_tracker_is_the_same_success_counted_once(make_vote):
    vote, (alice, *_rest) = make_vote()
    services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR, tracker=TRACKER_A)

    again = services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR, tracker=TRACKER_A)

    assert (again.tracker, again.repeated) == (TRACKER_A, True)
    assert participation_count(vote) == 1
    assert _ballots(vote) == [(TRACKER_A, FOR)]


@pytest.mark.parametrize(("tracker", "content"), [("B" * 26, FOR), (TRACKER_A, AGAINST), (None, FOR)])
def test_a_second_different_cast_is_refused(make_vote, tracker, content):
    vote, (alice, *_rest) = make_vote()
    services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR, tracker=TRACKER_A)

    with pytest.raises(InvalidInput) as refused:
        services.ballot_cast(actor=alice, vote_id=vote.pk, content=content, tracker=tracker)

    assert refused.value.code == "already_voted"
    assert _ballots(vote) == [(TRACKER_A, FOR)]


def test_a_malformed_tracker_or_ballot_is_refused_and_nothing_is_recorded(make_vote):
    vote, (alice, *_rest) = make_vote()

    with pytest.raises(InvalidInput, match="receipt number"):
        services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR, tracker="short")
    with pytest.raises(InvalidInput, match="not valid"):
        services.ballot_cast(actor=alice, vote_id=vote.pk, content={"choice": "maybe"})

    assert participation_count(vote) == 0
    assert _ballots(vote) == []


def test_someone_added_to_the_group_after_freezing_is_not_an_elector(council, official, make_vote, user_with_role):
    group = NeighbourhoodGroup.objects.create(council=council, name="Rue des Lilas")
    early, late = user_with_role("member", council), user_with_role("member", council)
    Membership.objects.create(group=group, user=early, status=Membership.Status.ACTIVE)
    vote, _electors = make_vote(voters=0, stage="frozen", eligible_group_ids=[group.pk])
    Membership.objects.create(group=group, user=late, status=Membership.Status.ACTIVE)
    services.vote_open(actor=official, vote_id=vote.pk)

    services.ballot_cast(actor=early, vote_id=vote.pk, content=FOR)
    with pytest.raises(AccessDenied):
        services.ballot_cast(actor=late, vote_id=vote.pk, content=FOR)

    vote.refresh_from_db()
    assert vote.electorate_size == 1
    assert participation_count(vote) == 1


def test_a_verification_level_keeps_out_the_unverified(council, make_vote, user_with_role):
    verified, unverified = user_with_role("member", council), user_with_role("member", council)
    EmailAddress.objects.create(user=verified, email=verified.email, verified=True, primary=True)

    vote, _electors = make_vote(voters=0, min_identity_level=IdentityLevel.EMAIL)

    services.ballot_cast(actor=verified, vote_id=vote.pk, content=FOR)
    with pytest.raises(AccessDenied):
        services.ballot_cast(actor=unverified, vote_id=vote.pk, content=FOR)
    assert vote.electorate_size == 1


def test_no_cast_before_opening_or_after_closing(make_vote, official):
    vote, (alice, bob, *_rest) = make_vote(stage="frozen")
    with pytest.raises(AccessDenied):
        services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR)

    services.vote_open(actor=official, vote_id=vote.pk)
    services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR)
    services.vote_close(actor=official, vote_id=vote.pk)

    with pytest.raises(AccessDenied):
        services.ballot_cast(actor=bob, vote_id=vote.pk, content=FOR)
    assert Participation.objects.filter(vote=vote).count() == 1


def test_the_fingerprint_can_be_rederived_from_the_electors_numbers(make_vote):
    import hashlib

    vote, electors = make_vote(stage="frozen")
    user_ids = sorted(vote.electors.values_list("user_id", flat=True))

    text = "\n".join([f"council-electorate/1:{vote.public_id}", *map(str, user_ids)])

    assert vote.electorate_fingerprint == hashlib.sha256(text.encode()).hexdigest()
    assert {e.pk for e in electors} <= set(user_ids)


def test_a_named_vote_keeps_the_voters_name_with_the_ballot(make_vote, official):
    vote, (alice, *_rest) = make_vote(secret=False)

    services.ballot_cast(actor=alice, vote_id=vote.pk, content=FOR)
    services.vote_close(actor=official, vote_id=vote.pk)

    assert list(BoxEntry.objects.filter(vote=vote).values_list("voter_name", "content")) == [(str(alice), FOR)]


def test_a_vote_for_those_present_asks_the_registered_presence_check(make_vote, room_factory, council):
    from council.voting.ballots import presence

    room = room_factory(council=council)
    vote, (here, away, *_rest) = make_vote(room_id=room.pk, present_only=True)

    with pytest.raises(InvalidInput) as refused:
        services.ballot_cast(actor=here, vote_id=vote.pk, content=FOR)  # not connected to the room
    registered = list(presence._checks)  # the assembly's, registered at start-up, is put back after
    presence.register_presence_check(lambda _vote, user: user == here)
    try:
        services.ballot_cast(actor=here, vote_id=vote.pk, content=FOR)
        with pytest.raises(InvalidInput):
            services.ballot_cast(actor=away, vote_id=vote.pk, content=FOR)
    finally:
        presence._checks[:] = registered

    assert refused.value.code == "not_present"
    assert participation_count(vote) == 1
