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


class FranceConnectClient(models.Model):
    """A council's own FranceConnect service provider: its client id and secret at FranceConnect."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="franceconnect")
    enabled = models.BooleanField(_("enabled"), default=False)
    issuer = models.URLField(
        _("FranceConnect address"),
        default=SANDBOX_ISSUER,
        help_text=format_lazy(
            _("Sandbox: {sandbox}; production: {production} (the endpoints are under this address)."),
            sandbox=SANDBOX_ISSUER,
            production=PRODUCTION_ISSUER,
        ),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    secret = models.CharField(_("client secret"), max_length=200)
    claims = models.JSONField(
        _("identity claims asked for"),
        default=default_claims,
        help_text=_("Ask only for what the council needs: they are kept as the person's verification."),
    )
    # Set by the instance's superuser only: accounts are shared by every council, and a
    # council's client must not take over another council's administrator by e-mail.
    link_by_email = models.BooleanField(
        _("link to an existing account by e-mail"),
        default=False,
        help_text=_(
            "Treat the e-mail address FranceConnect gives as verified and log its owner in. "
            "Otherwise a person with an account logs in first, then connects FranceConnect."
        ),
    )

    class Meta:
        verbose_name = _("FranceConnect client")
        verbose_name_plural = _("FranceConnect clients")

    def __str__(self) -> str:
        return f"FranceConnect ({self.council})"

    @property
    def provider_id(self) -> str:
        """The id allauth knows this client by (in its URLs and social accounts).

        The council's id, not its slug: renaming a council must neither orphan the accounts
        connected through it nor change the addresses registered with FranceConnect.
        """
        return f"franceconnect-{self.council_id}"
