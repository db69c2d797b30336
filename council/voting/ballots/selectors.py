"""Reads of binding votes: lists, the public state, the published box."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from council.accounts.models import User
from council.core.memo import recall
from council.core.process_cache import room_view
from council.councils.models import Council
from council.verifications.requirements import is_met
from council.verifications.requirements import obtain_url
from council.verifications.requirements import requirement_of
from council.voting.ballots.box import BOX
from council.voting.ballots.box import FORMAT
from council.voting.ballots.models import Elector
from council.voting.ballots.models import Participation
from council.voting.ballots.models import Vote
from council.voting.ballots.presence import is_present
from council.voting.tally.chain import genesis

MEETING_VOTES = room_view("meeting_votes")  # kept across arrival waves (council/core/process_cache.py)


def vote_list_visible_to(*, user: User | AnonymousUser, council: Council) -> list[Vote]:
    votes = Vote.objects.filter(council=council).prefetch_related("options")
    return [vote for vote in votes if user.has_perm("ballots.view_vote", vote)]


def meeting_votes(user: User, room: Any) -> list[dict[str, Any]]:
    """The votes held in this meeting and not in draft, as their public state (the room's snapshot).

    The same for everyone: read once per unit of work (a wave moving a crowd reads it once).
    """
    plenary_id = getattr(room, "parent_id", None) or room.pk
    return recall((MEETING_VOTES, plenary_id), lambda: _meeting_votes(plenary_id))


def _meeting_votes(plenary_id: int) -> list[dict[str, Any]]:
    from council.voting.ballots.events import vote_payload

    votes = (
        Vote.objects.filter(room_id=plenary_id)
        .exclude(status=Vote.Status.DRAFT)
        .annotate(participants=Count("participations"))  # with the votes: one query per connect, not two
        .order_by("pk")
    )
    return [vote_payload(vote, vote.participants) for vote in votes]


def agenda_attachments(room_id: int) -> dict[int, list[Any]]:
    """The votes held under the meeting's agenda items, as everyone sees them (none in draft), by item."""
    from council.rooms.agenda_links import Attachment

    attached: dict[int, list[Any]] = {}
    for vote in recall((MEETING_VOTES, room_id), lambda: _meeting_votes(room_id)):
        if vote["agenda_item"] is not None:
            attached.setdefault(vote["agenda_item"], []).append(
                Attachment(kind="vote", id=vote["vote_id"], title=vote["title"], status=vote["status"])
            )
    return attached


def participation_count(vote: Vote) -> int:
    return Participation.objects.filter(vote=vote).count()


def has_voted(vote: Vote, user: User | AnonymousUser) -> bool:
    return user.is_authenticated and Participation.objects.filter(vote=vote, elector__user=user).exists()


def is_elector(vote: Vote, user: User | AnonymousUser) -> bool:
    return user.is_authenticated and Elector.objects.filter(vote=vote, user=user).exists()


def proxy_grantors(vote: Vote, user: User | AnonymousUser) -> list[tuple[int, str]]:
    """(id, name) of the grantors whose vote `user` carries now in this vote and who have not voted."""
    from council.voting.ballots.sitting import proxies_held

    if not isinstance(user, User):
        return []
    held = proxies_held(vote, user)
    if not held:
        return []
    return proxy_names(vote, [e for e in held if not Participation.objects.filter(vote=vote, elector__user_id=e).exists()])


def proxy_names(vote: Vote, user_ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of these electors of the vote, by name."""
    electors = Elector.objects.filter(vote=vote, user_id__in=user_ids).select_related("user")
    return sorted(((e.user_id, str(e.user)) for e in electors), key=lambda pair: pair[1].casefold())


def options_of(vote: Vote) -> list[dict[str, str]]:
    return [{"key": option.key, "label": option.label} for option in vote.options.all()]


def option_keys(vote: Vote) -> list[str]:
    return [option.key for option in vote.options.all()]


def cast_refusal(vote: Vote, user: User | AnonymousUser) -> str | None:
    """Why `user` cannot cast in `vote` now, as a code the stage card explains; None if they can.

    The service checks again at casting: this only spares a person buttons that would be refused.
    """
    if vote.status != Vote.Status.OPEN:
        return "not_open"
    if has_voted(vote, user):
        return "voted"
    if not is_elector(vote, user):
        return "not_elector"
    if vote.present_only and not is_present(vote, user):  # type: ignore[arg-type]
        return "not_present"
    if not is_met(user, vote.council, requirement_of(vote)):
        return "verification"
    return None


def verification_card(vote: Vote, refusal: str | None) -> dict[str, str]:
    """What the vote requires, in words, and (to a person missing it) the page to obtain it."""
    requirement = requirement_of(vote)
    link = ""
    if refusal == "verification":
        from council.voting.ballots.services import vote_url

        link = obtain_url(vote.council, requirement, vote_url(vote))
    return {"verification_required": requirement.describe(), "verification_link": link}


def stage_card(vote: Vote, user: User | AnonymousUser) -> dict[str, Any]:
    """What the meeting's stage shows one person of a vote: the ballot's shape, and why they cannot cast if so.

    The public state plus the options: never a count per option, which of a secret vote
    exists nowhere before closing but in the box.
    """
    from council.voting.ballots.events import vote_payload

    refusal = cast_refusal(vote, user)
    return {
        **vote_payload(vote, participation_count(vote)),
        "text": vote.text,
        "method": vote.method,
        "method_label": str(vote.get_method_display()),
        "options": options_of(vote),
        "grades": vote.grades or [],
        "min_choices": vote.min_choices,
        "max_choices": vote.max_choices,
        **verification_card(vote, refusal),
        "can_cast": refusal is None,
        "reason": refusal,
    }


def box_publication(vote: Vote) -> dict[str, Any]:
    """The closed vote's box in the format council-ballot-box/1 (tools/recount.py reads it)."""
    return {
        "format": FORMAT,
        "vote": {
            "id": str(vote.public_id),
            "title": vote.title,
            "method": vote.method,
            "options": options_of(vote),
            "grades": vote.grades,
            "min_choices": vote.min_choices,
            "max_choices": vote.max_choices,
            "tie_break": vote.tie_break,
            "tie_break_reason": vote.tie_break_reason or None,
            "electorate": {"size": vote.electorate_size, "fingerprint": vote.electorate_fingerprint},
        },
        "genesis": genesis(str(vote.public_id)),
        "ballots": BOX.ballots(vote),
        "head": vote.head,
        "participation": participation_count(vote),
        "result": vote.result,
    }


def tracker_find(vote: Vote, tracker: str) -> dict[str, Any] | None:
    """The published ballot with this receipt, or None (only in a published vote)."""
    if vote.status != Vote.Status.PUBLISHED:
        return None
    row = vote.box.filter(tracker=tracker.strip().upper()).values("position", "tracker", "content", "hash").first()
    return None if row is None else dict(row)
