"""Records kept by law, deleted once their retention is over.

Some records outlive the account of the person they name (docs/personal-data.md, "Records
kept"): sign-in sheets, proxies, a vote's electoral list and register, the audit trail of paper
ballots, the council's audit log. They are kept for a time (`KEPT_RECORD_RETENTION_DAYS`, days
per kind of record, 2192 days, six years, for a kind it does not name) counted from when the
record ended (the sitting closed, the proxy expired, the vote closed…), then a daily beat task
deletes them. Each app that keeps such records registers, per kind, the service that deletes
those ended before a date (core knows no app); every `KEEP` declaration of the personal-data
registry names its kind, and a test fails on a kind nobody purges.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

#: six years, leap days included: the retention of a kind the setting does not name
DEFAULT_RETENTION_DAYS = 2192


@dataclass(frozen=True)
class KeptRecords:
    kind: str
    #: dotted path of the service `purge(*, ended_before) -> int` that deletes (or strips of the
    #: person) the records that ended before the date, and says how many rows it changed
    purge: str


_kinds: dict[str, KeptRecords] = {}


def register_kept_records(kind: str, *, purge: str) -> None:
    """Declare a kind of kept record and the service (dotted path, imported when it runs, so that a
    `personal_data.py` need not import its app's services) that deletes it."""
    _kinds[kind] = KeptRecords(kind=kind, purge=purge)


def kept_record_kinds() -> list[KeptRecords]:
    return [_kinds[kind] for kind in sorted(_kinds)]


def retention_days() -> dict[str, int]:
    """Days each kind is kept, from the setting; a kind the setting names that nobody keeps, or a
    number that is not a positive whole number of days, is a configuration error (a typo must not
    keep records six years, nor delete them at once)."""
    configured = dict(getattr(settings, "KEPT_RECORD_RETENTION_DAYS", {}) or {})
    unknown = sorted(set(configured) - set(_kinds))
    if unknown:
        raise ImproperlyConfigured(
            f"KEPT_RECORD_RETENTION_DAYS names unknown record kinds {unknown}; known: {sorted(_kinds)}"
        )
    for kind, days in configured.items():
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise ImproperlyConfigured(f"KEPT_RECORD_RETENTION_DAYS[{kind!r}] must be a whole number of days, not {days!r}")
    return {kind: configured.get(kind, DEFAULT_RETENTION_DAYS) for kind in sorted(_kinds)}


def kept_records_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete every kept record past its retention; the rows removed, per kind. Idempotent.

    Each kind is its own transaction: one failing leaves the others done.
    """
    now = now or timezone.now()
    removed = {}
    for kind, days in retention_days().items():
        with transaction.atomic():
            purge: Callable[..., int] = import_string(_kinds[kind].purge)
            removed[kind] = purge(ended_before=now - timedelta(days=days))
    return removed
