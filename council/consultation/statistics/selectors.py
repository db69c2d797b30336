"""A consultation's contribution statistics: counts by category, status and week, supports,
comments, participants, and participants by group with every count under MIN_CELL_SIZE hidden.

Counted in SQL, in as many queries whatever the number of contributions (six; five without a
participant or a group): the visible contributions only (not hidden, withdrawn nor merged), as
everyone reads them.
"""

from datetime import date
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.db.models import Q
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.db.models.functions import TruncWeek
from django.utils import formats
from django.utils.translation import gettext as _

from council.consultation.models import Category
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.core.charts import histogram
from council.core.charts import pie_slices
from council.groups.models import NeighbourhoodGroup
from council.groups.selectors import MIN_CELL_SIZE
from council.groups.selectors import members_of_groups

Status = Contribution.Status


def _hidden(count: int) -> int | None:
    return None if count < MIN_CELL_SIZE else count


def _weeks(counted: dict[date, int]) -> list[tuple[date, int]]:
    """Every week from the first contribution's to the last one's, a week without any counting 0."""
    if not counted:
        return []
    week, last, found = min(counted), max(counted), []
    while week <= last:
        found.append((week, counted.get(week, 0)))
        week += timedelta(days=7)
    return found


def _participants(consultation: Consultation) -> list[int]:
    """Who wrote a visible contribution, commented on one or supported one: one query (a union)."""
    visible = Contribution.objects.filter(consultation=consultation).visible()
    authors = visible.values_list("author_id", flat=True)
    commenters = Comment.objects.filter(contribution__in=visible, hidden=False).values_list("author_id", flat=True)
    supporters = Endorsement.objects.filter(contribution__in=visible).values_list("user_id", flat=True)
    return list(authors.union(commenters, supporters))


def contribution_statistics(consultation: Consultation) -> dict[str, Any]:
    visible = Contribution.objects.filter(consultation=consultation).visible()
    totals = visible.aggregate(
        contributions=Count("pk"),
        endorsements=Coalesce(Sum("endorsement_count"), 0),
        comments=Coalesce(Sum("comment_count"), 0),
        **{f"status_{status.value}": Count("pk", filter=Q(status=status.value)) for status in Status},
    )
    per_category = dict(visible.order_by().values_list("category").annotate(n=Count("pk")))
    categories = [
        (category.name, per_category.get(category.pk, 0)) for category in Category.objects.filter(consultation=consultation)
    ]
    if per_category.get(None):
        categories.append((_("No category"), per_category[None]))
    statuses = [(str(status.label), totals[f"status_{status.value}"]) for status in Status]
    weekly = dict(visible.annotate(week=TruncWeek("created_at")).values_list("week").annotate(n=Count("pk")).values_list("week", "n"))
    weeks = _weeks({week.date(): n for week, n in weekly.items()})
    people = _participants(consultation)
    groups = list(NeighbourhoodGroup.objects.filter(council=consultation.council_id).order_by("name"))
    members = members_of_groups(consultation.council, groups, among=people) if people else {g.pk: set() for g in groups}
    return {
        "contributions": totals["contributions"],
        "endorsements": totals["endorsements"],
        "comments": totals["comments"],
        "participants": len(people),
        "categories": categories,
        "category_pie": pie_slices(categories),
        "statuses": statuses,
        "status_pie": pie_slices(statuses),
        "weeks": weeks,
        "week_histogram": histogram([(_week_label(week), n) for week, n in weeks], [], low=0, high=1),
        "groups": [(group.name, _hidden(len(members[group.pk]))) for group in groups],
        "threshold": MIN_CELL_SIZE,
    }


def _week_label(week: date) -> str:
    return formats.date_format(week, "j N")
