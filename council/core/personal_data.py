"""What each model holds about a person, declared by its app, so that export and deletion miss nothing.

A person may download everything Council holds about them and delete their account
(GDPR articles 15, 17 and 20). Each app declares, in its `personal_data.py` imported
from `AppConfig.ready`, every link from one of its models to a person: which fields
are exported, and what becomes of the rows when the person leaves. A test fails on a
link to the user model that no app declared, so a new model cannot escape export
and deletion.

This module knows no app: it holds the declarations; `council.accounts.selectors`
reads them for the export and `council.accounts.services.account_delete` applies them.
"""

from dataclasses import dataclass
from typing import Any

#: the rows are removed with the account
DELETE = "delete"
#: the link is emptied (a nullable "who did it" on somebody else's record)
FORGET = "forget"
#: something the person wrote for others to read: signed by the former participant placeholder
#: instead of the person, or removed, as the council chose
CONTRIBUTION = "contribution"
#: kept exactly, by law or for a vote's audit; `reason` and `retention` say why and how long
KEEP = "keep"

POLICIES = (DELETE, FORGET, CONTRIBUTION, KEEP)


@dataclass(frozen=True)
class PersonalData:
    model: str  # "app_label.Model"
    person: str  # lookup from the model to the person ("user", "elector__user")
    policy: str
    fields: tuple[str, ...]  # exported, as `values()` lookups
    title: Any  # (lazy) text naming the rows on the person's page and in the export
    council: str = ""  # lookup to the council whose setting decides a CONTRIBUTION
    reason: Any = ""  # KEEP: the legal basis
    retention: Any = ""  # KEEP: how long
    kept_as: str = ""  # KEEP: its kind in council/core/retention.py, purged once its retention is over
    #: other fields set when the link is anonymised or forgotten (a request id unique per author);
    #: "{token}" in a value becomes a token drawn once per deletion
    also_set: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.model}.{self.person}"


_declared: dict[str, PersonalData] = {}


def holds_personal_data(
    model: str,
    person: str,
    *,
    policy: str,
    title: Any,
    fields: tuple[str, ...] = (),
    council: str = "",
    reason: Any = "",
    retention: Any = "",
    kept_as: str = "",
    also_set: dict[str, str] | None = None,
) -> None:
    """Declare that `model`'s `person` lookup names a person, and what export and deletion do."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    if policy == KEEP and not (reason and retention and kept_as):
        raise ValueError(f"{model}.{person}: a kept record needs its legal basis, retention and kind (kept_as)")
    if policy == CONTRIBUTION and not council:
        raise ValueError(f"{model}.{person}: a contribution needs the lookup to its council")
    entry = PersonalData(
        model=model, person=person, policy=policy, fields=fields, title=title,
        council=council, reason=reason, retention=retention, kept_as=kept_as, also_set=tuple((also_set or {}).items()),
    )
    _declared[entry.label] = entry


def personal_data() -> list[PersonalData]:
    """Every declaration, in a stable order (by model, then lookup)."""
    return [_declared[label] for label in sorted(_declared)]
