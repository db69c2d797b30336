"""Reads of the meeting rules: members in office, who is present, the quorum, proxies, requests.

The ballots module calls `quorum_status`, `present_people`, `is_present` and `proxies_held`
(and the service `quorum_check` before each vote, which records the check for the minutes).
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import Literal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.accounts.models import User
from council.core.memo import recall
from council.core.memo import remember
from council.councils.models import Council
from council.councils.permissions import MEMBER_ROLES
from council.councils.selectors import member_list
from council.councils.selectors import roles_recalled
from council.groups.selectors import group_members
from council.rooms.models import Room
from council.rooms.selectors import present_user_ids
from council.rooms.selectors import rooms_remembered
from council.voting.assembly.models import HallPresence
from council.voting.assembly.models import MeetingRules
from council.voting.assembly.models import Proxy
from council.voting.assembly.models import QuorumCheck
from council.voting.assembly.models import Sitting
from council.voting.assembly.models import VoteModeRequest

PresenceKind = Literal["hall", "online"]
HALL: PresenceKind = "hall"
ONLINE: PresenceKind = "online"


def rules_get(*, council: Council) -> MeetingRules:
    """The council's rules, created with the CGCT's defaults the first time they are asked for."""
    def compute() -> MeetingRules:
        rules, _created = MeetingRules.objects.get_or_create(council=council)
        return rules

    return recall(("assembly.rules", council.pk), compute)


def members_in_office(*, council: Council) -> set[int]:
    """The ids of the council's members in office (who make up the quorum and may hold proxies).

    The group the administrators chose, or everyone holding the member role or higher.
    """

    def compute() -> set[int]:
        rules = rules_get(council=council)
        if rules.members_group_id is not None and rules.members_group is not None:
            return set(group_members(rules.members_group).values_list("pk", flat=True))
        return {user_id for user_id, role in member_list(council=council) if role in MEMBER_ROLES}

    return recall(("assembly.members_in_office", council.pk), compute)


def members_in_office_among(*, council: Council, user_ids: list[int]) -> set[int]:
    """Which of these people are members in office, reading their rows only.

    A socket's connect asks it of one person: reading every member of the council (thousands)
    for each of thousands of sockets made a crowd's connect quadratic.
    """
    rules = rules_get(council=council)
    if rules.members_group_id is not None and rules.members_group is not None:
        return set(group_members(rules.members_group).filter(pk__in=user_ids).values_list("pk", flat=True))
    return {
        user_id for user_id, role in roles_recalled(council=council, user_ids=user_ids).items() if role in MEMBER_ROLES
    }


def is_member_in_office(*, user: User, council: Council) -> bool:
    return user.is_authenticated and user.pk in members_in_office(council=council)


def sitting_open_in(*, room: Room) -> Sitting | None:
    """The sitting under way in the room, if any."""
    return recall(
        ("assembly.sitting_open", room.pk),
        lambda: Sitting.objects.filter(room=room, closed_at__isnull=True)
        .select_related("room__council", "president")
        .first(),
    )


def present_people(sitting: Sitting) -> dict[int, PresenceKind]:
    """Everyone present at the sitting now: {user id: "hall" | "online"}; the hall wins over online.

    Online presence is the room's own (people connected to it, council/rooms/selectors.py),
    read only while the sitting is open; whether each kind counts is the rules' business.
    """
    if sitting.closed_at is not None:
        return {}

    def compute() -> dict[int, PresenceKind]:
        present: dict[int, PresenceKind] = dict.fromkeys(present_user_ids(room=sitting.room), ONLINE)
        hall = HallPresence.objects.filter(sitting=sitting, left_at__isnull=True).values_list("user_id", flat=True)
        for user_id in hall:
            present[user_id] = HALL
        return present

    return recall(("assembly.present", sitting.pk), compute)


def is_present(user: User, sitting: Sitting) -> bool:
    """Whether the person is present (in the hall or online), whatever the rules count."""
    return user.is_authenticated and user.pk in present_people(sitting)


def counted_present(sitting: Sitting) -> set[int]:
    """The members in office present in a kind the rules count toward the quorum (and the thresholds)."""
    rules = rules_get(council=sitting.room.council)
    counted = {kind for kind, counts in ((HALL, rules.hall_counts), (ONLINE, rules.online_counts)) if counts}
    in_office = members_in_office(council=sitting.room.council)
    return {user_id for user_id, kind in present_people(sitting).items() if kind in counted and user_id in in_office}


@dataclass(frozen=True)
class QuorumStatus:
    """The quorum as it stands; `met or without_quorum_allowed` lets the sitting deliberate."""

    in_office: int
    required: int
    present_counted: int
    met: bool
    without_quorum_allowed: bool
    online_counts: bool = False
    proxies_count: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def may_deliberate(self) -> bool:
        return self.met or self.without_quorum_allowed


def quorum_required(*, rules: MeetingRules, in_office: int) -> int:
    """Fewest people that make "more than numerator/denominator of those in office" (CGCT: 10 → 6)."""
    return in_office * rules.quorum_numerator // rules.quorum_denominator + 1


def quorum_status(sitting: Sitting) -> QuorumStatus:
    """Whether the quorum is met now (CGCT L2121-17), with the reasons in the person's language."""
    council = sitting.room.council
    rules = rules_get(council=council)
    in_office = len(members_in_office(council=council))
    required = quorum_required(rules=rules, in_office=in_office)
    present = counted_present(sitting)
    counted = len(present)
    reasons = [
        ngettext(
            "%(present)s of %(in_office)s member in office present and counted; %(required)s needed.",
            "%(present)s of %(in_office)s members in office present and counted; %(required)s needed.",
            in_office,
        )
        % {"present": counted, "in_office": in_office, "required": required}
    ]
    if not rules.online_counts:
        reasons.append(_("People following online do not count toward the quorum (the council's rules)."))
    if rules.proxies_count:
        proxies = proxies_active(council=council, holders=present, at=timezone.now(), sitting=sitting)
        counted += len({proxy.grantor_id for proxy in proxies} - present)
    else:
        reasons.append(_("Proxies do not count toward the quorum."))
    allowed = without_quorum_allowed(sitting, rules=rules)
    if allowed:
        reasons.append(_("This sitting reconvenes one held without quorum: it deliberates whatever the number present."))
    return QuorumStatus(
        in_office=in_office,
        required=required,
        present_counted=counted,
        met=counted >= required,
        without_quorum_allowed=allowed,
        online_counts=rules.online_counts,
        proxies_count=rules.proxies_count,
        reasons=reasons,
    )


def without_quorum_allowed(sitting: Sitting, *, rules: MeetingRules | None = None) -> bool:
    """A reconvened sitting deliberates without quorum if the first lacked it and the delay has passed."""
    first = sitting.reconvened_from
    if first is None:
        return False
    rules = rules or rules_get(council=sitting.room.council)
    lacked = QuorumCheck.objects.filter(sitting=first, met=False).exists()
    return lacked and sitting.opened_at >= first.opened_at + timedelta(days=rules.reconvene_days)


def last_quorum_check(sitting: Sitting) -> QuorumCheck | None:
    return QuorumCheck.objects.filter(sitting=sitting).order_by("-checked_at", "-pk").first()


def proxies_active(
    *, council: Council, at: datetime, holders: set[int] | None = None, sitting: Sitting | None = None
) -> list[Proxy]:
    """Proxies valid at `at`, not revoked, between members in office; during a sitting, not those
    whose grantor is in the hall (the grantor present votes himself)."""
    proxies = Proxy.objects.filter(council=council, revoked_at__isnull=True, valid_from__lte=at, valid_until__gt=at)
    if holders is not None:
        proxies = proxies.filter(holder_id__in=holders)
    if sitting is not None:
        in_hall = HallPresence.objects.filter(sitting=sitting, left_at__isnull=True).values("user_id")
        proxies = proxies.exclude(grantor_id__in=in_hall)
    in_office = members_in_office(council=council)
    return [p for p in proxies.select_related("grantor", "holder") if p.grantor_id in in_office and p.holder_id in in_office]


def proxies_held(holder: User, sitting: Sitting) -> list[User]:
    """The grantors whose vote `holder` carries at this sitting now (for the ballots module)."""
    proxies = proxies_active(
        council=sitting.room.council, at=timezone.now(), holders={holder.pk}, sitting=sitting
    )
    return [proxy.grantor for proxy in proxies]


def proxies_of(*, user: User, council: Council) -> dict[str, list[Proxy]]:
    """A person's proxies, given and held, that are still running or to come."""
    now = timezone.now()
    running = Proxy.objects.filter(council=council, revoked_at__isnull=True, valid_until__gt=now)
    return {
        "given": list(running.filter(grantor=user).select_related("holder")),
        "held": list(running.filter(holder=user).select_related("grantor")),
    }


def overlapping_proxies(*, council: Council, valid_from: datetime, valid_until: datetime) -> Any:
    """Proxies not revoked whose period meets [valid_from, valid_until)."""
    return Proxy.objects.filter(
        Q(council=council, revoked_at__isnull=True) & Q(valid_from__lt=valid_until, valid_until__gt=valid_from)
    )


def threshold_met(*, count: int, present: int, numerator: int, denominator: int) -> bool:
    """At least numerator/denominator of those present asked (and at least one did)."""
    return count > 0 and count * denominator >= present * numerator


def threshold_needed(*, present: int, numerator: int, denominator: int) -> int:
    """Fewest requests that reach the fraction of those present (a quarter of 10 → 3)."""
    return max(1, -(-present * numerator // denominator))


def requests_status(sitting: Sitting) -> dict[str, Any]:
    """The requests for a roll-call vote and a secret ballot against their thresholds (CGCT L2121-21).

    Counted among the members in office present (as the rules count presence); a request
    from someone who has since left no longer counts.
    """
    rules = rules_get(council=sitting.room.council)
    present = counted_present(sitting)
    counts = dict.fromkeys(VoteModeRequest.Kind.values, 0)
    for kind in VoteModeRequest.objects.filter(sitting=sitting, user_id__in=present).values_list("kind", flat=True):
        counts[kind] += 1
    fractions = {
        VoteModeRequest.Kind.ROLL_CALL: (rules.roll_call_numerator, rules.roll_call_denominator),
        VoteModeRequest.Kind.SECRET: (rules.secret_numerator, rules.secret_denominator),
    }
    status: dict[str, Any] = {"present": len(present)}
    for kind, (numerator, denominator) in fractions.items():
        status[kind.value] = {
            "count": counts[kind.value],
            "needed": threshold_needed(present=len(present), numerator=numerator, denominator=denominator),
            "met": threshold_met(count=counts[kind.value], present=len(present), numerator=numerator, denominator=denominator),
        }
    return status


def my_requests(*, user: User, sitting: Sitting) -> list[str]:
    return sorted(VoteModeRequest.objects.filter(sitting=sitting, user_id=user.pk).values_list("kind", flat=True))


def quorum_payload(status: QuorumStatus) -> dict[str, Any]:
    return {
        "in_office": status.in_office,
        "required": status.required,
        "present_counted": status.present_counted,
        "met": status.met,
        "without_quorum_allowed": status.without_quorum_allowed,
        "online_counts": status.online_counts,
        "proxies_count": status.proxies_count,
    }


def president_view(sitting: Sitting) -> dict[str, Any] | None:
    """Who presides the sitting, as everyone sees it."""
    president = sitting.president
    return None if president is None else {"id": president.pk, "name": str(president.public_name)}


def public_state(room: Room) -> dict[str, Any]:
    """What everyone following the room sees of its sitting: quorum figures, presence counts, requests."""
    sitting = sitting_open_in(room=room)
    if sitting is None:
        return {"room_id": room.pk, "sitting": None}
    present = present_people(sitting)
    status = quorum_status(sitting)
    last = last_quorum_check(sitting)
    return {
        "room_id": room.pk,
        "sitting": {
            "id": sitting.pk,
            "opened_at": sitting.opened_at.isoformat(),
            "reconvened": sitting.reconvened_from_id is not None,
            "president": president_view(sitting),
            "quorum": quorum_payload(status),
            "last_check": None
            if last is None
            else {"checked_at": last.checked_at.isoformat(), "met": last.met, "present_counted": last.present_counted},
            "present": {
                "hall": sum(1 for kind in present.values() if kind == HALL),
                "online": sum(1 for kind in present.values() if kind == ONLINE),
            },
            "requests": requests_status(sitting),
        },
    }


#: memo keys whose answers depend on who is present (dropped when sockets enter rooms: council/rooms/moves.py)
PRESENCE_KEYS = ("assembly.present", "assembly.personal", "assembly.public_state")


def _personal_key(room_id: int, user_id: int) -> tuple[str, int, int]:
    return ("assembly.personal", room_id, user_id)


def personal_views_remember(users: list[Any], rooms: list[Room]) -> None:
    """Read the people's own part of the section (presence, proxies, requests) for all of them at once (a wave).

    Read once they are in the room: their presence is part of it.
    """
    user_ids = [user.pk for user in users]
    for room in rooms:
        sitting = sitting_open_in(room=room)
        for user_id, view in personal_views(council=room.council, user_ids=user_ids, sitting=sitting).items():
            remember(_personal_key(room.pk, user_id), view)


def public_states_remember(room_ids: set[int]) -> None:
    """Read each room's public state once for everyone entering it (a wave)."""
    for room in rooms_remembered(room_ids).values():  # read by the rooms' views just before
        remember(("assembly.public_state", room.pk), public_state(room))


def personal_view(*, user: User, room: Room) -> dict[str, Any]:
    return recall(
        _personal_key(room.pk, user.pk),
        lambda: personal_views(council=room.council, user_ids=[user.pk], sitting=sitting_open_in(room=room))[user.pk],
    )


def personal_views(*, council: Council, user_ids: list[int], sitting: Sitting | None) -> dict[int, dict[str, Any]]:
    """Each person's presence, proxies (given and held, running or to come) and requests, in a few queries."""
    in_office = members_in_office_among(council=council, user_ids=user_ids)
    present = present_people(sitting) if sitting else {}
    views: dict[int, dict[str, Any]] = {
        user_id: {
            "in_office": user_id in in_office,
            "presence": present.get(user_id),
            "proxies_given": [],
            "proxies_held": [],
            "requests": [],
        }
        for user_id in user_ids
    }
    running = Proxy.objects.filter(
        Q(grantor_id__in=user_ids) | Q(holder_id__in=user_ids),
        council=council, revoked_at__isnull=True, valid_until__gt=timezone.now(),
    ).select_related("grantor", "holder")
    for proxy in running.order_by("valid_from", "pk"):
        if proxy.grantor_id in views:
            views[proxy.grantor_id]["proxies_given"].append(_proxy_view(proxy.holder, proxy))
        if proxy.holder_id in views:
            views[proxy.holder_id]["proxies_held"].append(_proxy_view(proxy.grantor, proxy))
    if sitting is not None:
        asked = VoteModeRequest.objects.filter(sitting=sitting, user_id__in=user_ids).order_by("kind")
        for user_id, kind in asked.values_list("user_id", "kind"):
            views[user_id]["requests"].append(kind)
    return views


def _proxy_view(person: User, proxy: Proxy) -> dict[str, Any]:
    return {"id": proxy.pk, "name": str(person.public_name), "valid_until": proxy.valid_until.isoformat()}
