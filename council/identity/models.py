from urllib.parse import urlsplit

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council

SANDBOX_ISSUER = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2"
PRODUCTION_ISSUER = "https://oidc.franceconnect.gouv.fr/api/v2"

#: The identity claims FranceConnect v2 may give, as (scope, label). preferred_username,
#: address and phone were dropped in v2.
CLAIM_CHOICES = [
    ("given_name", _("Given names")),
    ("family_name", _("Family name")),
    ("birthdate", _("Birth date")),
    ("gender", _("Gender")),
    ("birthplace", _("Birth place (INSEE code)")),
    ("birthcountry", _("Birth country (INSEE code)")),
    ("email", _("E-mail address")),
]
DEFAULT_CLAIMS = ["given_name", "family_name", "birthdate", "email"]
#: Levels of assurance at least as strong as the eidas1 Council asks for.
ACCEPTED_ACR = frozenset({"eidas1", "eidas2", "eidas3"})


def default_claims() -> list[str]:
    return list(DEFAULT_CLAIMS)


class SignedOIDCClient(models.Model):
    """What a council's FranceConnect and ProConnect clients share: credentials, and who may link by e-mail.

    Abstract: each provider keeps its own table (and its own address and claims, whose
    defaults differ).
    """

    PROVIDER: str  # the allauth provider id ("franceconnect", "proconnect")
    NAME: str  # the service's name, shown to people
    council_id: int

    enabled = models.BooleanField(_("enabled"), default=False)
    client_id = models.CharField(_("client id"), max_length=200)
    secret = models.CharField(_("client secret"), max_length=200)
    # Set by the instance's superuser only: accounts are shared by every council, and a
    # council's client must not take over another council's administrator by e-mail.
    link_by_email = models.BooleanField(
        _("link to an existing account by e-mail"),
        default=False,
        help_text=_(
            "Treat the e-mail address the service gives as verified and log its owner in. "
            "Otherwise a person with an account logs in first, then connects the service."
        ),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.NAME} ({self.council})"  # type: ignore[attr-defined]

    @property
    def provider_id(self) -> str:
        """The id allauth knows this client by (in its URLs and social accounts).

        The council's id, not its slug: renaming a council must neither orphan the accounts
        connected through it nor change the addresses registered with the provider.
        """
        return f"{self.PROVIDER}-{self.council_id}"

    @classmethod
    def council_id_of(cls, provider_id: str) -> int | None:
        """The council whose client `provider_id` names (the inverse of `provider_id`), None if not one of ours."""
        prefix, _, council_id = provider_id.partition("-")
        return int(council_id) if prefix == cls.PROVIDER and council_id.isdigit() else None


class FranceConnectClient(SignedOIDCClient):
    """A council's own FranceConnect service provider: its client id and secret at FranceConnect."""

    PROVIDER = "franceconnect"
    NAME = "FranceConnect"

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="franceconnect")
    issuer = models.URLField(
        _("FranceConnect address"),
        default=SANDBOX_ISSUER,
        help_text=format_lazy(
            _("Sandbox: {sandbox}; production: {production} (the endpoints are under this address)."),
            sandbox=SANDBOX_ISSUER,
            production=PRODUCTION_ISSUER,
        ),
    )
    claims = models.JSONField(
        _("identity claims asked for"),
        default=default_claims,
        help_text=_("Ask only for what the council needs: they are kept as the person's verification."),
    )

    class Meta:
        verbose_name = _("FranceConnect client")
        verbose_name_plural = _("FranceConnect clients")


# Checked against ProConnect's documentation for service providers (partenaires.proconnect.gouv.fr,
# sources in github.com/proconnect-gouv/proconnect-espace-partenaires, src/pages/docs/:
# ressources/valeur_ac_domain.md for the hosts, fournisseur-service/implementation_technique.md
# for the /api/v2 endpoints, fournisseur-service/scope-claims.md and donnees_fournies.md for the
# scopes). The hosts kept their AgentConnect names; the RIE hosts (the State's own network) are
# fca.integ02.agentconnect.rie.gouv.fr and auth.agentconnect.rie.gouv.fr.
PROCONNECT_SANDBOX_ISSUER = "https://fca.integ01.dev-agentconnect.fr/api/v2"
PROCONNECT_PRODUCTION_ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"

#: The scopes ProConnect may give, as (scope, label). `usual_name` is the name in use (not the
#: birth name); `uid` the identifier at the agent's own identity provider; `siret` the employer;
#: `idp_id` which identity provider the agent used. The last three need asking ProConnect.
PROCONNECT_CLAIM_CHOICES = [
    ("given_name", _("Given names")),
    ("usual_name", _("Name in use")),
    ("email", _("Work e-mail address")),
    ("uid", _("Identifier at the agent's identity provider")),
    ("siret", _("SIRET of the employer")),
    ("idp_id", _("Identity provider used")),
    ("organization_label", _("Name of the organisation")),
    ("organizational_unit", _("Department")),
    ("belonging_population", _("Staff category")),
    ("phone", _("Work telephone")),
]
#: A scope whose claim has another name (scope-claims.md: the `phone` scope gives `phone_number`).
SCOPE_CLAIMS = {"phone": "phone_number"}
PROCONNECT_DEFAULT_CLAIMS = ["given_name", "usual_name", "email", "siret"]


def proconnect_default_claims() -> list[str]:
    return list(PROCONNECT_DEFAULT_CLAIMS)


class ProConnectClient(SignedOIDCClient):
    """A council's own ProConnect service provider, for its staff (the State's log-in for public servants)."""

    PROVIDER = "proconnect"
    NAME = "ProConnect"

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="proconnect")
    issuer = models.URLField(
        _("ProConnect address"),
        default=PROCONNECT_SANDBOX_ISSUER,
        help_text=format_lazy(
            _("Sandbox: {sandbox}; production: {production} (the endpoints are under this address)."),
            sandbox=PROCONNECT_SANDBOX_ISSUER,
            production=PROCONNECT_PRODUCTION_ISSUER,
        ),
    )
    claims = models.JSONField(
        _("claims asked for"),
        default=proconnect_default_claims,
        help_text=_("Ask only for what the council needs."),
    )

    class Meta:
        verbose_name = _("ProConnect client")
        verbose_name_plural = _("ProConnect clients")


class CouncilSocialApp(models.Model):
    """A social log-in a council's administrators set up with the council's own client id.

    It never links to an existing account by itself, whatever e-mail address it vouches for:
    accounts are shared by every council, and the e-mail a council's provider gives is only
    as good as that council's set-up. A person who has an account logs in first, then
    connects it. Providers that may link by e-mail are the instance's own (allauth's
    SocialApp, set up by the superuser).
    """

    class Provider(models.TextChoices):
        GOOGLE = "google", "Google"
        MICROSOFT = "microsoft", "Microsoft"
        FACEBOOK = "facebook", "Facebook"
        GITHUB = "github", "GitHub"
        OPENID_CONNECT = "openid_connect", _("OpenID Connect (another provider)")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="social_apps")
    provider = models.CharField(_("provider"), max_length=32, choices=Provider.choices)
    enabled = models.BooleanField(_("enabled"), default=False)
    client_id = models.CharField(_("client id"), max_length=200)
    secret = models.CharField(_("client secret"), max_length=200)
    # The generic provider's address: Council trusts whatever identities it signs for the
    # accounts connected through it, so only the instance's superuser sets it (admin.py).
    server_url = models.URLField(
        _("OpenID Connect address"), blank=True,
        help_text=_("The issuer (its /.well-known/openid-configuration is read). Set by the instance's superuser."),
    )

    class Meta:
        verbose_name = _("social log-in of a council")
        verbose_name_plural = _("social log-ins of councils")

    def __str__(self) -> str:
        return f"{self.label} ({self.council})"

    @property
    def label(self) -> str:
        """The button's text: the provider's name, and the generic provider's host."""
        if self.provider == self.Provider.OPENID_CONNECT and self.server_url:
            return f"OpenID Connect ({urlsplit(self.server_url).hostname})"
        return str(self.get_provider_display())

    @property
    def provider_id(self) -> str:
        """The id allauth knows this app by: its own, so that its accounts are its own."""
        short = "oidc" if self.provider == self.Provider.OPENID_CONNECT else self.provider
        return f"{short}-council-{self.pk}"
