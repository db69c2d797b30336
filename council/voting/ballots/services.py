"""Writes of binding votes: prepare, freeze the electorate, open, cast, close and count, publish.

Every official's action is audited. A cast is audited by no one: the `Participation` row
is the record that someone voted, and no log line, event, cache entry or audit entry
holds both a voter and a ballot or its tracker (docs/voting-security.md).
"""

import hashlib
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import connection
from django.db import transaction
from django.db.models import Exists
from django.db.models import OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.deadlines import deadline_schedule
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.memo import remember
from council.core.memo import remembered
from council.core.realtime import send_event_on_commit
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.selectors import people_in
from council.councils.services import audit_record
from council.groups.models import NeighbourhoodGroup
from council.groups.selectors import group_members
from council.rooms import agenda_links
from council.verifications.requirements import Requirement
from council.verifications.requirements import parse_requirement
from council.verifications.requirements import require_verified
from council.verifications.services import verification_use_record
from council.voting.ballots import events
from council.voting.ballots import participation
from council.voting.ballots import sitting
from council.voting.ballots.box import BOX
from council.voting.ballots.box import TRACKER
from council.voting.ballots.box import lock_for_casting
from council.voting.ballots.box import tracker_new
from council.voting.ballots.models import Elector
from council.voting.ballots.models import Participation
from council.voting.ballots.models import Vote
from council.voting.ballots.models import VoteOption
from council.voting.ballots.permissions import elector_key
from council.voting.ballots.presence import is_present
from council.voting.ballots.selectors import option_keys
from council.voting.ballots.selectors import participation_count
from council.voting.tally import count
from council.voting.tally import validate
from council.voting.tally.chain import genesis

Status = Vote.Status
Method = Vote.Method
MOTION_OPTIONS = (("for", "For"), ("against", "Against"))
#: the French default mentions of majority judgment, best first
DEFAULT_GRADES = ["Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter"]


@dataclass(frozen=True)
class VoteDraft:
    """What an official prepares: the question, its options, the method and the electorate."""

    title: str
    method: str
    text: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (key, label); empty = a motion
    secret: bool = True
    appointment: bool = False
    min_choices: int | None = None
    max_choices: int | None = None
    grades: list[str] | None = None
    tie_break: list[str] | None = None
    tie_break_reason: str = ""
    eligible_group_ids: list[int] = field(default_factory=list)
    verification_requirement: dict[str, Any] = field(default_factory=dict)  # council/verifications
    room_id: int | None = None
    agenda_item: int | None = None  # an item of the meeting's agenda (council/rooms/agenda_links.py)
    present_only: bool = False
    opens_at: datetime | None = None
    closes_at: datetime | None = None


@dataclass(frozen=True)
class ProxyReceipt:
    """The receipt of a ballot cast for a grantor, or why it was refused (the others stand)."""

    grantor: int
    tracker: str | None = None
    code: str = ""
    message: str = ""


@dataclass(frozen=True)
class Receipt:
    """What a voter gets back: the tracker to find their ballot in the published box."""

    tracker: str
    repeated: bool  # the same cast received again (a retry): counted once
    proxies: list[ProxyReceipt] = field(default_factory=list)

    def ack(self) -> dict[str, Any]:
        """The acknowledgement on a socket: the receipt, and for a proxy holder one per grantor and the refusals."""
        if not self.proxies:
            return {"tracker": self.tracker}
        return {
            "tracker": self.tracker,
            "proxies": [{"grantor": p.grantor, "tracker": p.tracker} for p in self.proxies if p.tracker],
            "refused": [
                {"grantor": p.grantor, "code": p.code, "message": p.message} for p in self.proxies if not p.tracker
            ],
        }


def require(actor: User, perm: str, vote: Vote | Council) -> None:
    if not actor.has_perm(perm, vote):
        raise AccessDenied(perm)


def locked(vote_id: int, **lock: Any) -> Vote:
    vote = Vote.objects.select_for_update(**lock).filter(pk=vote_id).first()
    if vote is None:
        raise AccessDenied("ballots.view_vote")
    return vote


def _announce(vote: Vote) -> None:
    payload = events.vote_payload(vote, participation_count(vote))
    for group in events.vote_groups(vote):
        send_event_on_commit(group, events.VOTE_CHANGED, payload)
    if vote.room_id is not None and vote.agenda_item is not None:
        agenda_links.attachments_changed(vote.room_id)  # the agenda shows the vote's status


@transaction.atomic
def vote_create(*, actor: User, council: Council, draft: VoteDraft) -> Vote:
    """Prepare a vote in draft; its options default to for/against (a motion)."""
    require(actor, "ballots.manage_vote", council)
    vote = Vote(council=council)
    _write_draft(vote, draft)
    vote.head = genesis(str(vote.public_id))
    vote.save(update_fields=["head"])
    audit_record(actor=actor, action=AuditEntry.Action.VOTE_CREATED, target=vote)
    return vote


@transaction.atomic
def vote_update(*, actor: User, vote_id: int, draft: VoteDraft) -> Vote:
    """Change a vote still in draft, options included; once its electorate is frozen it is fixed
    (the fingerprint and the options are what electors were shown)."""
    vote = locked(vote_id)
    require(actor, "ballots.manage_vote", vote)
    if vote.status != Status.DRAFT:
        raise InvalidInput(_("Only a vote in draft can be changed: this one's electorate is frozen."))
    _write_draft(vote, draft)
    audit_record(actor=actor, action=AuditEntry.Action.VOTE_CHANGED, target=vote)
    return vote


def _write_draft(vote: Vote, draft: VoteDraft) -> None:
    """Check the draft, then save the vote's fields, options and groups from it."""
    council = vote.council
    options = draft.options or [(key, _(label)) for key, label in MOTION_OPTIONS]
    _check_draft(draft, [key for key, _label in options])
    groups = list(NeighbourhoodGroup.objects.filter(council=council, pk__in=draft.eligible_group_ids))
    if len(groups) != len(set(draft.eligible_group_ids)):
        raise InvalidInput(_("Unknown group."))
    grades = draft.grades or (DEFAULT_GRADES if draft.method == Method.MAJORITY_JUDGMENT else None)
    vote.title, vote.text, vote.method = draft.title.strip(), draft.text, draft.method
    vote.secret, vote.appointment = draft.secret or draft.appointment, draft.appointment
    vote.min_choices, vote.max_choices, vote.grades = draft.min_choices, draft.max_choices, grades
    vote.tie_break, vote.tie_break_reason = draft.tie_break, draft.tie_break_reason
    vote.verification_requirement = _requirement(draft.verification_requirement)
    unchanged = (vote.room_id, vote.agenda_item)
    vote.room_id = draft.room_id if draft.room_id and council.rooms.filter(pk=draft.room_id).exists() else None
    vote.agenda_item = draft.agenda_item if vote.room_id is not None else None
    # an item chosen now must be on the meeting's agenda; one deleted since may stay as it was
    if (vote.room_id, vote.agenda_item) != unchanged and vote.room_id is not None and vote.agenda_item is not None \
            and agenda_links.item(vote.room_id, vote.agenda_item) is None:
        raise InvalidInput(_("There is no such item on this meeting's agenda."))
    vote.present_only, vote.opens_at, vote.closes_at = draft.present_only, draft.opens_at, draft.closes_at
    vote.save()
    vote.eligible_groups.set(groups)
    vote.options.all().delete()
    VoteOption.objects.bulk_create(
        VoteOption(vote=vote, key=key, label=label, position=index) for index, (key, label) in enumerate(options)
    )


def _check_draft(draft: VoteDraft, keys: list[str]) -> None:
    if not draft.title.strip():
        raise InvalidInput(_("A vote needs a title."))
    if draft.method not in Method.values:
        raise InvalidInput(_("Unknown counting method."))
    if len(keys) < 2 or len(set(keys)) != len(keys):
        raise InvalidInput(_("A vote needs at least two options, each with its own key."))
    if draft.tie_break and sorted(draft.tie_break) != sorted(keys):
        raise InvalidInput(_("The tie-break order must name every option once."))
    if draft.opens_at and draft.closes_at and draft.closes_at <= draft.opens_at:
        raise InvalidInput(_("A vote must close after it opens."))
    if draft.present_only and draft.room_id is None:
        raise InvalidInput(_("A vote restricted to those present is held in a meeting."))


def _requirement(value: dict[str, Any]) -> dict[str, Any]:
    try:
        return parse_requirement(value).as_json()
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error


def _verified(actor: User, vote: Vote) -> tuple[Requirement, set[str]]:
    """Refuse, naming what is missing and where to obtain it, unless `actor` holds what the vote requires."""
    if not vote.verification_requirement:  # no query for the votes that require nothing
        return Requirement(), set()
    return require_verified(actor, vote.council, vote, vote_url(vote))


def vote_url(vote: Vote) -> str:
    """The vote's page, where a person who obtained a verification comes back to."""
    return reverse("vote-detail", kwargs={"council_slug": vote.council.slug, "vote_id": vote.pk})


def electorate_fingerprint(vote: Vote, user_ids: list[int]) -> str:
    """sha256 of "council-electorate/1:<vote public id>" then one line per elector's user id, ascending.

    Anyone holding the list of the electors' numbers re-derives it (docs/voting-security.md).
    """
    lines = [f"council-electorate/1:{vote.public_id}", *(str(user_id) for user_id in sorted(user_ids))]
    return hashlib.sha256("\n".join(lines).encode("ascii")).hexdigest()


def electorate_now(vote: Vote) -> list[int]:
    """Who is eligible now: in the council, in one of the vote's groups (any, if none).

    The verifications the vote requires are asked at casting, not here: an elector who obtains
    them after the freeze may still vote, and is told where to obtain them until then.
    """
    people = people_in(councils=[vote.council])
    groups = list(vote.eligible_groups.all())
    if groups:
        ids: set[int] = set()
        for group in groups:
            ids.update(group_members(group).values_list("pk", flat=True))
        people = people.filter(pk__in=ids)
    return sorted(people.values_list("pk", flat=True))


@transaction.atomic
def vote_freeze(*, actor: User, vote_id: int) -> Vote:
    """Write the electorate as it is now, with its size and fingerprint; nobody is added after."""
    vote = locked(vote_id)
    require(actor, "ballots.manage_vote", vote)
    if vote.status != Status.DRAFT:
        raise InvalidInput(_("The electorate of this vote is already frozen."))
    user_ids = electorate_now(vote)
    Elector.objects.bulk_create(Elector(vote=vote, user_id=user_id) for user_id in user_ids)
    vote.electorate_size = len(user_ids)
    vote.electorate_fingerprint = electorate_fingerprint(vote, user_ids)
    vote.status = Status.FROZEN
    vote.save(update_fields=["electorate_size", "electorate_fingerprint", "status"])
    if vote.opens_at:
        deadline_schedule(vote.opens_at)
    details = {"size": vote.electorate_size, "fingerprint": vote.electorate_fingerprint}
    audit_record(actor=actor, action=AuditEntry.Action.VOTE_FROZEN, target=vote, details=details)
    _announce(vote)
    return vote


def vote_open(*, actor: User | None, vote_id: int) -> Vote:
    """Open the ballot box (an official, or the deadline sweep at `opens_at` with `actor=None`).

    A vote held in a room with a sitting under way first has the quorum checked, and that
    check is kept whatever it found (the minutes, and a reconvened sitting, cite it); without
    quorum the vote does not open, unless the sitting deliberates without it (reconvened).
    The sitting also sets the mode: secret for an appointment or when a third asked, by roll
    call when a quarter asked (CGCT L2121-21).
    """
    vote = Vote.objects.filter(pk=vote_id).first()
    if vote is None:
        raise AccessDenied("ballots.view_vote")
    if actor is not None:
        require(actor, "ballots.manage_vote", vote)
    if vote.status != Status.FROZEN:
        raise InvalidInput(_("Only a vote whose electorate is frozen can be opened."))
    with transaction.atomic():  # the check is recorded even when it refuses the opening
        at_opening = sitting.at_opening(vote, actor)
    if at_opening is not None and not at_opening.may_deliberate:
        raise InvalidInput(
            _(
                "The quorum is not met: %(present)s members in office present and counted, %(required)s "
                "needed. The vote cannot open (CGCT L2121-17)."
            )
            % {"present": at_opening.quorum_present, "required": at_opening.quorum_required},
            code="no_quorum",
        )
    return _open(actor, vote_id, at_opening)


@transaction.atomic
def _open(actor: User | None, vote_id: int, at_opening: sitting.SittingAtOpening | None) -> Vote:
    vote = locked(vote_id)
    if vote.status != Status.FROZEN:
        raise InvalidInput(_("Only a vote whose electorate is frozen can be opened."))
    vote.status = Status.OPEN
    fields = ["status"]
    if at_opening is not None:
        vote.sitting = at_opening.to_dict()
        vote.secret = at_opening.mode == sitting.MODE_SECRET
        fields += ["sitting", "secret"]
    vote.save(update_fields=fields)
    sitting.opened(vote)
    if vote.closes_at:
        deadline_schedule(vote.closes_at)
    audit_record(actor=actor, action=AuditEntry.Action.VOTE_OPENED, target=vote,
                 details={"sitting": vote.sitting} if vote.sitting else None)
    _announce(vote)
    return vote


def ballot_cast(
    *, actor: User, vote_id: int, content: dict[str, Any], tracker: str | None = None,
    for_grantors: list[int] | None = None, room_id: int | None = None,
) -> Receipt:
    """Record that `actor` voted and put the ballot in the box, in one transaction, before answering.

    A retry of the same cast (same tracker, same content) is the same success, counted once;
    any other second cast is refused: there is no revoting in this mode. With `for_grantors`,
    a proxy holder present casts the same ballot for each grantor whose proxy runs for this
    sitting: one participation (kind proxy), one ballot and one receipt each; a grantor refused
    (already voted, no proxy) is told apart and loses nothing of the others. Emits a coalesced
    participation update after commit; no event, log or audit names the voter with the ballot.
    """
    tracker = receipt_tracker(tracker)
    with transaction.atomic():
        receipt = _cast(actor, vote_id, content, tracker, room_id)
        if for_grantors:
            receipt = Receipt(receipt.tracker, receipt.repeated, _cast_for_grantors(actor, vote_id, content, for_grantors))
    if (not receipt.repeated or any(proxy.tracker for proxy in receipt.proxies)) and participation.announce_soon(vote_id):
        ballots_flush(vote_id=vote_id)  # once per announcement, not per cast: the burst's ballots wait as one batch
    return receipt


def receipt_tracker(sent: str | None) -> str:
    """The receipt number a cast goes in with: the voter's own, read case-blind, or a new one."""
    tracker = tracker_new() if not sent else sent.strip().upper()
    if not TRACKER.match(tracker):
        raise InvalidInput(_("This receipt number is not well formed."))
    return tracker


def check_ballot(vote: Vote, content: dict[str, Any], keys: list[str] | None = None) -> None:
    """Refuse a ballot that does not fit the vote's method and options (online, batched or paper)."""
    problems = validate(vote.method, option_keys(vote) if keys is None else keys, content, grades=vote.grades,
                        min_choices=vote.min_choices, max_choices=vote.max_choices)
    if problems:
        raise InvalidInput(_("This ballot is not valid: %(problems)s") % {"problems": ", ".join(problems)})


def tracker_taken() -> InvalidInput:
    return InvalidInput(_("This receipt number is already used; try again with a new one."), code="tracker_taken")


def _cast(actor: User, vote_id: int, content: dict[str, Any], tracker: str, room_id: int | None = None) -> Receipt:
    vote = lock_for_casting(vote_id, room_id=room_id)  # a closing under way has been waited for
    if vote is None:
        raise AccessDenied("ballots.view_vote")
    elector = Elector.objects.filter(vote=vote, user=actor).annotate(
        voted=Exists(Participation.objects.filter(elector=OuterRef("pk")))
    ).first()
    # an elector missing a verification is told which, and where to obtain it (the rule says no too)
    requirement, held = _verified(actor, vote) if elector is not None else (Requirement(), set())
    with remembered():  # the rule asks whether they are an elector: the row just read says it
        remember(elector_key(actor.pk, vote.pk), elector is not None)
        require(actor, "ballots.cast_ballot", vote)
    if elector is None:  # the rule said no already; for the type checker
        raise AccessDenied("ballots.cast_ballot")
    if elector.voted:
        if BOX.holds(vote, tracker=tracker) == content:
            return Receipt(tracker=tracker, repeated=True)
        raise InvalidInput(_("You have already voted in this vote."), code="already_voted")
    if vote.present_only and not is_present(vote, actor):
        raise InvalidInput(_("Only those present at the meeting can vote."), code="not_present")
    check_ballot(vote, content)
    if BOX.holds(vote, tracker=tracker) is not None:
        raise tracker_taken()
    if not participations_recorded(vote, [elector]):  # the same person casting twice at the same moment
        raise InvalidInput(_("You have already voted in this vote."), code="already_voted")
    voter_name = "" if vote.secret else str(actor)
    BOX.cast(vote, tracker=tracker, content=content, voter_name=voter_name)
    # which verifications let them in: in its own table, the day only, no tracker (VerificationUse)
    verification_use_record(user=actor, council=vote.council, requirement=requirement,
                            target=f"ballots.vote:{vote.pk}", used=held)
    note_president_ballot(vote, actor.pk, tracker)
    return Receipt(tracker=tracker, repeated=False)


def note_president_ballot(vote: Vote, voter_id: int, tracker: str) -> None:
    """In a vote by name held in a sitting, keep which receipt is the president's own ballot.

    It is their casting vote on a tie (CGCT L2121-20). Names can be shared and changed,
    receipts cannot; a ballot by name is public with its voter's name, so this says nothing
    more. Never in a secret ballot.
    """
    if vote.secret or not vote.sitting or vote.sitting.get("president_id") != voter_id:
        return
    vote.sitting = {**vote.sitting, "president_tracker": tracker}
    Vote.objects.filter(pk=vote.pk).update(sitting=vote.sitting)


def participations_recorded(vote: Vote, electors: list[Elector]) -> set[uuid.UUID]:
    """Record that these electors voted online, in one statement (no savepoint); the electors recorded.

    The elector's unique participation decides between two casts of one person at the same
    moment: the second inserts nothing and is refused, the first's ballot alone goes in.
    """
    if not electors:
        return set()
    params: list[Any] = []
    for elector in electors:
        params += [uuid.uuid4(), vote.pk, elector.pk, Participation.Kind.ONLINE.value]
    values = ", ".join(["(%s, %s, %s, %s)"] * len(electors))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Participation._meta.db_table} (id, vote_id, elector_id, kind) VALUES {values}"  # noqa: S608 - names from the model
            " ON CONFLICT DO NOTHING RETURNING elector_id",
            params,
        )
        return {uuid.UUID(str(row[0])) for row in cursor.fetchall()}


def _cast_for_grantors(holder: User, vote_id: int, content: dict[str, Any], grantor_ids: list[int]) -> list[ProxyReceipt]:
    """One ballot per grantor, each in its own savepoint; the holder's own cast is already made."""
    vote = Vote.objects.select_related("council").get(pk=vote_id)
    held = sitting.proxies_held(vote, holder)
    receipts = []
    for grantor_id in dict.fromkeys(grantor_ids):
        if grantor_id not in held:
            receipts.append(ProxyReceipt(grantor_id, code="no_proxy", message=_(
                "You hold no proxy from this person for this sitting (revoked, expired, or they are present)."
            )))
            continue
        elector = Elector.objects.filter(vote=vote, user_id=grantor_id).first()
        if elector is None:
            receipts.append(ProxyReceipt(grantor_id, code="not_elector", message=_(
                "The person who gave you their proxy is not in this vote's electorate."
            )))
            continue
        try:
            with transaction.atomic():
                Participation.objects.create(vote=vote, elector=elector, kind=Participation.Kind.PROXY)
                proxy_tracker = tracker_new()
                voter_name = "" if vote.secret else _("%(grantor)s (by proxy to %(holder)s)") % {
                    "grantor": elector.user, "holder": holder}
                BOX.cast(vote, tracker=proxy_tracker, content=content, voter_name=voter_name)
        except IntegrityError:
            receipts.append(ProxyReceipt(grantor_id, code="already_voted", message=_(
                "The person who gave you their proxy has already voted in this vote."
            )))
            continue
        receipts.append(ProxyReceipt(grantor_id, tracker=proxy_tracker))
    return receipts


def ballot_cast_for_grantor(
    *, actor: User, vote_id: int, grantor_id: int, content: dict[str, Any], tracker: str | None = None,
    room_id: int | None = None,
) -> Receipt:
    """A proxy holder casts the ballot of one grantor, as that grantor's own: a ballot of its own.

    The holder's own vote is not touched (cast before, after, or not at all), so each grantor's
    ballot can differ from the holder's and from the other grantors'. One participation (kind
    proxy) and one receipt, for the holder to hand over; a retry of the same cast (same tracker,
    same content) is the same receipt, counted once. Refused, with its own code, when the proxy
    does not run now (`no_proxy`), the grantor is not an elector, or has voted already. As
    everywhere, nothing stored, logged or sent links the grantor or the holder to the ballot.
    """
    tracker = receipt_tracker(tracker)
    with transaction.atomic():
        receipt = _cast_for_grantor(actor, vote_id, grantor_id, content, tracker, room_id)
    if not receipt.repeated and participation.announce_soon(vote_id):
        ballots_flush(vote_id=vote_id)
    return receipt


def _cast_for_grantor(
    holder: User, vote_id: int, grantor_id: int, content: dict[str, Any], tracker: str, room_id: int | None
) -> Receipt:
    vote = lock_for_casting(vote_id, room_id=room_id)  # a closing under way has been waited for
    if vote is None:
        raise AccessDenied("ballots.view_vote")
    require(holder, "ballots.cast_ballot", vote)  # open, and the holder is an elector themself
    if vote.present_only and not is_present(vote, holder):
        raise InvalidInput(_("Only those present at the meeting can vote."), code="not_present")
    if grantor_id not in sitting.proxies_held(vote, holder):
        raise InvalidInput(_(
            "You hold no proxy from this person for this sitting (revoked, expired, or they are present)."
        ), code="no_proxy")
    elector = Elector.objects.filter(vote=vote, user_id=grantor_id).annotate(
        voted=Exists(Participation.objects.filter(elector=OuterRef("pk")))
    ).select_related("user").first()
    if elector is None:
        raise InvalidInput(_("The person who gave you their proxy is not in this vote's electorate."), code="not_elector")
    if elector.voted:  # annotated
        if BOX.holds(vote, tracker=tracker) == content:
            return Receipt(tracker=tracker, repeated=True)
        raise InvalidInput(_("The person who gave you their proxy has already voted in this vote."), code="already_voted")
    check_ballot(vote, content)
    if BOX.holds(vote, tracker=tracker) is not None:
        raise tracker_taken()
    try:
        with transaction.atomic():
            Participation.objects.create(vote=vote, elector=elector, kind=Participation.Kind.PROXY)
    except IntegrityError:  # the grantor's participation was taken at the same moment
        raise InvalidInput(
            _("The person who gave you their proxy has already voted in this vote."), code="already_voted"
        ) from None
    voter_name = "" if vote.secret else _("%(grantor)s (by proxy to %(holder)s)") % {
        "grantor": elector.user, "holder": holder}
    BOX.cast(vote, tracker=tracker, content=content, voter_name=voter_name)
    return Receipt(tracker=tracker, repeated=False)


def ballots_flush(*, vote_id: int) -> int:
    """Append a shuffled batch if enough ballots are pending; skip if another flush holds the vote."""
    with transaction.atomic():
        vote = Vote.objects.select_for_update(no_key=True, skip_locked=True).filter(pk=vote_id).first()
        if vote is None or vote.status != Status.OPEN:
            return 0
        return BOX.flush(vote)


@transaction.atomic
def vote_close(*, actor: User | None, vote_id: int) -> Vote:
    """Close the box: wait for the casts under way, append every pending ballot, count, store the result.

    `actor=None` is the deadline sweep at `closes_at`.
    """
    vote = locked(vote_id)
    if actor is not None:
        require(actor, "ballots.manage_vote", vote)
    if vote.status != Status.OPEN:
        raise InvalidInput(_("Only an open vote can be closed."))
    BOX.flush(vote, everything=True)
    box = BOX.ballots(vote)
    tie_break, reason = tie_break_for(vote, box)
    result = count(
        vote.method, option_keys(vote), [ballot["content"] for ballot in box], grades=vote.grades,
        min_choices=vote.min_choices, max_choices=vote.max_choices, tie_break=tie_break, tie_break_reason=reason,
    )
    vote.result = result.to_dict()
    vote.status = Status.CLOSED
    vote.closes_at = vote.closes_at or timezone.now()
    fields = ["result", "status", "closes_at"]
    if vote.sitting:  # the order the sitting's rules applied is the one published: a recount finds it
        vote.tie_break, vote.tie_break_reason = tie_break, reason or ""
        fields += ["tie_break", "tie_break_reason"]
    vote.save(update_fields=fields)
    audit_record(actor=actor, action=AuditEntry.Action.VOTE_CLOSED, target=vote, details={"head": vote.head})
    _announce(vote)
    return vote


#: the reasons a tie is broken in a sitting, stored in the result as these codes (ballots/results.py words them)
PRESIDENT_REASON = "president_casting_vote"
OLDEST_REASON = "oldest_candidate"


def tie_break_for(vote: Vote, box: list[dict[str, Any]]) -> tuple[list[str] | None, str | None]:
    """The order that breaks a tie, and why (council/voting/tally/ties.py applies it).

    Outside a sitting: the order prepared with the vote. In a sitting (CGCT L2121-20, -21): an
    appointment goes to the oldest candidate (the order prepared is the candidates, oldest
    first); another secret ballot has no casting vote; a vote by name goes the way the
    president voted, when the president cast a ballot of their own.
    """
    prepared = (vote.tie_break or None), (vote.tie_break_reason or None)
    if not vote.sitting:
        return prepared
    if vote.appointment:
        return (vote.tie_break, vote.tie_break_reason or OLDEST_REASON) if vote.tie_break else (None, None)
    if vote.secret:
        return None, None
    content = president_ballot(vote, box)
    if content is None:
        return None, None
    order = [content["choice"]] if content.get("choice") else content.get("ranking") or content.get("approved")
    return (list(order), PRESIDENT_REASON) if order else (None, None)


def president_ballot(vote: Vote, box: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ballot the sitting's president cast in person in this vote by name, or None.

    The president is the user recorded when the vote opened (`president_id`), not a name: they
    must be an elector who voted online themself (not on paper, not by proxy). Their receipt is
    noted when they cast (note_president_ballot). For a vote cast before receipts were noted, the
    president's is the one ballot bearing their name; if another elector shares that name, the
    ballot cannot be told apart and there is no casting vote (a tie left standing).
    """
    at_opening = vote.sitting or {}
    president_id = at_opening.get("president_id")
    if not president_id:
        return None
    tracker = at_opening.get("president_tracker")
    if tracker:  # noted when they cast it (note_president_ballot)
        return next((ballot["content"] for ballot in box if ballot["tracker"] == tracker), None)
    elector = Elector.objects.filter(vote=vote, user_id=president_id).select_related("user").first()
    if elector is None or not Participation.objects.filter(
        elector=elector, kind=Participation.Kind.ONLINE
    ).exists():
        return None
    name = str(elector.user)
    namesakes = Elector.objects.filter(vote=vote).exclude(pk=elector.pk).select_related("user")
    if any(str(other.user) == name for other in namesakes.only("user__display_name", "user__id")):
        return None
    theirs = [ballot["content"] for ballot in box if ballot.get("voter_name") == name]
    return theirs[0] if len(theirs) == 1 else None


@transaction.atomic
def vote_publish(*, actor: User, vote_id: int) -> Vote:
    """Make the result and the box public."""
    vote = locked(vote_id)
    require(actor, "ballots.manage_vote", vote)
    if vote.status != Status.CLOSED:
        raise InvalidInput(_("Only a counted vote can be published."))
    vote.status = Status.PUBLISHED
    vote.save(update_fields=["status"])
    audit_record(actor=actor, action=AuditEntry.Action.VOTE_PUBLISHED, target=vote, details={"head": vote.head})
    _announce(vote)
    return vote


#: the officials' steps of a vote, by name (its page's buttons, and ballots.step from the meeting)
VOTE_STEPS = {"freeze": vote_freeze, "open": vote_open, "close": vote_close, "publish": vote_publish}


def votes_purge(*, ended_before: datetime) -> int:
    """Delete the votes closed before `ended_before` with their electoral list, register of who
    voted, ballot box (roll-call names included) and paper ballots: their retention is over
    (council/core/retention.py); the minutes handed to the archives are the record. Rows deleted."""
    ended = Vote.objects.filter(status__in=(Vote.Status.CLOSED, Vote.Status.PUBLISHED), closes_at__lt=ended_before)
    deleted, _rows = ended.delete()
    return deleted
