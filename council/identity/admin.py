"""A council's FranceConnect client in the admin: the secret is written, never shown back."""

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.models import SocialToken
from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from council.councils.admin import CouncilScopedAdmin
from council.councils.admin import SuperuserFieldsMixin
from council.identity.models import CLAIM_CHOICES
from council.identity.models import PRODUCTION_ISSUER
from council.identity.models import SANDBOX_ISSUER
from council.identity.models import FranceConnectClient


class FranceConnectClientForm(forms.ModelForm):
    issuer = FranceConnectClient._meta.get_field("issuer").formfield(assume_scheme="https")
    secret = forms.CharField(
        label=_("client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Never shown again once saved; leave empty to keep the one saved."),
    )
    claims = forms.MultipleChoiceField(
        label=_("identity claims asked for"), choices=CLAIM_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text=_("Ask only for what the council needs: they are kept as the person's verification."),
    )

    class Meta:
        model = FranceConnectClient
        fields = ["council", "enabled", "issuer", "client_id", "secret", "claims", "link_by_email"]

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"] or self.instance.secret
        if not secret:
            raise forms.ValidationError(_("FranceConnect gave a client secret with the client id: enter it."))
        return secret


class OfficialIssuerForm(FranceConnectClientForm):
    """A council administrator's form: FranceConnect's own addresses only.

    Council sends the secret to the issuer and trusts whoever its keys sign: an address of the
    administrator's choosing would let them log in as anyone who connected the council's
    FranceConnect (the instance's superuser too), and make the server call any host.
    """

    issuer = forms.ChoiceField(
        label=FranceConnectClient._meta.get_field("issuer").verbose_name,
        choices=[(SANDBOX_ISSUER, _("FranceConnect sandbox")), (PRODUCTION_ISSUER, _("FranceConnect (production)"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["issuer"]
        if self.instance.issuer not in dict(field.choices):  # set by the superuser: kept, not switched
            field.choices = [*field.choices, (self.instance.issuer, self.instance.issuer)]


# allauth's own admin shows an app's secret and people's tokens in clear: Council keeps its
# FranceConnect clients in FranceConnectClient and stores no tokens (SOCIALACCOUNT_STORE_TOKENS).
for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(FranceConnectClient)
class FranceConnectClientAdmin(SuperuserFieldsMixin, CouncilScopedAdmin):
    SUPERUSER_FIELDS = frozenset({"link_by_email"})
    form = FranceConnectClientForm
    list_display = ["council", "enabled", "issuer", "client_id"]
    readonly_fields = ["addresses_to_register"]

    @admin.display(description=_("addresses to give FranceConnect"))
    def addresses_to_register(self, client: FranceConnectClient) -> str:
        """The redirect and post-logout redirect URIs of this client (paths on the site's address), once saved."""
        if client.pk is None:
            return _("Shown once the client is saved.")
        login, logout = (
            reverse(name, kwargs={"provider_id": client.provider_id})
            for name in ("franceconnect_callback", "franceconnect_logout_callback")
        )
        return format_html(
            "{} <code>https://&lt;{}&gt;{}</code><br>{} <code>https://&lt;{}&gt;{}</code>",
            _("Redirect URI:"), _("this site's address"), login,
            _("Post-logout redirect URI:"), _("this site's address"), logout,
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = OfficialIssuerForm
        return super().get_form(request, obj, change, **kwargs)
