"""What the meeting rules tell the ballots module (registered from apps.py; ballots never imports us).

- who is present, for a vote restricted to those present: in the hall or online during the
  sitting under way in the vote's room (without a sitting, connected to the room);
- before a vote opens in a room with a sitting under way: the quorum checked and recorded,
  the sitting's president (chosen when it opened, or since), and the mode (CGCT L2121-21);
- whose vote a proxy holder carries now (present at the sitting, proxies running).
"""

from datetime import timedelta

from django.utils import timezone

from council.accounts.models import User
from council.rooms.models import Room
from council.rooms.selectors import present_user_ids
from council.voting.assembly import selectors
from council.voting.assembly import services
from council.voting.assembly.models import Sitting
from council.voting.ballots.models import Vote
from council.voting.ballots.presence import register_presence_check
from council.voting.ballots.sitting import MODE_PUBLIC
from council.voting.ballots.sitting import MODE_ROLL_CALL
from council.voting.ballots.sitting import MODE_SECRET
from council.voting.ballots.sitting import SittingAtOpening
from council.voting.ballots.sitting import SittingRules
from council.voting.ballots.sitting import register_sitting_rules

#: how often the deadline sweep records a failed quorum check of a vote due to open
SWEEP_RECHECK = timedelta(minutes=1)


def register() -> None:
    register_presence_check(is_present)
    register_sitting_rules(
        SittingRules(at_opening=at_opening, proxies_held=proxies_held, opened=opened)
    )


def _sitting(vote: Vote) -> Sitting | None:
    if vote.room_id is None:
        return None
    room = Room.objects.filter(pk=vote.room_id).select_related("council").first()
    return None if room is None else selectors.sitting_open_in(room=room)


def is_present(vote: Vote, user: User) -> bool:
    sitting = _sitting(vote)
    if sitting is None:
        room = Room.objects.filter(pk=vote.room_id).first() if vote.room_id is not None else None
        return room is not None and user.pk in present_user_ids(room=room)
    return selectors.is_present(user, sitting)


def at_opening(vote: Vote, actor: User | None) -> SittingAtOpening | None:
    """Check and record the quorum, and say the mode and why; None without a sitting under way."""
    sitting = _sitting(vote)
    if sitting is None:
        return None
    last = selectors.last_quorum_check(sitting)
    swept_lately = (  # the deadline sweep runs on every page: one failed check a minute is enough to record
        actor is None and last is not None and not last.met and last.checked_by_id is None
        and timezone.now() - last.checked_at < SWEEP_RECHECK
    )
    status = selectors.quorum_status(sitting)
    if status.may_deliberate or not swept_lately:
        status = services.quorum_check(sitting=sitting, actor=actor)
    requests = selectors.requests_status(sitting)
    if vote.appointment:
        mode, reason = MODE_SECRET, "appointment"
    elif requests["secret"]["met"]:
        mode, reason = MODE_SECRET, "secret_requested"
    elif requests["roll_call"]["met"]:
        mode, reason = MODE_ROLL_CALL, "roll_call_requested"
    else:
        mode, reason = (MODE_SECRET if vote.secret else MODE_PUBLIC), "as_prepared"
    president = sitting.president
    return SittingAtOpening(
        sitting_id=sitting.pk,
        opened_at=sitting.opened_at.isoformat(),
        president_id=president.pk if president else None,
        president_name=str(president) if president else "",
        quorum_present=status.present_counted,
        quorum_required=status.required,
        quorum_met=status.met,
        without_quorum_allowed=status.without_quorum_allowed,
        quorum_checked_at=timezone.now().isoformat(),
        mode=mode,
        mode_reason=reason,
        requests=requests,
    )


def proxies_held(vote: Vote, holder: User) -> set[int]:
    """The grantors whose vote the holder carries now: the holder present, the proxies running."""
    sitting = _sitting(vote)
    if sitting is None or not selectors.is_present(holder, sitting):
        return set()
    return {grantor.pk for grantor in selectors.proxies_held(holder, sitting)}


def opened(vote: Vote) -> None:
    """The requests applied to the vote just opened: the next vote starts from none (CGCT L2121-21)."""
    sitting_id = int((vote.sitting or {}).get("sitting_id") or 0)
    sitting = Sitting.objects.filter(pk=sitting_id, closed_at__isnull=True).first()
    if sitting is not None:
        services.vote_mode_requests_clear(sitting=sitting)
