"""A person's birth date, and the consent of a parent of a person under 15.

French law (loi Informatique et Libertés, art. 45, under GDPR art. 8) asks a parent's consent
before the data of a person under 15 is processed on their own consent: `CONSENT_AGE`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: below this age, a parent consents before the account is used (France: 15)
CONSENT_AGE = 15


class BirthDate(models.Model):
    """The birth date a person gave, or the one FranceConnect verified (which then prevails)."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("Given by you")
        FRANCECONNECT = "franceconnect", _("Verified by FranceConnect")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="birth_date")
    born_on = models.DateField(_("birth date"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("birth date")
        verbose_name_plural = _("birth dates")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.born_on}"


class ParentalConsent(models.Model):
    """A parent's consent for a person under 15: asked by e-mail, given when the parent confirms.

    Only a hash of the link's token is stored: the link itself is in the parent's mailbox only.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parental_consent")
    parent_name = models.CharField(_("parent's name"), max_length=200)
    parent_email = models.EmailField(_("parent's e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parental consent")
        verbose_name_plural = _("parental consents")

    def __str__(self) -> str:
        return f"{self.user_id}: {'confirmed' if self.confirmed_at else 'asked'}"
