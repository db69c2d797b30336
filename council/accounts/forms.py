from django import forms
from django.utils.translation import gettext_lazy as _

from council.accounts.models import User
from council.core import ratelimit

#: password attempts allowed per account when deleting it
ATTEMPTS_RATE = "5/300"


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "notify_in_app", "notify_by_email"]


class AccountDeleteForm(forms.Form):
    """The password again: deleting an account cannot be undone, nor done from a session left open."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # as the log-in's per-account limit: an open session is no way to guess the password
        allowed, _hits = ratelimit.hit(f"account-delete:{self.user.pk}", ATTEMPTS_RATE)
        if not allowed:
            raise forms.ValidationError(_("Too many attempts. Try again in a few minutes."))
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password
