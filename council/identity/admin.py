"""A council's FranceConnect, ProConnect and social log-ins in the admin; the instance's own social apps.

Secrets are written, never shown back. Whether an app may link to an existing account by
e-mail, and which address a client trusts beyond the State's own, are the superuser's.
"""

from typing import Any

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.models import SocialToken
from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from council.councils.admin import CouncilScopedAdmin
from council.councils.admin import SuperuserFieldsMixin
from council.identity.models import CLAIM_CHOICES
from council.identity.models import PROCONNECT_CLAIM_CHOICES
from council.identity.models import PROCONNECT_PRODUCTION_ISSUER
from council.identity.models import PROCONNECT_SANDBOX_ISSUER
from council.identity.models import PRODUCTION_ISSUER
from council.identity.models import SANDBOX_ISSUER
from council.identity.models import CouncilSocialApp
from council.identity.models import FranceConnectClient
from council.identity.models import ProConnectClient


def secret_field(help_text: Any = None) -> forms.CharField:
    return forms.CharField(
        label=_("client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=help_text or _("Never shown again once saved; leave empty to keep the one saved."),
    )


class WriteOnlySecretMixin:
    """The secret field is empty on the page; left empty, the saved one is kept."""

    instance: Any
    cleaned_data: dict[str, Any]

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"] or self.instance.secret
        if not secret:
            raise forms.ValidationError(_("The provider gave a client secret with the client id: enter it."))
        return secret


class FranceConnectClientForm(WriteOnlySecretMixin, forms.ModelForm):
    issuer = FranceConnectClient._meta.get_field("issuer").formfield(assume_scheme="https")
    secret = secret_field()
    claims = forms.MultipleChoiceField(
        label=_("identity claims asked for"), choices=CLAIM_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text=_("Ask only for what the council needs: they are kept as the person's verification."),
    )

    class Meta:
        model = FranceConnectClient
        fields = ["council", "enabled", "issuer", "client_id", "secret", "claims", "link_by_email"]


class OfficialIssuerMixin:
    """A council administrator's form: the State's own addresses only.

    Council sends the secret to the issuer and trusts whoever its keys sign: an address of the
    administrator's choosing would let them log in as anyone who connected the council's
    client (the instance's superuser too), and make the server call any host.
    """

    OFFICIAL: list[tuple[str, Any]]
    fields: dict[str, Any]
    instance: Any

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        label = self.fields["issuer"].label
        self.fields["issuer"] = field = forms.ChoiceField(label=label, choices=list(self.OFFICIAL))
        if self.instance.issuer not in dict(field.choices):  # set by the superuser: kept, not switched
            field.choices = [*field.choices, (self.instance.issuer, self.instance.issuer)]


class OfficialIssuerForm(OfficialIssuerMixin, FranceConnectClientForm):
    OFFICIAL = [(SANDBOX_ISSUER, _("FranceConnect sandbox")), (PRODUCTION_ISSUER, _("FranceConnect (production)"))]


class ProConnectClientForm(WriteOnlySecretMixin, forms.ModelForm):
    issuer = ProConnectClient._meta.get_field("issuer").formfield(assume_scheme="https")
    secret = secret_field()
    claims = forms.MultipleChoiceField(
        label=_("claims asked for"), choices=PROCONNECT_CLAIM_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text=_("Ask only for what the council needs. ProConnect always gives the e-mail address."),
    )

    class Meta:
        model = ProConnectClient
        fields = ["council", "enabled", "issuer", "client_id", "secret", "claims", "link_by_email"]


class ProConnectOfficialIssuerForm(OfficialIssuerMixin, ProConnectClientForm):
    OFFICIAL = [
        (PROCONNECT_SANDBOX_ISSUER, _("ProConnect sandbox (integration)")),
        (PROCONNECT_PRODUCTION_ISSUER, _("ProConnect (production)")),
    ]


# allauth's own admin shows an app's secret and people's tokens in clear: Council stores no
# tokens (SOCIALACCOUNT_STORE_TOKENS) and registers its own admin of the instance's apps below.
for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _addresses(*rows: tuple[Any, str]) -> str:
    """The addresses to register with a provider: paths on the site's address."""
    site = _("this site's address")
    return format_html_join(
        mark_safe("<br>"), "{} <code>https://&lt;{}&gt;{}</code>", ((label, site, path) for label, path in rows)
    )


class SignedOIDCClientAdmin(SuperuserFieldsMixin, CouncilScopedAdmin):
    SUPERUSER_FIELDS = frozenset({"link_by_email"})
    official_form: type[forms.ModelForm]
    list_display = ["council", "enabled", "issuer", "client_id"]
    readonly_fields = ["addresses_to_register"]

    @admin.display(description=_("addresses to give the provider"))
    def addresses_to_register(self, client: FranceConnectClient | ProConnectClient) -> str:
        """The redirect and post-logout redirect URIs of this client, once saved."""
        if client.pk is None:
            return _("Shown once the client is saved.")
        kwargs = {"provider_id": client.provider_id}
        return _addresses(
            (_("Redirect URI:"), reverse(f"{client.PROVIDER}_callback", kwargs=kwargs)),
            (_("Post-logout redirect URI:"), reverse(f"{client.PROVIDER}_logout_callback", kwargs=kwargs)),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = self.official_form
        return super().get_form(request, obj, change, **kwargs)


@admin.register(FranceConnectClient)
class FranceConnectClientAdmin(SignedOIDCClientAdmin):
    form = FranceConnectClientForm
    official_form = OfficialIssuerForm


@admin.register(ProConnectClient)
class ProConnectClientAdmin(SignedOIDCClientAdmin):
    form = ProConnectClientForm
    official_form = ProConnectOfficialIssuerForm


class CouncilSocialAppForm(WriteOnlySecretMixin, forms.ModelForm):
    secret = secret_field()

    class Meta:
        model = CouncilSocialApp
        fields = ["council", "provider", "enabled", "client_id", "secret", "server_url"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        generic = cleaned.get("provider") == CouncilSocialApp.Provider.OPENID_CONNECT
        server_url = cleaned.get("server_url", self.instance.server_url)
        if generic and cleaned.get("enabled") and not server_url:
            self.add_error(
                "enabled",
                _("The instance's superuser sets the OpenID Connect address first: ask them before enabling it."),
            )
        return cleaned


@admin.register(CouncilSocialApp)
class CouncilSocialAppAdmin(SuperuserFieldsMixin, CouncilScopedAdmin):
    # The generic provider's address decides whose signatures Council trusts (see the model).
    SUPERUSER_FIELDS = frozenset({"server_url"})
    form = CouncilSocialAppForm
    list_display = ["council", "provider", "enabled", "client_id"]
    list_filter = ["provider"]
    readonly_fields = ["addresses_to_register"]

    @admin.display(description=_("addresses to give the provider"))
    def addresses_to_register(self, app: CouncilSocialApp) -> str:
        if app.pk is None:
            return _("Shown once the log-in is saved.")
        name = "openid_connect_callback" if app.provider == app.Provider.OPENID_CONNECT else "council_social_callback"
        return _addresses((_("Redirect URI:"), reverse(name, kwargs={"provider_id": app.provider_id})))


def _instance_providers() -> list[tuple[str, str]]:
    """allauth's installed providers; FranceConnect and ProConnect are each council's (above)."""
    from allauth.socialaccount.providers import registry

    return [(cls.id, cls.name) for cls in registry.get_class_list() if cls.id not in ("franceconnect", "proconnect")]


class SocialAppForm(WriteOnlySecretMixin, forms.ModelForm):
    provider = forms.ChoiceField(label=_("provider"), choices=_instance_providers)
    secret = secret_field()
    link_by_email = forms.BooleanField(
        label=_("link to an existing account by a verified e-mail"),
        required=False,
        help_text=_(
            "Log in the owner of an account whose verified address the provider vouches for "
            "(allauth's email_authentication). Only for a provider whose addresses you trust."
        ),
    )

    class Meta:
        model = SocialApp
        fields = ["provider", "provider_id", "name", "client_id", "secret", "key", "settings", "link_by_email"]
        help_texts = {
            "provider_id": _("For OpenID Connect: the app's own id, in its addresses (e.g. \"metropole\")."),
            "settings": _(
                "JSON. OpenID Connect: its address as server_url; Microsoft: tenant; Apple: certificate_key. "
                "Shown to the superuser only."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link_by_email"].initial = bool((self.instance.settings or {}).get("email_authentication"))

    def save(self, commit: bool = True) -> SocialApp:
        app = super().save(commit=False)
        app.settings = {**(app.settings or {}), "email_authentication": self.cleaned_data["link_by_email"]}
        if commit:
            app.save()
            self.save_m2m()
        return app


@admin.register(SocialApp)
class InstanceSocialAppAdmin(admin.ModelAdmin):
    """The instance's own social log-ins, offered on every council's log-in page: the superuser's only."""

    form = SocialAppForm
    list_display = ["name", "provider", "client_id"]
    exclude = ["sites"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
