"""Exports of a consultation: asked for by its staff, written by a Celery task, read back with their progress.

`export_request` records the export and enqueues `export_write` once it commits; the task
writes (ODS, CSV or JSON) the visible contributions (with their endorsement and comment counts, status and
official answer) and their visible comments, saving `done` of `total` rows every PROGRESS_EVERY
rows in its own short transactions, so the staff's page that polls `export_progress` sees it
move. Only the last KEEP exports of a consultation are kept.

Every format holds the same public data: no e-mail address or account id, only the authors'
public names (former participants anonymised), nothing hidden, withdrawn or merged away.
"""

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import FORMER_PARTICIPANT_EMAIL
from council.accounts.models import User
from council.consultation import permissions as perms
from council.consultation.exports import writers
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import ConsultationExport
from council.consultation.models import Contribution
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput

Format = ConsultationExport.Format
Status = ConsultationExport.Status

#: rows written between two saves of the progress
PROGRESS_EVERY = 2000
#: exports kept per consultation (older files are deleted when a new one is asked for)
KEEP = 5
CHUNK = 2000


def access_export(actor: Any, consultation_id: int) -> Consultation:
    """The consultation, if `actor` may export it; the same refusal when it does not exist."""
    consultation = Consultation.objects.select_related("council").filter(pk=consultation_id).first()
    if consultation is None or not actor.has_perm(perms.EXPORT, consultation):
        raise AccessDenied(perms.EXPORT)
    return consultation


@transaction.atomic
def export_request(*, actor: User, consultation_id: int, format: str) -> ConsultationExport:
    """Ask for an export; the task that writes it is enqueued once this commits."""
    consultation = access_export(actor, consultation_id)
    if format not in Format.values:
        raise InvalidInput(_("Choose ODS, CSV or JSON."))
    export = ConsultationExport.objects.create(
        consultation=consultation, requested_by=actor, format=format, total=_total(consultation)
    )
    old = ConsultationExport.objects.filter(consultation=consultation).order_by("-requested_at", "-pk")[KEEP:]
    ConsultationExport.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    from council.consultation.exports.tasks import export_write as export_write_task

    transaction.on_commit(lambda: export_write_task.delay(export.pk))
    return export


def _contributions(consultation: Consultation) -> Any:
    return Contribution.objects.visible().filter(consultation=consultation)


def _comments(consultation: Consultation) -> Any:
    return Comment.objects.filter(contribution__in=_contributions(consultation), hidden=False)


def _total(consultation: Consultation) -> int:
    return int(_contributions(consultation).count() + _comments(consultation).count())


def export_write(*, export_id: int) -> None:
    """Write the export's file; a second run of the same export (a redelivered task) is a no-op."""
    claimed = ConsultationExport.objects.filter(pk=export_id, status=Status.QUEUED).update(status=Status.RUNNING)
    if not claimed:
        return
    export = ConsultationExport.objects.select_related("consultation__council").get(pk=export_id)
    progress = _Progress(export.pk)
    try:
        if export.format == Format.JSON:
            content = writers.write_json(
                _about(export.consultation), _sheets(export.consultation, labelled=False), JSON_KEYS, on_row=progress.tick
            )
        else:
            write = writers.write_ods if export.format == Format.ODS else writers.write_csv
            content = write(_sheets(export.consultation), on_row=progress.tick)
    except Exception:
        ConsultationExport.objects.filter(pk=export.pk).update(status=Status.FAILED, finished_at=timezone.now())
        raise
    ConsultationExport.objects.filter(pk=export.pk).update(
        status=Status.DONE, content=content, done=progress.done, total=progress.done, finished_at=timezone.now()
    )


class _Progress:
    def __init__(self, export_id: int) -> None:
        self.export_id = export_id
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            ConsultationExport.objects.filter(pk=self.export_id).update(done=self.done)


#: the JSON export's names of the sheets' columns, in their order (stable: programs read them)
JSON_KEYS = {
    "contributions": [
        "id", "title", "body", "category", "status", "status_reason", "author", "submitted_at", "latitude", "longitude",
        "endorsements", "comments", "official_answer",
    ],
    "comments": ["id", "contribution", "in_reply_to", "stance", "author", "body", "posted_at"],
}


def _about(consultation: Consultation) -> dict[str, Any]:
    """What the JSON export says of itself before its rows."""
    return {
        "consultation": {"id": consultation.pk, "title": consultation.title, "council": consultation.council.name},
        "exported_at": timezone.localtime().isoformat(timespec="seconds"),
    }


def _sheets(consultation: Consultation, *, labelled: bool = True) -> list[writers.Sheet]:
    """The two sheets; `labelled`: statuses and stances in words (spreadsheets), else their codes (JSON)."""
    contribution_header = [
        _("Number"), _("Title"), _("Text"), _("Category"), _("Status"), _("Reason for the status"), _("Author"),
        _("Submitted at"), _("Latitude"), _("Longitude"), _("Supports"), _("Comments"), _("Official answer"),
    ]
    comment_header = [_("Number"), _("Contribution"), _("In reply to"), _("Stance"), _("Author"), _("Comment"), _("Posted at")]
    return [
        ("contributions", contribution_header, _contribution_rows(consultation, labelled=labelled)),
        ("comments", comment_header, _comment_rows(consultation, labelled=labelled)),
    ]


class _Names:
    """The public name of an author from its id and display name (User.public_name, without loading users)."""

    def __init__(self) -> None:
        self.former = set(User.objects.filter(email=FORMER_PARTICIPANT_EMAIL).values_list("pk", flat=True))

    def __call__(self, user_id: int, display_name: str) -> str:
        if user_id in self.former:
            return str(_("Former participant"))
        return display_name or _("Participant %(id)s") % {"id": user_id}


def _contribution_rows(consultation: Consultation, *, labelled: bool = True) -> Iterator[list[Any]]:
    statuses, names = dict(Contribution.Status.choices) if labelled else {}, _Names()
    rows = (
        _contributions(consultation).order_by("pk")
        .values_list(
            "pk", "title", "body", "category__name", "status", "status_reason", "author__display_name",
            "created_at", "latitude", "longitude", "endorsement_count", "comment_count", "answer", "author_id",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        values = list(row[:-1])
        values[6] = names(row[-1], values[6])
        values[4] = str(statuses.get(values[4], values[4]))
        values[7] = timezone.localtime(values[7]).isoformat(timespec="seconds")
        yield values


def _comment_rows(consultation: Consultation, *, labelled: bool = True) -> Iterator[list[Any]]:
    stances, names = dict(Comment.Stance.choices) if labelled else {}, _Names()
    rows = (
        _comments(consultation).order_by("pk")
        .values_list("pk", "contribution_id", "parent_id", "stance", "author__display_name", "body", "created_at", "author_id")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        values = list(row[:-1])
        values[4] = names(row[-1], values[4])
        values[3] = str(stances.get(values[3], values[3]))
        values[6] = timezone.localtime(values[6]).isoformat(timespec="seconds")
        yield values


def export_progress(export: ConsultationExport) -> dict[str, Any]:
    """How far an export is: {export_id, done, total, status} (the page polls it)."""
    return {"export_id": export.pk, "done": export.done, "total": export.total, "status": str(export.status)}


def export_list(consultation: Consultation) -> list[ConsultationExport]:
    """The consultation's exports, newest first, without their files."""
    return list(ConsultationExport.objects.filter(consultation=consultation).defer("content"))


def export_get(consultation: Consultation, export_id: int, *, with_content: bool = False) -> ConsultationExport | None:
    exports = ConsultationExport.objects.filter(consultation=consultation, pk=export_id)
    return (exports if with_content else exports.defer("content")).first()
