"""Project proposals by residents and their feasibility review by officials, both audited.

A resident proposes during the submission phase; officials then set the cost estimate, the
feasibility and, when they reject a project, the public reason, until the vote opens.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.budgeting import permissions as perms
from council.budgeting.models import PROJECT_IMAGE_MAX_BYTES
from council.budgeting.models import Project
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.images import image_checked
from council.core.permissions import require_perm
from council.councils.models import AuditEntry
from council.councils.services import audit_record


def _point(latitude: float | None, longitude: float | None) -> tuple[float | None, float | None]:
    if (latitude is None) != (longitude is None):
        raise InvalidInput(_("Give both the latitude and the longitude, or neither."))
    if latitude is not None and longitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput(_("This point is not on Earth: a latitude is between -90 and 90, a longitude between -180 and 180."))
    return latitude, longitude


@transaction.atomic
def project_propose(
    *, actor: User, budget_id: int, title: str, description: str, category: str = "", cost: Decimal | None = None,
    latitude: float | None = None, longitude: float | None = None, image: Any = None, image_description: str = "",
) -> Project:
    """A resident's project, waiting for review; its cost is the proposer's estimate (0 if none)."""
    budget = perms.access_budget(actor, budget_id, for_update=True)
    require_perm(actor, perms.PROPOSE, budget)
    if not title.strip():
        raise InvalidInput(_("Give your project a title."))
    if cost is not None and cost < 0:
        raise InvalidInput(_("A cost cannot be negative."))
    latitude, longitude = _point(latitude, longitude)
    if image:
        # a raster image of a reasonable size, without its metadata (council/core/images.py)
        image = image_checked(image, max_bytes=PROJECT_IMAGE_MAX_BYTES)
        if not image_description.strip():
            raise InvalidInput(_("Say in a few words what the image shows, for those who cannot see it."))
    project = Project.objects.create(
        budget=budget, title=title.strip(), description=description.strip(), category=category.strip(),
        cost=cost or Decimal(0), latitude=latitude, longitude=longitude, image=image or "",
        image_description=image_description.strip() if image else "",
        proposer=actor, proposed_at=timezone.now(), feasibility=Project.Feasibility.PROPOSED,
    )
    audit_record(actor=actor, action=AuditEntry.Action.PROJECT_PROPOSED, target=project, details={"budget": budget.pk})
    return project


@transaction.atomic
def project_review(*, actor: User, project_id: int, cost: Decimal, feasibility: str, rejection_reason: str = "") -> Project:
    """Set a project's cost estimate and feasibility; a rejection needs its public reason."""
    project = Project.objects.select_for_update().select_related("budget").filter(pk=project_id).first()
    if project is None or not actor.has_perm(perms.VIEW, project.budget):
        raise AccessDenied(perms.VIEW)
    require_perm(actor, perms.REVIEW, project.budget)
    if feasibility not in Project.Feasibility.values:
        raise InvalidInput(_("Choose a feasibility status."))
    if cost < 0:
        raise InvalidInput(_("A cost cannot be negative."))
    reason = rejection_reason.strip()
    if feasibility == Project.Feasibility.REJECTED and not reason:
        raise InvalidInput(_("Give the public reason why the project is not feasible."))
    before = {"cost": str(project.cost), "feasibility": project.feasibility}
    project.cost = cost
    project.feasibility = feasibility
    project.rejection_reason = reason if feasibility == Project.Feasibility.REJECTED else ""
    project.save(update_fields=["cost", "feasibility", "rejection_reason"])
    audit_record(
        actor=actor, action=AuditEntry.Action.PROJECT_REVIEWED, target=project,
        details={"before": before, "after": {"cost": str(cost), "feasibility": feasibility}, "reason": project.rejection_reason},
    )
    return project
