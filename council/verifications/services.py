"""Writes: import a census list, check a resident against it, issue and redeem codes, revoke, log uses."""

import csv
import io
import secrets
import unicodedata
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.accounts.models import Verification
from council.accounts.services import verification_record
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.parsing import first_nul_line
from council.core.permissions import require_perm
from council.core.ratelimit import parse_rate
from council.core.realtime import send_event_on_commit
from council.councils.events import user_group
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.services import audit_record
from council.verifications import events
from council.verifications import kinds
from council.verifications.models import CENSUS_FIELDS
from council.verifications.models import CensusAttempt
from council.verifications.models import CensusEntry
from council.verifications.models import CensusList
from council.verifications.models import VerificationCode
from council.verifications.models import VerificationUse
from council.verifications.requirements import Requirement

MAX_CENSUS_BYTES = 20 * 1024 * 1024
#: A rejected import names this many lines and counts the others.
REJECTED_SHOWN = 20
#: Codes are read aloud and typed from letters: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
MAX_CODES = 500


def _plain(text: str) -> str:
    """Case, accents, hyphens and spaces set aside: "Lefèvre-Durand " == "LEFEVRE DURAND"."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(letters.replace("-", " ").replace("'", " ").split())


def _birth_date(text: str) -> str:
    text = text.strip()
    for shape in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, shape).date().isoformat()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(text)


def normalised(field: str, value: str) -> str:
    """The form a field is hashed in; ValueError for a birth date that is not one."""
    if field == "birth_date":
        return _birth_date(value)
    if field == "postcode":
        return "".join(value.split()).upper()
    return _plain(value)


def census_digest(census: CensusList, values: dict[str, str]) -> str:
    """The keyed hash of one resident's fields, in the list's field order."""
    line = "\x1f".join(normalised(field, values.get(field, "")) for field in census.fields)
    return salted_hmac(f"council.verifications.census:{census.salt}", line, algorithm="sha256").hexdigest()


def _census_rows(data: bytes, fields: list[str]) -> list[tuple[int, dict[str, str]]]:
    if len(data) > MAX_CENSUS_BYTES:
        raise InvalidInput(_("The file is larger than 20 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from error
    if first_nul_line(text) is not None:
        raise InvalidInput(_("The file is not CSV text."))
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if first_line.count(";") > first_line.count(",") else ",")
    try:
        header = [name.strip().lower() for name in next(reader)]
        missing = [field for field in fields if field not in header]
        if missing:
            raise InvalidInput(
                _("The first line must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        rows = [
            (reader.line_num, dict(zip(header, values, strict=False)))
            for values in reader
            if any(value.strip() for value in values)
        ]
    except StopIteration as error:
        raise InvalidInput(_("The file is empty.")) from error
    except csv.Error as error:
        raise InvalidInput(_("Line %(line)s is not valid CSV.") % {"line": reader.line_num}) from error
    if not rows:
        raise InvalidInput(_("The file has no line after the column names."))
    return rows


def _census_fields(fields: list[str]) -> list[str]:
    if len(fields) < 2 or len(set(fields)) != len(fields) or any(f not in CENSUS_FIELDS for f in fields):
        raise InvalidInput(_("Choose at least two of the fields a resident must give."))
    return [field for field in CENSUS_FIELDS if field in fields]


def census_import(*, actor: User, council: Council, fields: list[str], data: bytes) -> CensusList:
    """Replace the council's census list with the CSV's lines, all or nothing.

    Every line is checked first: if one lacks a field or has a birth date that is not a date,
    nothing changes and InvalidInput names the lines. Verifications already obtained stay.
    """
    require_perm(actor, "verifications.import_census", council)
    fields = _census_fields(fields)
    rows = _census_rows(data, fields)
    salt = secrets.token_hex(16)
    draft = CensusList(fields=fields, salt=salt)  # not attached to the council: nothing cached on it
    digests, rejected = set(), []
    for line, values in rows:
        try:
            if any(not values.get(field, "").strip() for field in fields):
                raise ValueError(line)
            digests.add(census_digest(draft, values))
        except ValueError:
            rejected.append(line)
    if rejected:
        shown = ", ".join(map(str, rejected[:REJECTED_SHOWN]))
        more = len(rejected) - REJECTED_SHOWN
        raise InvalidInput(
            _("Nothing was imported: lines %(lines)s lack a field or have a birth date that is not one.")
            % {"lines": shown + (f" (+{more})" if more > 0 else "")}
        )
    with transaction.atomic():
        CensusList.objects.filter(council=council).delete()
        census = CensusList.objects.create(
            council=council, fields=fields, salt=salt, size=len(digests), imported_at=timezone.now(), imported_by=actor
        )
        CensusEntry.objects.bulk_create((CensusEntry(census=census, digest=d) for d in digests), batch_size=2000)
        audit_record(actor=actor, action=AuditEntry.Action.CENSUS_IMPORTED, target=census,
                     details={"size": len(digests), "fields": fields})
    return census


def census_check(*, actor: User, council: Council, values: dict[str, str]) -> Verification:
    """Record the census verification if `values` match a line; each try counts toward the limit.

    InvalidInput (code "rate_limited") past CENSUS_CHECK_RATE_LIMIT tries in the window, and
    (code "not_on_census") for values on no line; the try is kept either way.
    """
    if not actor.is_authenticated:
        raise AccessDenied()
    census = CensusList.objects.filter(council=council).first()
    if census is None:
        raise InvalidInput(_("This council has no census list."))
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one try at a time per person
        _within_limit(actor, council, now)
        try:
            digest = census_digest(census, values)
        except ValueError:
            digest = ""
        matched = bool(digest) and CensusEntry.objects.filter(census=census, digest=digest).exists()
        CensusAttempt.objects.create(user=actor, council=council, at=now, matched=matched)
    if not matched:
        raise InvalidInput(
            _("These details are not on the council's list. Check them as written on official papers."),
            code="not_on_census",
        )
    return verification_record(user=actor, kind=kinds.CENSUS, council_id=council.pk, claims={})


def code_digest(code: str) -> str:
    plain = "".join(code.split()).replace("-", "").upper()
    return salted_hmac("council.verifications.code", plain, algorithm="sha256").hexdigest()


def _new_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@transaction.atomic
def codes_issue(*, actor: User, council: Council, count: int, delivery: str, days: int | None = None) -> list[str]:
    """Issue `count` single-use codes; return them in clear, the only time they are seen."""
    require_perm(actor, "verifications.issue_code", council)
    if not 1 <= count <= MAX_CODES:
        raise InvalidInput(_("Issue between 1 and %(max)s codes at a time.") % {"max": MAX_CODES})
    if delivery not in VerificationCode.Delivery.values:
        raise InvalidInput(_("Choose how the codes are handed over."))
    days = days or settings.VERIFICATION_CODE_DAYS
    if not 1 <= days <= 365:
        raise InvalidInput(_("A code stays valid between 1 and 365 days."))
    now = timezone.now()
    codes = [_new_code() for _ in range(count)]
    VerificationCode.objects.bulk_create(
        VerificationCode(council=council, digest=code_digest(code), delivery=delivery, issued_by=actor,
                         issued_at=now, expires_at=now + timedelta(days=days))
        for code in codes
    )
    audit_record(actor=actor, action=AuditEntry.Action.CODES_ISSUED, target=council,
                 details={"count": count, "delivery": delivery, "days": days})
    return codes


def _within_limit(actor: User, council: Council, now: datetime) -> None:
    """Refuse past CENSUS_CHECK_RATE_LIMIT tries (census checks and wrong codes) in the window."""
    limit, window = parse_rate(settings.CENSUS_CHECK_RATE_LIMIT)
    recent = CensusAttempt.objects.filter(user=actor, council=council, at__gt=now - timedelta(seconds=window))
    if recent.count() >= limit:
        raise InvalidInput(_("Too many tries: try again in an hour."), code="rate_limited")


def code_redeem(*, actor: User, council: Council, code: str) -> Verification:
    """Use a code once: the same refusal for unknown, used and expired (it tells a prober nothing).

    Wrong codes count toward the same limit as census checks; the failed try is kept.
    """
    if not actor.is_authenticated:
        raise AccessDenied()
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one try at a time per person
        _within_limit(actor, council, now)
        found = VerificationCode.objects.select_for_update().filter(
            council=council, digest=code_digest(code), used_at__isnull=True, expires_at__gt=now
        ).first()
        if found is None:
            CensusAttempt.objects.create(user=actor, council=council, at=now, matched=False)
        else:
            found.used_by, found.used_at = actor, now
            found.save(update_fields=["used_by", "used_at"])
            audit_record(actor=actor, action=AuditEntry.Action.CODE_USED, target=found, details={"code": found.pk})
            return verification_record(user=actor, kind=kinds.CODE, council_id=council.pk, claims={})
    raise InvalidInput(_("This code is not valid: mistyped, already used or expired."), code="invalid_code")


@transaction.atomic
def verification_revoke(*, actor: User, verification_id: int) -> None:
    """The person gives up one of their verifications: what it unlocked is asked again.

    Their open sockets hear it (events.REVOKED to their private group, as an account
    deletion's ROLE_CHANGED): a room requiring it sends the error with the link and closes.
    """
    verification = Verification.objects.filter(pk=verification_id, user=actor).first()
    if verification is None:
        raise AccessDenied()
    verification.delete()
    revoked_tell_sockets(user_id=actor.pk, kind=verification.kind)


def revoked_tell_sockets(*, user_id: int, kind: str) -> None:
    """After commit, the person's open sockets ask again what their rooms and polls require."""
    send_event_on_commit(user_group(user_id), events.REVOKED, {"kind": kind})


def email_removed(sender: Any, request: Any, user: User, email_address: Any, **kwargs: Any) -> None:
    """allauth's `email_removed`: a verified address gone may take the e-mail kind with it."""
    if email_address.verified:
        revoked_tell_sockets(user_id=user.pk, kind=kinds.EMAIL)


def verification_use_record(*, user: User, council: Council, requirement: Requirement, target: str,
                            used: set[str]) -> None:
    """Note which of the required kinds the person held when taking part in `target`.

    Call it in the transaction that records their participation; never with a ballot id, and
    with the day only (VerificationUse). Once per person and target.
    """
    if not requirement:
        return
    held = [kind for kind in requirement.kinds if kind in used]
    try:
        with transaction.atomic():
            VerificationUse.objects.create(
                council=council, user=user, target=target, kinds=held, day=_today()
            )
    except IntegrityError:  # already noted for this target
        return


def _today() -> date:
    return timezone.localdate()


def census_fields_of(census: CensusList | None) -> list[tuple[str, Any]]:
    return [(field, CENSUS_FIELDS[field]) for field in (census.fields if census else [])]
