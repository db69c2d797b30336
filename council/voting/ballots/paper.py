"""Paper ballots: the register signed by an official, ballots entered by one and confirmed by another.

A paper voter is marked in the register (their participation, kind paper: no online vote
after); the ballots read from the paper box are entered by one official and put in the box only
once a second official confirms them, never more than the paper voters signed in. Every step
is audited; the audit names the elector signed in, never with a ballot.
"""

from typing import Any

from django.db import IntegrityError
from django.db import transaction
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry
from council.councils.services import audit_record
from council.voting.ballots import participation
from council.voting.ballots import services
from council.voting.ballots.box import BOX
from council.voting.ballots.box import tracker_new
from council.voting.ballots.models import Elector
from council.voting.ballots.models import PaperBallot
from council.voting.ballots.models import Participation
from council.voting.ballots.models import Vote

Status = Vote.Status


def _open_for_paper(actor: User, vote_id: int) -> Vote:
    vote = services.locked(vote_id, no_key=True)
    services.require(actor, "ballots.manage_vote", vote)
    if vote.status != Status.OPEN:
        raise InvalidInput(_("Paper votes are entered while the vote is open."))
    return vote


@transaction.atomic
def paper_participation_mark(*, actor: User, vote_id: int, user_id: int) -> Participation:
    """Sign an elector in the register as having voted on paper: they cannot vote online after."""
    vote = _open_for_paper(actor, vote_id)
    elector = Elector.objects.filter(vote=vote, user_id=user_id).select_related("user").first()
    if elector is None:
        raise InvalidInput(_("This person is not in the vote's electorate."))
    try:
        with transaction.atomic():
            marked = Participation.objects.create(vote=vote, elector=elector, kind=Participation.Kind.PAPER)
    except IntegrityError:
        raise InvalidInput(_("This person has already voted."), code="already_voted") from None
    audit_record(actor=actor, action=AuditEntry.Action.PAPER_PARTICIPATION, target=vote,
                 details={"elector": str(elector.user)})
    transaction.on_commit(lambda: participation.announce_soon(vote.pk))
    return marked


@transaction.atomic
def paper_ballot_enter(*, actor: User, vote_id: int, content: dict[str, Any]) -> PaperBallot:
    """Enter a paper ballot as read from the paper box; it waits for a second official's confirmation."""
    vote = _open_for_paper(actor, vote_id)
    services.check_ballot(vote, content)
    paper = PaperBallot.objects.create(vote=vote, content=content, entered_by=actor)
    audit_record(actor=actor, action=AuditEntry.Action.PAPER_ENTERED, target=vote, details={"paper_ballot": str(paper.pk)})
    return paper


@transaction.atomic
def paper_ballot_confirm(*, actor: User, paper_ballot_id: str) -> str:
    """Confirm a paper ballot another official entered, and put it in the box; return its tracker.

    Refused to the official who entered it, and beyond the number of paper votes signed in
    the register: the box never holds more paper ballots than paper voters.
    """
    paper = PaperBallot.objects.select_for_update().filter(pk=paper_ballot_id, confirmed_by=None).first()
    if paper is None:
        raise InvalidInput(_("This paper ballot does not exist or is already confirmed."))
    vote = _open_for_paper(actor, paper.vote_id)
    if paper.entered_by_id == actor.pk:
        raise InvalidInput(_("A second official, not the one who entered it, confirms a paper ballot."), code="same_official")
    signed = Participation.objects.filter(vote=vote, kind=Participation.Kind.PAPER).count()
    if PaperBallot.objects.filter(vote=vote, confirmed_by__isnull=False).count() >= signed:
        raise InvalidInput(_("There would be more paper ballots than paper votes signed in the register."))
    paper.confirmed_by = actor
    paper.save(update_fields=["confirmed_by"])
    tracker = tracker_new()
    BOX.cast(vote, tracker=tracker, content=paper.content)
    audit_record(actor=actor, action=AuditEntry.Action.PAPER_CONFIRMED, target=vote, details={"paper_ballot": str(paper.pk)})
    return tracker
