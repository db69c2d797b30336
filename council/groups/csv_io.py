"""CSV export and import of the members of a static group.

An import is all or nothing: every line is checked first, and if any is rejected
nothing is written and the caller gets the list of rejected lines with reasons.
"""

import csv
import io
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import TextIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import InvalidInput
from council.core.parsing import first_nul_line
from council.core.permissions import require_perm
from council.councils.models import AuditEntry
from council.councils.selectors import roles_of
from council.councils.services import audit_record
from council.groups import services
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.selectors import group_members

MAX_BYTES = 1024 * 1024
#: A rejected import lists this many lines and counts the rest (60,000 made a 6.9 MB page).
REJECTED_SHOWN = 50
EXPORT_COLUMNS = ["email", "display_name", "status", "coordinator"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Rejected:
    line: int
    email: str
    reason: str


@dataclass
class ImportReport:
    """What an import did: `imported` people, or nothing and the `rejected` lines."""

    imported: list[Any] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    status: str = Membership.Status.INVITED

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def rejected_shown(self) -> list[Rejected]:
        return self.rejected[:REJECTED_SHOWN]

    @property
    def rejected_hidden(self) -> int:
        return max(0, len(self.rejected) - REJECTED_SHOWN)


def _cell(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def export_members(*, actor: User, group: NeighbourhoodGroup, out: TextIO) -> int:
    """Write the group's people as CSV (email, display name, status, coordinator); return the count."""
    require_perm(actor, "groups.export_members", group)
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    if group.kind == NeighbourhoodGroup.Kind.STATIC:
        rows = (
            (m.user.email, m.user.display_name, m.status, m.is_coordinator)
            for m in group.memberships.select_related("user").order_by("user__email")
        )
    else:
        rows = (
            (u.email, u.display_name, Membership.Status.ACTIVE, False)
            for u in group_members(group).order_by("email")
        )
    count = 0
    for email, name, status, coordinator in rows:
        writer.writerow([_cell(email), _cell(name), status, "yes" if coordinator else "no"])
        count += 1
    # Who took the list of people out of the council, and how many: an export is audited.
    audit_record(actor=actor, action=AuditEntry.Action.MEMBERS_EXPORTED, target=group, details={"count": count})
    return count


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 1 MB; split it into smaller files."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            _("The file is not UTF-8 text (line %(line)s). Save it as “CSV UTF-8” and try again.")
            % {"line": data[: error.start].count(b"\n") + 1}
        ) from error
    nul_line = first_nul_line(text)
    if nul_line is not None:
        raise InvalidInput(nul_message(nul_line))
    return text


def nul_message(line: int) -> str:
    return _("Line %(line)s holds a NUL character: the file is not CSV text.") % {"line": line}


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration as error:
        raise InvalidInput(_("The file is empty.")) from error
    except csv.Error as error:
        raise InvalidInput(_("The file is not valid CSV: %(error)s") % {"error": error}) from error
    if "email" not in header:
        raise InvalidInput(_("The first line must name the columns, with one called “email”."))
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append((reader.line_num, dict(zip(header, (v.strip() for v in values), strict=False))))
    except csv.Error as error:
        raise InvalidInput(
            _("Line %(line)s is not valid CSV: %(error)s") % {"line": reader.line_num, "error": error}
        ) from error
    if not rows:
        raise InvalidInput(_("The file has no line after the column names."))
    return rows


def check_import(*, group: NeighbourhoodGroup, data: bytes) -> tuple[list[tuple[int, Any]], list[Rejected]]:
    """Check every line; return the (line, person) pairs to import and the rejected lines."""
    rows = _rows(_decode(data))
    emails = {row.get("email", "").lower() for _line, row in rows}
    found = get_user_model().objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    users = {u.email.lower(): u for u in found}
    roles = roles_of(council=group.council, user_ids=[u.pk for u in users.values()])
    existing = dict(
        Membership.objects.filter(group=group, user__in=users.values()).values_list("user_id", "status")
    )
    accepted, rejected, seen = [], [], {}
    for line, row in rows:
        email = row.get("email", "")
        reason = _reason(email, users, roles, existing, seen)
        if reason:
            rejected.append(Rejected(line=line, email=email, reason=reason))
        else:
            accepted.append((line, users[email.lower()]))
        seen.setdefault(email.lower(), line)
    return accepted, rejected


def _reason(email: str, users: dict, roles: dict, existing: dict, seen: dict) -> str:
    try:
        validate_email(email)
    except ValidationError:
        return _("This is not a valid e-mail address.") if email else _("The e-mail address is missing.")
    if email.lower() in seen:
        return _("Same address as line %(line)s.") % {"line": seen[email.lower()]}
    user = users.get(email.lower())
    if user is None:
        return _("Nobody has an account with this address.")
    if user.pk not in roles:
        return _("This person has no role in the council.")
    status = existing.get(user.pk)
    if status == Membership.Status.ACTIVE:
        return _("Already a member of the group.")
    if status == Membership.Status.INVITED:
        return _("Already invited to the group.")
    return ""


def import_members(*, actor: User, group: NeighbourhoodGroup, data: bytes, add_directly: bool = False) -> ImportReport:
    """Invite (or, for a manager who asks, add) everyone in the CSV, or nobody if a line is rejected.

    InvalidInput for a file that cannot be read at all (size, encoding, no "email" column).
    """
    require_perm(actor, "groups.import_members", group)
    if add_directly:
        require_perm(actor, "groups.manage_groups", group.council)
    accepted, rejected = check_import(group=group, data=data)
    status = Membership.Status.ACTIVE if add_directly else Membership.Status.INVITED
    if rejected:
        return ImportReport(rejected=rejected, status=status)
    with transaction.atomic():
        for _line, user in accepted:
            if add_directly:
                services.membership_add(actor=actor, group=group, user=user)
            else:
                services.membership_invite(actor=actor, group=group, user=user)
        audit_record(
            actor=actor, action=AuditEntry.Action.MEMBERS_IMPORTED, target=group,
            details={"count": len(accepted), "status": status},
        )
    return ImportReport(imported=[user for _line, user in accepted], status=status)
