"""Who may manage, see, vote in and read the results of a binding vote."""

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.memo import recall
from council.core.permissions import predicate
from council.councils.permissions import has_council_role
from council.councils.permissions import is_council_facilitator
from council.verifications.permissions import meets_requirement
from council.voting.ballots.models import Elector
from council.voting.ballots.models import Vote

Status = Vote.Status


def elector_key(user_id: int, vote_id: int) -> tuple[str, int, int]:
    """The memo key of "this person is an elector of this vote" (a cast reads it with its elector row)."""
    return ("ballots.is_elector", user_id, vote_id)


@predicate
def is_elector(user: User | AnonymousUser, vote: Vote) -> bool:
    """In the frozen electorate (whoever joined a group after freezing is not)."""
    return user.is_authenticated and recall(
        elector_key(user.pk, vote.pk), lambda: Elector.objects.filter(vote=vote, user=user).exists()
    )


@predicate
def vote_is_open(user: User | AnonymousUser, vote: Vote) -> bool:
    return vote.status == Status.OPEN


@predicate
def vote_is_counted(user: User | AnonymousUser, vote: Vote) -> bool:
    return vote.status in (Status.CLOSED, Status.PUBLISHED)


@predicate
def vote_is_published(user: User | AnonymousUser, vote: Vote) -> bool:
    return vote.status == Status.PUBLISHED


@predicate
def vote_is_draft(user: User | AnonymousUser, vote: Any) -> bool:
    return isinstance(vote, Vote) and vote.status == Status.DRAFT


can_view = is_council_facilitator | (has_council_role & ~vote_is_draft)

rules.add_perm("ballots.manage_vote", is_council_facilitator)
rules.add_perm("ballots.view_vote", can_view)
rules.add_perm("ballots.cast_ballot", vote_is_open & is_elector & meets_requirement)
rules.add_perm("ballots.view_results", (vote_is_published & can_view) | (vote_is_counted & is_council_facilitator))
# the minutes (procès-verbal): the officials once counted, everyone who follows the vote once published
rules.add_perm("ballots.view_minutes", (vote_is_published & can_view) | (vote_is_counted & is_council_facilitator))


def access_vote(user: User | AnonymousUser, vote_id: int, *, perm: str = "ballots.view_vote") -> Vote:
    """Fetch a vote and check `perm`; the same refusal for a missing vote and a forbidden one."""
    vote = Vote.objects.select_related("council", "room").filter(pk=vote_id).first()
    if vote is None or not user.has_perm(perm, vote):
        raise AccessDenied(perm)
    return vote
