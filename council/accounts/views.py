from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from council.accounts import selectors
from council.accounts import services
from council.accounts.cookies import language_cookie_set
from council.accounts.forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.profile_update(
            actor=request.user,
            display_name=form.cleaned_data["display_name"],
            preferred_language=form.cleaned_data["preferred_language"],
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
