"""Census lists, codes issued by officials, attempts, and the log of which verification served where.

The verifications a person holds are `accounts.Verification` rows (e-mail is read from allauth's
verified addresses): this app adds the means to obtain them and the requirement things carry.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council

#: The fields a council may ask a resident to prove they are on its census list, in CSV order.
CENSUS_FIELDS = {
    "family_name": _("Family name"),
    "given_name": _("Given name"),
    "birth_date": _("Birth date"),
    "postcode": _("Postcode"),
}


def requirement_field() -> models.JSONField:
    """The field each room, poll, vote, budget and consultation holds its requirement in."""
    from council.verifications.requirements import validate_requirement

    return models.JSONField(
        _("verifications required"),
        default=dict,
        blank=True,
        validators=[validate_requirement],
        help_text=_('{"kinds": [...], "mode": "any" or "all"}; empty: none required.'),
    )


class CensusList(models.Model):
    """The council's list of eligible residents, as keyed hashes of the fields it chose.

    No name or birth date is stored: each line is an HMAC of its normalised fields, keyed by
    the instance's secret and this list's salt, so the table alone tells nothing.
    """

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="census")
    fields = models.JSONField(_("fields checked"))  # keys of CENSUS_FIELDS, in CSV order
    salt = models.CharField(max_length=32)
    size = models.PositiveIntegerField(_("residents listed"), default=0)
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("census list")
        verbose_name_plural = _("census lists")

    def __str__(self) -> str:
        return f"{self.council} ({self.size})"


class CensusEntry(models.Model):
    census = models.ForeignKey(CensusList, on_delete=models.CASCADE, related_name="entries")
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("census entry")
        verbose_name_plural = _("census entries")
        constraints = [models.UniqueConstraint(fields=["census", "digest"], name="census_entry_unique")]

    def __str__(self) -> str:
        return self.digest[:12]


class CensusAttempt(models.Model):
    """One try at the census check, counted for the limit per person and per hour."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    matched = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("census attempt")
        verbose_name_plural = _("census attempts")
        indexes = [models.Index(fields=["user", "council", "at"], name="census_attempt_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"


class VerificationCode(models.Model):
    """A code an official hands over in person or sends by post: single use, expiring.

    Only its keyed hash is kept; the code is shown once, to the official who issues it.
    """

    class Delivery(models.TextChoices):
        POSTAL = "postal", _("By post")
        IN_PERSON = "in_person", _("In person")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="verification_codes")
    digest = models.CharField(max_length=64, unique=True)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_delivery_display()} {self.issued_at:%Y-%m-%d}"


class VerificationUse(models.Model):
    """Which verifications a person used to take part in what: kept apart from every ballot.

    It names the thing (a vote, a budget…) and the kinds, never a ballot, and keeps the day
    only, not the moment: nothing here can be joined with a ballot's time to tell a vote.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=80)  # "ballots.vote:12"
    kinds = models.JSONField()
    day = models.DateField()

    class Meta:
        verbose_name = _("verification use")
        verbose_name_plural = _("verification uses")
        constraints = [models.UniqueConstraint(fields=["user", "target"], name="verification_use_once")]

    def __str__(self) -> str:
        return f"{self.target} {self.day}"
