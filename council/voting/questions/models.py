"""Questions asked in a meeting, their upvotes, the room's Q&A settings and the moderation log.

Everything belongs to the meeting's plenary room: a question asked from a workshop is asked
of the whole meeting. The author is always stored (the facilitation team answers for what is
shown); `anonymous` only hides their name from everyone else.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.councils.tenancy import SameCouncilMixin
from council.rooms.models import Room

MAX_TEXT_CHARS = 500
MAX_REASON_CHARS = 200


class QaSettings(SameCouncilMixin, models.Model):
    """How the room takes questions, set by its facilitation team; the question on the projector."""

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="qa_settings", primary_key=True)
    is_open = models.BooleanField(_("questions open"), default=True)
    moderated = models.BooleanField(_("moderated"), default=False)
    anonymous_allowed = models.BooleanField(_("anonymous questions allowed"), default=True)
    # One per room by construction: the projector shows this one.
    shown = models.ForeignKey("Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Q&A of room {self.room_id}"


class Question(SameCouncilMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        ANSWERED = "answered", _("answered")
        HIDDEN = "hidden", _("hidden")
        WITHDRAWN = "withdrawn", _("withdrawn")
        MERGED = "merged", _("merged")

    #: shown to everyone in the meeting
    VISIBLE = (Status.APPROVED, Status.ANSWERED)

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=MAX_TEXT_CHARS)
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    hidden_reason = models.CharField(max_length=MAX_REASON_CHARS, blank=True)
    shortlisted = models.BooleanField(default=False)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The ask's request id: a command re-sent after a dropped socket asks once.
    client_request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["room", "created_at", "pk"]
        indexes = [models.Index(fields=["room", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status="merged"), name="questions_merged_has_status"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_visible(self) -> bool:
        return self.status in self.VISIBLE


class Upvote(models.Model):
    """One person's support for one question (toggled; never two)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="questions_one_upvote_each")]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.question_id}"


class ModerationEntry(SameCouncilMixin, models.Model):
    """Who approved, hid, merged, answered, showed a question, or changed the settings, and when."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20)
    reason = models.CharField(max_length=MAX_REASON_CHARS, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["room", "created_at", "pk"]
        verbose_name_plural = "moderation entries"

    def __str__(self) -> str:
        return f"{self.action} {self.question_id}"
