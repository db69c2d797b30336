"""Casting a ballot: the receipt, retries counted once, no second vote, who may vote."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils import translation

from council.accounts.services import verification_record
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.verifications.models import VerificationUse
from council.verifications.requirements import VerificationRequired
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


def test_a_vote_requiring_franceconnect_refuses_an_email_only_account_until_verified(
    council, make_vote, user_with_role
):
    person = user_with_role("member", council)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    vote, _electors = make_vote(voters=0, verification_requirement={"kinds": ["franceconnect"], "mode": "any"})

    with pytest.raises(VerificationRequired) as refused:
        services.ballot_cast(actor=person, vote_id=vote.pk, content=FOR)
    assert refused.value.code == "verification_required"
    with translation.override("fr"):  # told in the reader's language
        assert refused.value.message == (
            "Ceci demande une vérification\u00a0: FranceConnect. Vous pouvez l\u2019obtenir sur la page en lien."
        )
    assert refused.value.link == (
        f"/c/{council.slug}/verifications/obtain/?kinds=franceconnect&mode=any"
        f"&next=%2Fc%2F{council.slug}%2Fvotes%2F{vote.pk}%2F"
    )
    assert Participation.objects.filter(vote=vote).count() == 0

    verification_record(user=person, kind="franceconnect", council_id=council.pk, claims={"acr": "eidas1"})
    services.ballot_cast(actor=person, vote_id=vote.pk, content=FOR)

    assert Participation.objects.filter(vote=vote).count() == 1
    # the use is logged apart: the kind and the day, no receipt, no time of day
    use = VerificationUse.objects.get(user=person)
    assert (use.target, use.kinds, use.day) == (f"ballots.vote:{vote.pk}", ["franceconnect"], timezone.localdate())
    assert {f.name for f in VerificationUse._meta.get_fields()} == {"id", "council", "user", "target", "kinds", "day"}


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
