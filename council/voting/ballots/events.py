"""Events of binding votes: what a vote's followers hear (never a ballot before closing)."""

from typing import Any

from council.voting.ballots.models import Vote

PARTICIPATION_CHANGED = "ballots.participation_changed"
VOTE_CHANGED = "ballots.vote_changed"
VOTE_SYNCED = "ballots.vote_synced"  # the snapshot a vote's socket sends on connect


def vote_group(vote_id: int) -> str:
    """Everyone following the vote on its own page."""
    return f"vote.{vote_id}"


def vote_groups(vote: Vote) -> list[str]:
    """The vote's page, and the meeting it is held in (every socket of the meeting)."""
    from council.rooms.events import meeting_group

    return [vote_group(vote.pk)] + ([meeting_group(vote.room_id)] if vote.room_id else [])


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
        "agenda_item": vote.agenda_item,
    }
