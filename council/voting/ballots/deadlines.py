"""Votes open and close on time, whoever is connected (the server's sweep: council/core/deadlines.py).

A vote whose electorate is frozen opens at `opens_at`; an open vote closes and is counted at
`closes_at`. A vote still in draft at `opens_at` does not open: the officials freeze its
electorate first. Pages also apply what is due before they show a vote, so a vote is never
shown open after its closing time, even where no sweep runs.
"""

from collections.abc import Callable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from council.core.errors import CouncilError
from council.voting.ballots.models import Vote

Status = Vote.Status


def _due_to_open(now: datetime) -> QuerySet[Vote]:
    return Vote.objects.filter(status=Status.FROZEN, opens_at__lte=now)


def _due_to_close(now: datetime) -> QuerySet[Vote]:
    return Vote.objects.filter(status=Status.OPEN, closes_at__lte=now)


def votes_apply(now: datetime | None = None) -> int:
    """Open and close the votes that are due, each once (another sweep's work is simply refused)."""
    from council.voting.ballots import services  # services schedule deadlines: imported here

    now = now or timezone.now()
    done = 0
    for vote_id in list(_due_to_open(now).values_list("pk", flat=True)):
        done += _once(services.vote_open, vote_id)
    for vote_id in list(_due_to_close(now).values_list("pk", flat=True)):
        done += _once(services.vote_close, vote_id)
    return done


def _once(service: Callable[..., Vote], vote_id: int) -> int:
    try:
        service(actor=None, vote_id=vote_id)
    except CouncilError:  # done meanwhile by an official or another sweep
        return 0
    return 1


def votes_next() -> datetime | None:
    """When a vote next opens or closes."""
    moments = [
        *Vote.objects.filter(status=Status.FROZEN, opens_at__isnull=False).values_list("opens_at", flat=True),
        *Vote.objects.filter(status=Status.OPEN, closes_at__isnull=False).values_list("closes_at", flat=True),
    ]
    return min((moment for moment in moments if moment is not None), default=None)
