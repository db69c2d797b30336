"""Public follow-up of a budget's selected projects, and the officials' forms to update it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.budgeting import followup
from council.budgeting import permissions as perms
from council.budgeting.explain import money
from council.budgeting.models import ProjectFollowUp
from council.budgeting.models import ProjectUpdate
from council.budgeting.views import budget_for_page
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.uploads import MaxFileSize
from council.councils.models import validate_logo_image

PHOTO_MAX_BYTES = 5 * 1024 * 1024


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = ProjectFollowUp
        fields = list(followup.FIELDS)
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }


class UpdateForm(forms.ModelForm):
    photo = forms.FileField(
        label=gettext_lazy("Photo"), required=False, validators=[MaxFileSize(PHOTO_MAX_BYTES), validate_logo_image],
        help_text=gettext_lazy("A PNG, JPEG or WebP image of at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    class Meta:
        model = ProjectUpdate
        fields = ["on", "text", "photo", "photo_description"]
        widgets = {"on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "text": forms.Textarea(attrs={"rows": 4})}


def follow_up(request: HttpRequest, council_slug: str, budget_id: int) -> HttpResponse:
    budget = budget_for_page(request, budget_id, perms.VIEW_RESULTS)
    items = followup.follow_up_list(budget)
    can_edit = request.user.has_perm("budgeting.edit_follow_up", budget)
    rows = [
        {
            "item": item,
            "cost": money(item.project.cost, budget.currency),
            "spent": money(item.follow_up.spent, budget.currency) if item.follow_up.spent is not None else "",
        }
        for item in items
    ]
    return render(request, "budgeting/followup.html", {"budget": budget, "rows": rows, "can_edit": can_edit})


@login_required
def follow_up_edit(request: HttpRequest, council_slug: str, budget_id: int, project_id: int) -> HttpResponse:
    budget = budget_for_page(request, budget_id, "budgeting.edit_follow_up")
    item = next((item for item in followup.follow_up_list(budget) if item.project.pk == project_id), None)
    if item is None:
        raise Http404
    council_id = request.council.pk  # type: ignore[attr-defined]
    posted = request.POST.get("form")
    state_form = FollowUpForm(request.POST if posted == "state" else None, instance=item.follow_up, prefix="state")
    update_form = UpdateForm(
        request.POST if posted == "update" else None, request.FILES if posted == "update" else None,
        prefix="update", initial={"on": timezone.localdate()},
    )
    form = state_form if posted == "state" else update_form
    if request.method == "POST" and form.is_valid():
        try:
            if posted == "state":
                followup.follow_up_change(actor=request.user, project_id=project_id, council_id=council_id,  # type: ignore[arg-type]
                                          **{name: state_form.cleaned_data[name] for name in followup.FIELDS})
            else:
                followup.project_update_add(actor=request.user, project_id=project_id, council_id=council_id,  # type: ignore[arg-type]
                                            **update_form.cleaned_data)
        except InvalidInput as error:
            form.add_error(None, error.message)
        except AccessDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("The follow-up of “%(title)s” is updated.") % {"title": item.project.title})
            return redirect("budgeting:follow-up", council_slug=council_slug, budget_id=budget.pk)
    return render(request, "budgeting/followup_edit.html", {
        "budget": budget, "item": item, "state_form": state_form, "update_form": update_form,
    })
