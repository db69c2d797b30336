"""Follow-up of the selected projects (accountability, as in Decidim): writes and reads.

Once a budget's results are published, each project they selected has a public status,
progress, dates, spending and dated updates with photos. Officials edit them; every change is
audited. Only selected projects are followed: a project the result left out has nothing to
deliver.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.budgeting.models import ProjectFollowUp
from council.budgeting.models import ProjectUpdate
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry
from council.councils.services import audit_record

UPDATE_MAX_CHARS = 5000
FIELDS = ("status", "progress", "starts_on", "ends_on", "spent")


def selected_pks(budget: Budget) -> list[int]:
    """The projects the published result selected, in the order its rule took them."""
    result = BudgetResult.objects.filter(budget=budget).first()
    if result is None or not result.is_published:
        return []
    return list(result.selected.get(result.rule or budget.rule, []))


def _followed_project(actor: User, project_id: int, council_id: int) -> Project:
    project = Project.objects.select_related("budget").filter(pk=project_id, budget__council_id=council_id).first()
    if project is None or not actor.has_perm("budgeting.edit_follow_up", project.budget):
        raise AccessDenied("budgeting.edit_follow_up")
    if project.pk not in selected_pks(project.budget):
        raise InvalidInput(_("Only the projects the results selected are followed up."))
    return project


@transaction.atomic
def follow_up_change(
    *, actor: User, project_id: int, council_id: int, status: str, progress: int,
    starts_on: date | None, ends_on: date | None, spent: Decimal | None,
) -> ProjectFollowUp:
    """Set a selected project's status, progress, dates and spending; audited with what changed."""
    project = _followed_project(actor, project_id, council_id)
    if status not in ProjectFollowUp.Status.values:
        raise InvalidInput(_("Choose one of the statuses."))
    if not 0 <= progress <= 100:
        raise InvalidInput(_("The progress is a percentage, from 0 to 100."))
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(_("The end comes before the start."))
    if spent is not None and spent < 0:
        raise InvalidInput(_("The spending cannot be negative."))
    follow_up, _created = ProjectFollowUp.objects.select_for_update().get_or_create(project=project)
    values = {"status": status, "progress": progress, "starts_on": starts_on, "ends_on": ends_on, "spent": spent}
    changed = {name: str(value) for name, value in values.items() if getattr(follow_up, name) != value}
    for name, value in values.items():
        setattr(follow_up, name, value)
    follow_up.save()
    if changed:
        audit_record(actor=actor, action=AuditEntry.Action.FOLLOW_UP_CHANGED, target=project, details=changed)
    return follow_up


@transaction.atomic
def project_update_add(
    *, actor: User, project_id: int, council_id: int, on: date, text: str,
    photo: UploadedFile | None = None, photo_description: str = "",
) -> ProjectUpdate:
    """Add a dated update (and a photo, described for those who cannot see it) to a selected project."""
    project = _followed_project(actor, project_id, council_id)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write what happened."))
    if len(text) > UPDATE_MAX_CHARS:
        raise InvalidInput(_("The update is too long (%(limit)d characters at most).") % {"limit": UPDATE_MAX_CHARS})
    photo_description = " ".join((photo_description or "").split())
    if photo is not None and not photo_description:
        raise InvalidInput(_("Describe the photo for people who cannot see it."))
    update = ProjectUpdate.objects.create(
        project=project, on=on, text=text, photo=photo or "", photo_description=photo_description, author=actor,
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.FOLLOW_UP_CHANGED, target=project,
        details={"update": update.pk, "on": str(on), "photo": bool(photo)},
    )
    return update


@dataclass
class Followed:
    project: Project
    follow_up: ProjectFollowUp
    updates: list[ProjectUpdate]


def follow_up_list(budget: Budget) -> list[Followed]:
    """Every project the published result selected, with its follow-up (planned if none yet) and updates."""
    order = selected_pks(budget)
    projects = {p.pk: p for p in Project.objects.filter(pk__in=order).select_related("follow_up")}
    updates: dict[int, list[ProjectUpdate]] = {}
    for update in ProjectUpdate.objects.filter(project_id__in=order):
        updates.setdefault(update.project_id, []).append(update)
    out = []
    for pk in order:
        if pk not in projects:
            continue
        project = projects[pk]
        follow_up: Any = getattr(project, "follow_up", None) or ProjectFollowUp(project=project)
        out.append(Followed(project, follow_up, updates.get(pk, [])))
    return out
