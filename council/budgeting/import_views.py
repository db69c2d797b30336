"""Import a budget from a Pabulib (.pb) file, and export one as such a file (administrators)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.budgeting import services
from council.budgeting.views import budget_for_page
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.uploads import MaxFileSize

#: the largest .pb file accepted (Pabulib's largest files, Warsaw's, are a few megabytes)
MAX_BYTES = settings.BUDGET_IMPORT_MAX_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Pabulib file (.pb)"),
        help_text=gettext_lazy("A budget with its projects and ballots, in the format of pabulib.org; %(size)s MB at most.")
        % {"size": MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pb,text/plain"}),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=200, required=False,
        help_text=gettext_lazy("Leave empty to take the file's description."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        MaxFileSize(MAX_BYTES)(upload)
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not text encoded in UTF-8, as Pabulib files are.")) from None


@login_required
def budget_import(request: HttpRequest, council_slug: str) -> HttpResponse:
    council = request.council  # type: ignore[attr-defined]
    if not request.user.has_perm("budgeting.import_budget", council):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_import_pb(
                actor=request.user, council=council, text=form.cleaned_data["file"],  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
            )
        except InvalidInput as error:
            form.add_error("file", error.message)
        except AccessDenied as error:
            raise Http404 from error
        else:
            messages.success(
                request,
                _("“%(title)s” is imported with its %(projects)s projects and %(ballots)s ballots.")
                % {"title": budget.title, "projects": budget.projects.count(), "ballots": budget.ballots.count()},
            )
            return redirect("budgeting:results", council_slug=council_slug, budget_id=budget.pk)
    return render(request, "budgeting/import.html", {"form": form})


@login_required
def budget_export(request: HttpRequest, council_slug: str, budget_id: int) -> HttpResponse:
    budget = budget_for_page(request, budget_id, "budgeting.export_budget")
    try:
        budget, text = services.budget_export(actor=request.user, budget_id=budget.pk)  # type: ignore[arg-type]
    except AccessDenied as error:
        raise Http404 from error
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    name = f"{slugify(budget.title) or 'budget'}.pb"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
