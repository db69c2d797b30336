from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.core.errors import AccessDenied
from council.councils import services
from council.councils.forms import CouncilPageForm
from council.councils.models import Council
from council.councils.sections import council_sections
from council.councils.selectors import audit_entries
from council.councils.selectors import council_list_for
from council.councils.selectors import council_page_get
from council.councils.selectors import role_get


def home(request):
    """The instance's front page, or the council's own when served on its host name."""
    if request.host_council is not None:
        return redirect("council-detail", council_slug=request.host_council.slug)
    return render(
        request,
        "councils/home.html",
        {"councils": Council.objects.all(), "my_councils": council_list_for(user=request.user)},
    )


def council_detail(request, council_slug):
    council = request.council
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "role": role_get(user=request.user, council=council),
            "sections": council_sections(user=request.user, council=council),
            "can_join": request.user.has_perm("councils.join_council", council),
        },
    )


@login_required
@require_POST
def council_join(request, council_slug):
    try:
        services.council_join(actor=request.user, council=request.council)
    except AccessDenied:
        messages.error(request, _("You cannot join this council by yourself."))
    else:
        messages.success(request, _("You now follow this council."))
    return redirect("council-detail", council_slug=council_slug)


def council_page(request, council_slug, kind):
    """The council's accessibility statement, legal notice or personal data page, for everyone."""
    council = request.council
    context = {
        "council": council,
        "page": council_page_get(council=council, kind=kind),
        "can_edit": request.user.has_perm("councils.manage_council", council),
    }
    return render(request, "councils/council_page.html", context)


@login_required
def council_page_edit(request, council_slug, kind):
    council = request.council
    if not request.user.has_perm("councils.manage_council", council):
        raise PermissionDenied
    page = council_page_get(council=council, kind=kind)
    form = CouncilPageForm(
        request.POST or None, kind=kind, initial={"body": page.body, "conformity": page.conformity}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.council_page_update(
                actor=request.user,
                council=council,
                kind=kind,
                body=form.cleaned_data["body"],
                conformity=form.cleaned_data.get("conformity", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The page was saved."))
            # the page's own address: this one's URL name without "-edit"
            return redirect(request.resolver_match.url_name.removesuffix("-edit"), council_slug=council.slug)
    context = {"council": council, "page": page, "form": form}
    return render(request, "councils/council_page_edit.html", context, status=400 if form.errors else 200)

AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request, council_slug):
    """The council's administrative actions, newest first, for its administrators."""
    council = request.council
    if not request.user.has_perm("councils.view_audit", council):
        raise Http404
    page = Paginator(audit_entries(council=council), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "councils/audit_log.html", {"council": council, "page": page})
