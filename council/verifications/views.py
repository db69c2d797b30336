"""Pages: a person's verifications (/accounts/verifications/), obtaining one in a council, and the
council's census list and codes for its officials (/c/<slug>/verifications/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.middleware import CouncilRequest
from council.verifications import selectors
from council.verifications import services
from council.verifications.forms import CensusCheckForm
from council.verifications.forms import CensusImportForm
from council.verifications.forms import CodeRedeemForm
from council.verifications.forms import CodesIssueForm
from council.verifications.requirements import Requirement
from council.verifications.requirements import parse_requirement


def _next(request: CouncilRequest) -> str:
    """Where to come back to once verified: a page of this site, or nowhere."""
    url = request.GET.get("next") or request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if url.startswith("/") and allowed else ""


@login_required
def my_verifications(request: CouncilRequest) -> HttpResponse:
    return render(request, "verifications/mine.html", {"held": selectors.verification_list(request.user)})


@login_required
@require_POST
def verification_revoke(request: CouncilRequest, verification_id: int) -> HttpResponse:
    try:
        services.verification_revoke(actor=request.user, verification_id=verification_id)
    except AccessDenied:
        messages.error(request, _("This verification does not exist or is not yours."))
    else:
        messages.success(request, _("Verification revoked. What required it will ask for it again."))
    return redirect("my-verifications")


def _requirement(request: CouncilRequest) -> Requirement:
    names = [name for name in request.GET.get("kinds", "").split(",") if name]
    try:
        return parse_requirement({"kinds": names, "mode": request.GET.get("mode", "any")} if names else {})
    except ValidationError:
        return Requirement()


@login_required
def obtain(request: CouncilRequest, council_slug: str) -> HttpResponse:
    """The verifications something asked for: which the person holds, and where to obtain the others."""
    requirement = _requirement(request)
    return render(request, "verifications/obtain.html", {
        "requirement": requirement,
        "described": requirement.describe(),
        "offers": selectors.offers(request.user, request.council, requirement),
        "next": _next(request),
    })


def _back(request: CouncilRequest, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect(_next(request) or "my-verifications")


@login_required
def census_check(request: CouncilRequest, council_slug: str) -> HttpResponse:
    census = selectors.census_get(request.council)
    form = CensusCheckForm(request.POST or None, fields=census.fields if census else [])
    if census is not None and request.method == "POST" and form.is_valid():
        try:
            services.census_check(actor=request.user, council=request.council, values=form.values())
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            return _back(request, _("You are on the council's list: your census check is recorded."))
    status = 400 if form.errors else 200
    return render(request, "verifications/census.html", {"census": census, "form": form, "next": _next(request)},
                  status=status)


@login_required
def code_redeem(request: CouncilRequest, council_slug: str) -> HttpResponse:
    form = CodeRedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.code_redeem(actor=request.user, council=request.council, code=form.cleaned_data["code"])
        except InvalidInput as error:
            form.add_error("code", error.message)
        else:
            return _back(request, _("Code accepted: your verification is recorded."))
    status = 400 if form.errors else 200
    return render(request, "verifications/code.html", {"form": form, "next": _next(request)}, status=status)


@login_required
def manage(request: CouncilRequest, council_slug: str) -> HttpResponse:
    """The census list and the codes, for the council's officials; POST with `action` to act."""
    council, user = request.council, request.user
    may_import, may_issue = user.has_perm("verifications.import_census", council), user.has_perm(
        "verifications.issue_code", council
    )
    if not (may_import or may_issue):
        raise PermissionDenied
    census_form = CensusImportForm(prefix="census")
    codes_form = CodesIssueForm(prefix="codes")
    issued: list[str] = []
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "census":
            census_form = CensusImportForm(request.POST, request.FILES, prefix="census")
            if census_form.is_valid():
                census = _import(request, census_form)
                if census is not None:
                    messages.success(request, ngettext(
                        "Census list imported: %(count)d resident.", "Census list imported: %(count)d residents.",
                        census.size) % {"count": census.size})
                    return redirect("verification-manage", council_slug=council.slug)
        elif action == "codes" and (codes_form := CodesIssueForm(request.POST, prefix="codes")).is_valid():
            data = codes_form.cleaned_data
            issued = services.codes_issue(actor=user, council=council, count=data["count"],
                                          delivery=data["delivery"], days=data["days"])
    except AccessDenied as error:
        raise PermissionDenied from error
    except InvalidInput as error:
        codes_form.add_error(None, error.message)
    errors = census_form.errors or codes_form.errors
    return render(request, "verifications/manage.html", {
        "census": selectors.census_get(council), "census_form": census_form, "codes_form": codes_form,
        "issued": issued, "counts": selectors.code_counts(council), "may_import": may_import, "may_issue": may_issue,
    }, status=400 if errors else 200)


def _import(request: CouncilRequest, form: CensusImportForm):  # type: ignore[no-untyped-def]
    upload = form.cleaned_data["census"]
    if upload.size > services.MAX_CENSUS_BYTES:
        form.add_error("census", _("The file is larger than 20 MB."))
        return None
    try:
        return services.census_import(actor=request.user, council=request.council,
                                      fields=form.cleaned_data["fields_checked"], data=upload.read())
    except InvalidInput as error:
        form.add_error("census", error.message)
        return None
