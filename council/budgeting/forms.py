"""Forms of the budget pages: they parse and label, the services decide."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from council.budgeting.models import Budget
from council.budgeting.models import Project
from council.core.errors import InvalidInput

Kind = Budget.BallotKind


class ProposalForm(forms.Form):
    title = forms.CharField(label=_lazy("Title"), max_length=300)
    description = forms.CharField(
        label=_lazy("Description"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_lazy("What, where, for whom. Plain text: line breaks are kept."),
    )
    category = forms.CharField(label=_lazy("Category"), max_length=100, required=False)
    cost = forms.DecimalField(
        label=_lazy("Your estimate of its cost"), required=False, min_value=0, max_digits=14, decimal_places=2,
        help_text=_lazy("The council's officials set the cost estimate during the review."),
    )
    latitude = forms.FloatField(label=_lazy("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_lazy("Longitude"), required=False, min_value=-180, max_value=180)
    image = forms.FileField(label=_lazy("Image"), required=False, help_text=_lazy("A PNG, JPEG or WebP photo or drawing, at most 2 MB."))
    image_description = forms.CharField(
        label=_lazy("What the image shows"), max_length=300, required=False,
        help_text=_lazy("For those who cannot see it; needed with an image."),
    )

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReviewForm(forms.Form):
    cost = forms.DecimalField(label=_lazy("Cost estimate"), min_value=0, max_digits=14, decimal_places=2)
    feasibility = forms.ChoiceField(label=_lazy("Feasibility"), choices=Project.Feasibility.choices)
    rejection_reason = forms.CharField(
        label=_lazy("Public reason, if not feasible"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"project-{project.pk}")
        kwargs.setdefault("initial", {"cost": project.cost, "feasibility": project.feasibility, "rejection_reason": project.rejection_reason})
        super().__init__(*args, **kwargs)


def _whole(text: str, refusal: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(refusal) from None


def ballot_from_post(budget: Budget, data: QueryDict, projects: list[Project]) -> Any:
    """The choices a plain ballot form sent, in the shape the service takes for the budget's kind:
    checked projects (approval, knapsack), points per project (cumulative), ranks (ranking)."""
    ids = {p.pk for p in projects}
    if budget.ballot_kind in (Kind.KNAPSACK, Kind.APPROVAL):
        return [int(value) for value in data.getlist("project") if value.isdigit()]
    if budget.ballot_kind == Kind.CUMULATIVE:
        points = {}
        for pid in ids:
            value = _whole(data.get(f"points-{pid}", ""), _("Points must be whole numbers."))
            if value is not None and value < 0:
                raise InvalidInput(_("Points must be whole numbers of at least 0."))
            if value:
                points[pid] = value
        return points
    ranks: dict[int, int] = {}
    for pid in ids:
        rank = _whole(data.get(f"rank-{pid}", ""), _("A rank is a whole number: 1 for your first choice."))
        if rank is not None:
            if rank < 1:
                raise InvalidInput(_("A rank is a whole number: 1 for your first choice."))
            if rank in ranks.values():
                raise InvalidInput(_("Two projects have rank %(rank)s: give each its own rank.") % {"rank": rank})
            ranks[pid] = rank
    return sorted(ranks, key=ranks.__getitem__)


def posted_values(budget: Budget, data: QueryDict) -> dict[str, Any]:
    """What the person sent, to show the form again as they left it after a refusal."""
    return {
        "checked": {int(v) for v in data.getlist("project") if v.isdigit()},
        "values": {key: value for key, value in data.items() if key.startswith(("points-", "rank-"))},
    }


def values_of(ballot: Any) -> dict[str, Any]:
    """A saved ballot (or draft) as the form shows it."""
    if ballot is None:
        return {"checked": set(), "values": {}}
    values = {}
    for choice in ballot.chosen:
        values[f"points-{choice.project_id}"] = str(choice.points)
        if choice.rank is not None:
            values[f"rank-{choice.project_id}"] = str(choice.rank)
    return {"checked": {c.project_id for c in ballot.chosen}, "values": values}
