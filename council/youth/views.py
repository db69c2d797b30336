"""The birth date page, the page where a person under 15 asks a parent's consent, and the
parent's confirmation page (reached from the e-mail, logged in or not)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from council.core.errors import InvalidInput
from council.youth import selectors
from council.youth import services
from council.youth.forms import BirthDateForm
from council.youth.forms import ParentalConsentForm
from council.youth.middleware import consent_state_forget


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return wanted if safe else "/"


@login_required
def age(request: HttpRequest) -> HttpResponse:
    """Give one's birth date (once), for budgets and consultations open to an age range."""
    known = selectors.birth_date_get(request.user)  # type: ignore[arg-type]
    form = BirthDateForm(request.POST or None)
    if request.method == "POST" and known is None and form.is_valid():
        try:
            services.birth_date_declare(actor=request.user, born_on=form.cleaned_data["born_on"])  # type: ignore[arg-type]
        except InvalidInput as error:
            form.add_error("born_on", str(error.message))
        else:
            consent_state_forget(request)
            messages.success(request, _("Your birth date was saved."))
            return redirect(_next(request))
    return render(request, "youth/age.html", {"form": form, "known": known, "next": _next(request)})


@login_required
def parental_consent(request: HttpRequest) -> HttpResponse:
    """A person under 15 gives a parent's name and e-mail; the parent confirms by the link sent."""
    user = request.user
    if not selectors.age_facts(user).needs_consent():  # type: ignore[arg-type]
        consent_state_forget(request)
        return redirect("/")
    form = ParentalConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.parental_consent_request(
                actor=user,  # type: ignore[arg-type]
                parent_name=form.cleaned_data["parent_name"],
                parent_email=form.cleaned_data["parent_email"],
                site_url=request.build_absolute_uri("/"),
            )
        except InvalidInput as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("We sent your parent an e-mail with a link to confirm."))
            return redirect("youth:parental-consent")
    pending = selectors.parental_consent_get(user)  # type: ignore[arg-type]
    return render(request, "youth/parental_consent.html", {"form": form, "pending": pending})


def parental_consent_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The parent reads who asks, and consents with a button (a link opened by a mail scanner
    consents to nothing)."""
    try:
        consent = services.parental_consent_pending(token=token)
        if request.method == "POST":
            consent = services.parental_consent_confirm(token=token)
            return render(request, "youth/parental_consent_done.html", {"consent": consent})
    except InvalidInput as error:
        return render(request, "youth/parental_consent_confirm.html", {"error": str(error.message)}, status=400)
    return render(request, "youth/parental_consent_confirm.html", {"consent": consent})
