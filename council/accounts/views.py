import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from council.accounts import selectors
from council.accounts import services
from council.accounts import session_end
from council.accounts.cookies import language_cookie_set
from council.accounts.forms import AccountDeleteForm
from council.accounts.forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.profile_update(
            actor=request.user,
            display_name=form.cleaned_data["display_name"],
            preferred_language=form.cleaned_data["preferred_language"],
            notify_in_app=form.cleaned_data["notify_in_app"],
            notify_by_email=form.cleaned_data["notify_by_email"],
        )
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile was saved."))
        response = redirect("profile")
        language_cookie_set(response, user.preferred_language)
        return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "verifications": selectors.verification_list(request.user)},
    )


@login_required
def my_data(request):
    """What Council stores about the person and why, what deletion keeps, and the way to both."""
    return render(
        request,
        "accounts/my_data.html",
        {"kept": selectors.kept_record_list(request.user), "kept_kinds": selectors.kept_record_kinds()},
    )


@login_required
def my_data_download(request, kind: str):
    """Everything about the person, as JSON or as a page to read, downloaded as a file."""
    export = selectors.personal_data_export(request.user)
    if kind == "json":
        body = json.dumps(export, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif kind == "html":
        body = render_to_string("accounts/my_data_export.html", {"export": export}, request=request)
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="council-my-data.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    """Confirm with the password, then delete the account and log the person out."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        end = session_end.begin(request)  # an identity provider's session (FranceConnect) ends too
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account was deleted."))
        if end is None:
            return redirect("home")
        request.session.update(end.keep)
        return redirect(end.url)
    return render(request, "accounts/account_delete.html", {"form": form}, status=400 if form.errors else 200)
