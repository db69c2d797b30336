"""Events of binding votes: what a vote's followers hear (never a ballot before closing)."""

from typing import Any

from council.voting.ballots.models import Vote

PARTICIPATION_CHANGED = "ballots.participation_changed"
VOTE_CHANGED = "ballots.vote_changed"
VOTE_SYNCED = "ballots.vote_synced"  # the snapshot a vote's socket sends on connect


def vote_group(vote_id: int) -> str:
    """Everyone following the vote: its page, and the meeting it is held in."""
    return f"vote.{vote_id}"


def participation_payload(vote: Vote, participation: int) -> dict[str, Any]:
    return {"vote_id": vote.pk, "participation": participation, "head": vote.head}


def vote_payload(vote: Vote, participation: int) -> dict[str, Any]:
    """The vote's public state: its status, electorate, participation and head, no partial result."""
    return {
        "vote_id": vote.pk,
        "title": vote.title,
        "status": vote.status,
        "secret": vote.secret,
        "electorate_size": vote.electorate_size,
        "electorate_fingerprint": vote.electorate_fingerprint,
        "participation": participation,
        "head": vote.head,
    }
