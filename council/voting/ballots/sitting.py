"""What a vote held in a sitting asks of the meeting rules: quorum, proxies, mode, president.

Ballots does not import the assembly module (a vote can be held without meeting rules);
assembly fills this registry from council/voting/assembly/for_ballots.py. Until it does,
a vote knows no sitting: no quorum check, no proxy, its mode as prepared.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from council.accounts.models import User
    from council.voting.ballots.models import Vote

#: why a vote is held in a mode, as recorded at opening (the minutes say it)
MODE_ROLL_CALL = "roll_call"
MODE_SECRET = "secret"  # noqa: S105 - a mode, not a password
MODE_PUBLIC = "public"


@dataclass(frozen=True)
class SittingAtOpening:
    """The sitting a vote opens in, as it stood: recorded on the vote (`Vote.sitting`) for the minutes."""

    sitting_id: int
    opened_at: str
    president_id: int | None
    president_name: str
    quorum_present: int
    quorum_required: int
    quorum_met: bool
    without_quorum_allowed: bool
    quorum_checked_at: str
    mode: str  # roll_call | secret | public
    mode_reason: str  # appointment | secret_requested | roll_call_requested | as_prepared
    requests: dict[str, Any] = field(
        default_factory=dict
    )  # assembly's requests_status, as it stood

    @property
    def may_deliberate(self) -> bool:
        return self.quorum_met or self.without_quorum_allowed

    def to_dict(self) -> dict[str, Any]:
        return {
            "sitting_id": self.sitting_id,
            "opened_at": self.opened_at,
            "president_id": self.president_id,
            "president_name": self.president_name,
            "quorum": {
                "present": self.quorum_present,
                "required": self.quorum_required,
                "met": self.quorum_met,
                "without_quorum_allowed": self.without_quorum_allowed,
                "checked_at": self.quorum_checked_at,
            },
            "mode": self.mode,
            "mode_reason": self.mode_reason,
            "requests": self.requests,
        }


@dataclass(frozen=True)
class SittingRules:
    """The assembly's answers. `at_opening(vote, actor)` checks (and records) the quorum, None
    when no sitting is open in the vote's room; `proxies_held(vote, holder)` the ids of the
    grantors whose vote the holder carries now; `opened(vote)`, in the opening's transaction,
    lets the requests for a vote mode start afresh for the next vote."""

    at_opening: Callable[["Vote", "User | None"], SittingAtOpening | None]
    proxies_held: Callable[["Vote", "User"], set[int]]
    opened: Callable[["Vote"], None]


_rules: list[SittingRules] = []


def register_sitting_rules(rules: SittingRules) -> None:
    """Let the meeting rules answer for votes held in a sitting (the last registered wins)."""
    _rules.append(rules)


def at_opening(vote: "Vote", actor: "User | None") -> SittingAtOpening | None:
    if not _rules or vote.room_id is None:
        return None
    return _rules[-1].at_opening(vote, actor)


def proxies_held(vote: "Vote", holder: "User") -> set[int]:
    if not _rules or vote.room_id is None:
        return set()
    return _rules[-1].proxies_held(vote, holder)


def opened(vote: "Vote") -> None:
    if _rules and vote.sitting:
        _rules[-1].opened(vote)
