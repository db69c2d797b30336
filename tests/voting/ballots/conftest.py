"""A council with officials and electors, and votes at every stage."""

from collections.abc import Callable
from typing import Any

import pytest

from council.voting.ballots import services
from council.voting.ballots.models import Vote
from council.voting.ballots.services import VoteDraft


@pytest.fixture
def council(council_factory):
    return council_factory()


@pytest.fixture
def official(council, user_with_role):
    return user_with_role("facilitator", council)


@pytest.fixture
def second_official(council, user_with_role):
    return user_with_role("facilitator", council)


@pytest.fixture
def make_vote(council, official, user_with_role) -> Callable[..., tuple[Vote, list[Any]]]:
    """Return a maker: `make_vote(voters=3, method=..., options=..., stage="open")` gives (vote, electors).

    The electors are members of the council; the officials are in the electorate too
    (everyone in the council is, without groups), but not in the list returned.
    """

    def make(*, voters: int = 3, stage: str = "open", **fields: Any) -> tuple[Vote, list[Any]]:
        electors = [user_with_role("member", council) for _ in range(voters)]
        fields.setdefault("title", "Budget du quartier")
        fields.setdefault("method", "majority_simple")
        vote = services.vote_create(actor=official, council=council, draft=VoteDraft(**fields))
        if stage in ("frozen", "open"):
            vote = services.vote_freeze(actor=official, vote_id=vote.pk)
        if stage == "open":
            vote = services.vote_open(actor=official, vote_id=vote.pk)
        return vote, electors

    return make
