"""Petitions of a council: a resident opens one (title, text), residents sign it once each.

The council sets, once for all its petitions (`PetitionSettings`), how many signatures call for
an official answer, the meeting room whose agenda a petition then goes on, and the verifications
a signer needs (a requirement of council/verifications, as rooms, votes, budgets and consultations
carry). A petition keeps the threshold and the requirement it was opened with, so a later change
does not move its goal.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.councils.tenancy import SameCouncilMixin
from council.verifications.models import requirement_field

MAX_TITLE_CHARS = 150
MAX_BODY_CHARS = 5000
MAX_ANSWER_CHARS = 5000
DEFAULT_THRESHOLD = 100


class PetitionSettings(SameCouncilMixin, models.Model):
    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="petition_settings")
    threshold = models.PositiveIntegerField(
        _("signatures needed"), default=DEFAULT_THRESHOLD,
        help_text=_("A petition with this many signatures goes on a meeting's agenda and calls for an official answer."),
    )
    meeting_room = models.ForeignKey(
        "rooms.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("meeting whose agenda receives petitions"),
    )
    verification_requirement = requirement_field()  # asked of signers

    class Meta:
        verbose_name = _("petition settings")
        verbose_name_plural = _("petition settings")

    def __str__(self) -> str:
        return f"{self.council} ({self.threshold})"


class Petition(SameCouncilMixin, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Collecting signatures")
        AWAITING_ANSWER = "awaiting", _("Threshold reached, awaiting the council's answer")
        ANSWERED = "answered", _("Answered by the council")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="petitions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=MAX_TITLE_CHARS)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    threshold = models.PositiveIntegerField(_("signatures needed"))
    verification_requirement = requirement_field()  # asked of signers
    created_at = models.DateTimeField(default=timezone.now)
    reached_at = models.DateTimeField(null=True, blank=True)
    # The agenda item it was put on (a plain id: the agenda is another module's, council/rooms/agenda_links.py).
    agenda_room = models.ForeignKey("rooms.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agenda_item_id = models.PositiveIntegerField(null=True, blank=True)
    answer = models.TextField(_("official answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The form's idempotency key: a double submit opens one petition.
    client_request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "author", "client_request_id"], condition=~Q(client_request_id=""),
                name="petition_once_per_request",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Signature(models.Model):
    """One person's signature of one petition: never two, by the database."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [models.UniqueConstraint(fields=["petition", "user"], name="petition_one_signature_each")]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.petition_id}"
