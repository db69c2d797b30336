"""Reads about people: which verifications they hold, and everything Council holds about them."""

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from council.accounts.models import User
from council.accounts.models import Verification
from council.core.personal_data import KEEP
from council.core.personal_data import PersonalData
from council.core.personal_data import personal_data


def has_verification(user: User, kind: str, *, council_id: int | None = None) -> bool:
    """Whether `user` holds a verification of `kind`: instance-wide, or for `council_id` if given.

    Without `council_id`, one obtained through any council counts.
    """
    if not user.is_authenticated:
        return False
    found = Verification.objects.filter(user=user, kind=kind)
    if council_id is not None:
        found = found.filter(Q(council_id=council_id) | Q(council__isnull=True))
    return found.exists()


def verification_list(user: User) -> list[Verification]:
    """The verifications `user` holds, newest first."""
    return list(Verification.objects.filter(user=user).select_related("council").order_by("-verified_at"))


def _rows(entry: PersonalData, user: User) -> list[dict[str, Any]]:
    model = apps.get_model(entry.model)
    fields = entry.fields or ("pk",)
    # the base manager: a default manager may leave rows out (budget ballots' drafts)
    return list(model._base_manager.filter(**{entry.person: user}).order_by("pk").values(*fields))


def personal_data_export(user: User) -> dict[str, Any]:
    """Everything Council holds about `user`, as JSON-ready data: one query per declaration.

    Walks the declarations of `council.core.personal_data` (every link from a model to a
    person), so that what a new model holds is exported as soon as its app declares it.
    """
    sections = []
    for entry in personal_data():
        rows = _rows(entry, user)
        if rows:
            sections.append({
                "key": entry.label,
                "title": str(entry.title),
                "kept_after_deletion": entry.policy == KEEP,
                "rows": json.loads(json.dumps(rows, cls=DjangoJSONEncoder)),
            })
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "notify_in_app": user.notify_in_app,
            "notify_by_email": user.notify_by_email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "exported_at": timezone.now().isoformat(),
        "sections": sections,
    }


@dataclass(frozen=True)
class KeptRecords:
    title: str
    count: int
    reason: str
    retention: str


def kept_record_list(user: User) -> list[KeptRecords]:
    """The records about `user` that deleting the account keeps, by law or for a vote's audit."""
    kept = []
    for entry in personal_data():
        if entry.policy != KEEP:
            continue
        count = apps.get_model(entry.model)._base_manager.filter(**{entry.person: user}).count()
        if count:
            kept.append(KeptRecords(str(entry.title), count, str(entry.reason), str(entry.retention)))
    return kept


def kept_record_kinds() -> list[PersonalData]:
    """Every kind of record kept after an account's deletion, once per title (for the page and the docs)."""
    seen: dict[str, PersonalData] = {}
    for entry in personal_data():
        if entry.policy == KEEP:
            seen.setdefault(str(entry.title), entry)
    return list(seen.values())
