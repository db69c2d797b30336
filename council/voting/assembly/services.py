"""Writes of the meeting rules: sittings, hall presence, quorum checks, proxies, vote-mode requests.

Every change is persisted, then announced to the room after commit: the sitting's whole
public state (`assembly.quorum_changed`, one per transaction however many writes) and, for
the hall, who came or went (`assembly.presence_changed`).
"""

from datetime import datetime
from datetime import timedelta
from typing import Any

from django.db import IntegrityError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.permissions import require_perm
from council.core.realtime import send_event_on_commit
from council.core.realtime import send_state_on_commit
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.services import audit_record
from council.rooms.events import room_group
from council.rooms.permissions import access_room
from council.voting.assembly import events
from council.voting.assembly import selectors
from council.voting.assembly.hall_code import hall_code_is_fresh
from council.voting.assembly.models import HallPresence
from council.voting.assembly.models import MeetingRules
from council.voting.assembly.models import Proxy
from council.voting.assembly.models import QuorumCheck
from council.voting.assembly.models import Sitting
from council.voting.assembly.models import VoteModeRequest
from council.voting.assembly.selectors import QuorumStatus

NO_SITTING = _("No sitting is open in this room.")


def _announce(sitting: Sitting) -> None:
    room = sitting.room
    send_state_on_commit(room_group(room.pk), events.QUORUM_CHANGED, lambda: selectors.public_state(room))


def _open_sitting(room_id: int, *, lock: bool = False) -> Sitting:
    sittings = Sitting.objects.select_related("room__council").filter(room_id=room_id, closed_at__isnull=True)
    sitting = (sittings.select_for_update(of=("self",)) if lock else sittings).first()
    if sitting is None:
        raise InvalidInput(NO_SITTING, code="no_sitting")
    return sitting


# -- sittings and the quorum


def _president(council: Council, user_id: int) -> User:
    """The person chosen to preside: a member in office of the council (the assembly)."""
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None or person.pk not in selectors.members_in_office(council=council):
        raise InvalidInput(_("The president is chosen among the members in office."), code="not_in_office")
    return person


@transaction.atomic
def sitting_open(
    *, actor: User, room_id: int, reconvened_from_id: int | None = None, president_id: int | None = None
) -> dict[str, Any]:
    """Open a sitting in the room, presided by `president_id`, and check the quorum at once (CGCT L2121-17).

    Without a president named, the official who opens it presides if they are a member in
    office; otherwise the sitting has no president until one is chosen (and no casting vote).
    """
    room = access_room(actor, room_id, perm="assembly.run_sitting", for_update=True)
    if Sitting.objects.filter(room=room, closed_at__isnull=True).exists():
        raise InvalidInput(_("A sitting is already open in this room."))
    first = None
    if reconvened_from_id is not None:
        first = Sitting.objects.filter(pk=reconvened_from_id, room__council=room.council).first()
        if first is None or first.closed_at is None:
            raise InvalidInput(_("Only a closed sitting of this council can be reconvened."))
    if president_id is not None:
        president: User | None = _president(room.council, president_id)
    else:
        president = actor if actor.pk in selectors.members_in_office(council=room.council) else None
    sitting = Sitting.objects.create(
        room=room, opened_at=timezone.now(), opened_by=actor, president=president, reconvened_from=first
    )
    status = quorum_check(sitting=sitting, actor=actor)
    return {"sitting_id": sitting.pk, "quorum": selectors.quorum_payload(status)}


@transaction.atomic
def sitting_president_set(*, actor: User, room_id: int, user_id: int) -> dict[str, Any]:
    """Choose another president for the sitting under way; the change is audited and announced.

    A vote already open keeps the president it opened with (recorded on the vote for its minutes).
    """
    room = access_room(actor, room_id, perm="assembly.run_sitting")
    sitting = _open_sitting(room.pk, lock=True)
    president = _president(room.council, user_id)
    if sitting.president_id == president.pk:
        return {"sitting_id": sitting.pk, "president_id": president.pk}
    before = sitting.president
    sitting.president = president
    sitting.save(update_fields=["president"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.PRESIDENT_CHANGED,
        target=sitting,
        details={
            "from": None if before is None else {"id": before.pk, "name": str(before)},
            "to": {"id": president.pk, "name": str(president)},
        },
    )
    _announce(sitting)
    return {"sitting_id": sitting.pk, "president_id": president.pk}


@transaction.atomic
def sitting_close(*, actor: User, room_id: int) -> dict[str, Any]:
    access_room(actor, room_id, perm="assembly.run_sitting")
    sitting = _open_sitting(room_id, lock=True)
    now = timezone.now()
    sitting.closed_at, sitting.closed_by = now, actor
    sitting.save(update_fields=["closed_at", "closed_by"])
    HallPresence.objects.filter(sitting=sitting, left_at__isnull=True).update(left_at=now)
    _announce(sitting)
    return {"sitting_id": sitting.pk}


def quorum_check(*, sitting: Sitting, actor: User | None = None) -> QuorumStatus:
    """Check the quorum now and record the check (when, figures, met) for the minutes.

    The ballots module calls it before each vote.
    """
    status = selectors.quorum_status(sitting)
    QuorumCheck.objects.create(
        sitting=sitting,
        checked_at=timezone.now(),
        checked_by=actor if actor is not None and actor.is_authenticated else None,
        in_office=status.in_office,
        required=status.required,
        present_counted=status.present_counted,
        met=status.met,
        without_quorum_allowed=status.without_quorum_allowed,
    )
    _announce(sitting)
    return status


@transaction.atomic
def quorum_check_requested(*, actor: User, room_id: int) -> dict[str, Any]:
    access_room(actor, room_id, perm="assembly.run_sitting")
    return {"quorum": selectors.quorum_payload(quorum_check(sitting=_open_sitting(room_id), actor=actor))}


# -- presence in the hall


def _member_for(sitting: Sitting, user_id: int) -> User:
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None or not person.has_perm("rooms.view_room", sitting.room):
        raise InvalidInput(_("This person is not part of this council's meetings."))
    return person


def _sign_in(sitting: Sitting, person: User, signed_by: User | None) -> bool:
    """Sign the person in; False if they were already in the hall (nothing changes)."""
    try:
        with transaction.atomic():
            HallPresence.objects.create(sitting=sitting, user=person, signed_by=signed_by, arrived_at=timezone.now())
    except IntegrityError:
        return False
    send_event_on_commit(
        room_group(sitting.room_id),
        events.HALL_PRESENCE_CHANGED,
        {"sitting_id": sitting.pk, "user_id": person.pk, "kind": "hall"},
    )
    _announce(sitting)
    return True


@transaction.atomic
def hall_sign_in(*, actor: User, sitting_id: int, user_id: int) -> bool:
    """An official signs a person into the hall (the sign-in page)."""
    sitting = _sitting_for_official(actor, sitting_id)
    return _sign_in(sitting, _member_for(sitting, user_id), actor)


@transaction.atomic
def hall_sign_out(*, actor: User, sitting_id: int, user_id: int) -> bool:
    """An official signs a person out of the hall; False if they were not in it."""
    sitting = _sitting_for_official(actor, sitting_id)
    left = HallPresence.objects.filter(sitting=sitting, user_id=user_id, left_at__isnull=True).update(
        left_at=timezone.now(), left_signed_by=actor
    )
    if left:
        send_event_on_commit(
            room_group(sitting.room_id),
            events.HALL_PRESENCE_CHANGED,
            {"sitting_id": sitting.pk, "user_id": user_id, "kind": None},
        )
        _announce(sitting)
    return bool(left)


@transaction.atomic
def hall_sign_in_by_code(*, actor: User, sitting_id: int, code: str) -> bool:
    """The person scanned the room's code: signed in if the code is fresh and the sitting open."""
    sitting = Sitting.objects.select_related("room__council").filter(pk=sitting_id, closed_at__isnull=True).first()
    if sitting is None or not actor.has_perm("rooms.view_room", sitting.room):
        raise AccessDenied(_("This sitting is not open, or not open to you."))
    if not hall_code_is_fresh(sitting.pk, code):
        raise InvalidInput(
            _("This code has expired: scan the code shown in the hall now."), code="stale_code"
        )
    return _sign_in(sitting, actor, None)


def _sitting_for_official(actor: User, sitting_id: int) -> Sitting:
    sitting = Sitting.objects.select_related("room__council").filter(pk=sitting_id).first()
    if sitting is None or not actor.has_perm("assembly.sign_in_people", sitting.room):
        raise AccessDenied("assembly.sign_in_people")
    if sitting.closed_at is not None:
        raise InvalidInput(_("This sitting is closed."))
    return sitting


# -- proxies (CGCT L2121-20)


@transaction.atomic
def proxy_give(
    *,
    actor: User,
    council: Council,
    holder_id: int,
    valid_until: datetime,
    statement: str,
    valid_from: datetime | None = None,
    grantor_id: int | None = None,
) -> Proxy:
    """A member in office gives a written proxy; an official enters a paper one (`grantor_id`, audited).

    At most `max_proxies_per_holder` proxies held at a time, and one given: checked under a
    lock on the council's rules, so two requests at once cannot both pass.
    """
    paper = grantor_id is not None and grantor_id != actor.pk
    if paper:
        require_perm(actor, "assembly.sign_in_people", council)
    else:
        require_perm(actor, "assembly.give_proxy", council)
    selectors.rules_get(council=council)
    rules = MeetingRules.objects.select_for_update().get(council=council)
    if not rules.proxies_allowed:
        raise InvalidInput(_("This council's rules do not allow proxies."))
    grantor_id = grantor_id if paper else actor.pk
    in_office = selectors.members_in_office(council=council)
    if grantor_id not in in_office or holder_id not in in_office:
        raise InvalidInput(_("A proxy is given by a member in office to another member in office."))
    if grantor_id == holder_id:
        raise InvalidInput(_("A proxy cannot be given to oneself."))
    statement = statement.strip()
    if not statement:
        raise InvalidInput(_("Write the statement of the proxy."))
    valid_from = valid_from or timezone.now()
    if valid_until <= valid_from:
        raise InvalidInput(_("A proxy must end after it starts."))
    if valid_until - valid_from > timedelta(days=rules.proxy_max_days):
        raise InvalidInput(
            _("A proxy may last at most %(days)s days under this council's rules.") % {"days": rules.proxy_max_days}
        )
    overlapping = selectors.overlapping_proxies(council=council, valid_from=valid_from, valid_until=valid_until)
    if overlapping.filter(grantor_id=grantor_id).exists():
        raise InvalidInput(_("This member has already given a proxy for this period: revoke it first."))
    if overlapping.filter(holder_id=holder_id).count() >= rules.max_proxies_per_holder:
        raise InvalidInput(
            _("This member already holds as many proxies as the rules allow (%(max)s) for this period.")
            % {"max": rules.max_proxies_per_holder},
            code="proxy_limit",
        )
    proxy = Proxy.objects.create(
        council=council,
        grantor_id=grantor_id,
        holder_id=holder_id,
        valid_from=valid_from,
        valid_until=valid_until,
        statement=statement,
        entered_by=actor if paper else None,
    )
    if paper:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.PROXY_ENTERED,
            council=council,
            details={"proxy": proxy.pk, "grantor": grantor_id, "holder": holder_id},
        )
    _announce_council(council)
    return proxy


@transaction.atomic
def proxy_revoke(*, actor: User, proxy_id: int) -> Proxy:
    """The grantor, or an official, revokes a proxy (a proxy is always revocable)."""
    proxy = Proxy.objects.select_for_update().select_related("council").filter(pk=proxy_id).first()
    if proxy is None or not (proxy.grantor_id == actor.pk or actor.has_perm("assembly.sign_in_people", proxy.council)):
        raise AccessDenied(_("This proxy does not exist or is not yours to revoke."))
    if proxy.revoked_at is None:
        proxy.revoked_at, proxy.revoked_by = timezone.now(), actor
        proxy.save(update_fields=["revoked_at", "revoked_by"])
        if proxy.grantor_id != actor.pk:
            audit_record(
                actor=actor, action=AuditEntry.Action.PROXY_REVOKED, council=proxy.council, details={"proxy": proxy.pk}
            )
        _announce_council(proxy.council)
    return proxy


def _announce_council(council: Council) -> None:
    for sitting in Sitting.objects.filter(room__council=council, closed_at__isnull=True).select_related("room"):
        _announce(sitting)


# -- requests for a roll-call vote or a secret ballot (CGCT L2121-21)


@transaction.atomic
def vote_mode_request(*, actor: User, room_id: int, kind: str) -> dict[str, Any]:
    """A member in office, present, asks for a vote mode; asking twice changes nothing."""
    room = access_room(actor, room_id, perm="assembly.request_vote_mode")
    sitting = _open_sitting(room.pk)
    if actor.pk not in selectors.counted_present(sitting):
        raise InvalidInput(_("Only members present at the sitting can ask for this."), code="not_present")
    VoteModeRequest.objects.get_or_create(sitting=sitting, user=actor, kind=kind)
    _announce(sitting)
    return {"requests": selectors.my_requests(user=actor, sitting=sitting)}


@transaction.atomic
def vote_mode_withdraw(*, actor: User, room_id: int, kind: str) -> dict[str, Any]:
    room = access_room(actor, room_id, perm="rooms.view_room")
    sitting = _open_sitting(room.pk)
    VoteModeRequest.objects.filter(sitting=sitting, user=actor, kind=kind).delete()
    _announce(sitting)
    return {"requests": selectors.my_requests(user=actor, sitting=sitting)}


def vote_mode_requests_clear(*, sitting: Sitting) -> None:
    """Start the requests afresh (the ballots module calls it once a vote is held)."""
    VoteModeRequest.objects.filter(sitting=sitting).delete()
    _announce(sitting)


# -- the rules page


@transaction.atomic
def rules_update(*, actor: User, rules: MeetingRules, changed: list[str]) -> MeetingRules:
    """Save the rules an administrator edited (a validated form's instance) and audit the change."""
    require_perm(actor, "assembly.manage_rules", rules.council)
    rules.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.MEETING_RULES_CHANGED, target=rules, details={"changed": changed}
    )
    _announce_council(rules.council)
    return rules


def sittings_purge(*, ended_before: datetime) -> int:
    """Delete the sittings closed before `ended_before` with their sign-in sheets, quorum checks and
    vote-mode requests: their retention is over (council/core/retention.py). Rows deleted."""
    deleted, _rows = Sitting.objects.filter(closed_at__lt=ended_before).delete()
    return deleted


def proxies_purge(*, ended_before: datetime) -> int:
    """Delete the proxies that ended (expired or revoked) before `ended_before`. Rows deleted."""
    ended = Proxy.objects.filter(Q(valid_until__lt=ended_before) | Q(revoked_at__lt=ended_before))
    deleted, _rows = ended.delete()
    return deleted
