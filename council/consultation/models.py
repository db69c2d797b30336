"""Consultations of a council: calls for ideas with phases, contributions, comments, endorsements.

A consultation belongs to a council and is read by anyone once published (visitors too);
who may take part is the council's people, narrowed by `eligible_groups` (the one eligibility
mechanism, `council.groups.permissions.is_eligible`). Its phases, each with dates, decide what
is allowed when (`phases.py`). Contributions, comments and moderation reasons are plain text:
line breaks and links are rendered by the templates (`linebreaks`/`urlize` on escaped text).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.core.geo import point_constraint
from council.councils.models import Council
from council.councils.tenancy import SameCouncilMixin
from council.verifications.models import requirement_field

MAX_TITLE_CHARS = 150
MAX_BODY_CHARS = 5000
MAX_COMMENT_CHARS = 2000
MAX_REASON_CHARS = 300
MAX_ANSWER_CHARS = 5000
MAX_COMMENT_DEPTH = 3  # a reply to a reply to a comment, and no deeper


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    CONTRIBUTIONS = "contributions", _("Contributions")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    RESULTS = "results", _("Results")


class Consultation(SameCouncilMixin, models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="consultations")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Until it is published, only the council's facilitators see it.")
    )
    eligible_groups = models.ManyToManyField(
        "groups.NeighbourhoodGroup",
        blank=True,
        related_name="consultations",
        verbose_name=_("open only to these groups"),
        help_text=_("Leave empty to let everyone in the council take part. Anyone may read a published consultation."),
    )
    verification_requirement = requirement_field()
    edit_minutes = models.PositiveIntegerField(
        _("minutes to edit a contribution"),
        default=60,
        help_text=_("How long after submitting its author may still change a contribution (0: never)."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def phase_at(self, when: datetime | None = None) -> "Phase | None":
        """The phase running at `when` (now by default), read from the prefetched phases if any."""
        when = when or timezone.now()
        return next((phase for phase in self.phases.all() if phase.starts_at <= when < phase.ends_at), None)

    @property
    def current_phase(self) -> "Phase | None":
        return self.phase_at()


class Phase(models.Model):
    """One stretch of a consultation's life; what it allows is said by its kind (phases.py)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "kind"], name="consultation_one_phase_of_each_kind"),
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="consultation_phase_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.consultation_id})"


class Category(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="consultation_category_unique")]

    def __str__(self) -> str:
        return self.name


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def visible(self) -> "ContributionQuerySet":
        """Shown to everyone: not hidden by a moderator, not withdrawn, not merged into another."""
        return self.filter(hidden=False, withdrawn_at__isnull=True, merged_into__isnull=True)


class Contribution(SameCouncilMixin, models.Model):
    """An idea submitted to a consultation; its status is what residents follow."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        UNDER_STUDY = "under_study", _("Under study")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        DONE = "done", _("Done")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=MAX_TITLE_CHARS)
    body = models.TextField(_("text"))
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions",
        verbose_name=_("category"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=MAX_REASON_CHARS, blank=True)
    answer = models.TextField(_("official answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The form's idempotency key: a double submit creates one contribution.
    client_request_id = models.CharField(max_length=64, blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["consultation", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "author", "client_request_id"],
                condition=~Q(client_request_id=""),
                name="consultation_contribution_once_per_request",
            ),
            point_constraint("consultation_contribution_point"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="consultation_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_visible(self) -> bool:
        return not self.hidden and self.withdrawn_at is None and self.merged_into_id is None


class Comment(SameCouncilMixin, models.Model):
    class Stance(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        NEUTRAL = "neutral", _("Neutral")

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices, default=Stance.NEUTRAL)
    body = models.TextField(_("comment"))
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=MAX_REASON_CHARS, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    client_request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["contribution", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "author", "client_request_id"],
                condition=~Q(client_request_id=""),
                name="consultation_comment_once_per_request",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class Endorsement(models.Model):
    """One person's support of one contribution ("soutenir"): never two, by the database."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [models.UniqueConstraint(fields=["contribution", "user"], name="consultation_one_endorsement_each")]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.contribution_id}"


class Follow(models.Model):
    """Someone follows a contribution (its author does from the start)."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["contribution", "user"], name="consultation_one_follow_each")]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.contribution_id}"


class AbuseReport(SameCouncilMixin, models.Model):
    """Someone reports a contribution or a comment to the moderators (once each)."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive or hateful")
        PERSONAL = "personal", _("Personal data of someone")
        OTHER = "other", _("Something else")

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    details = models.CharField(_("details"), max_length=MAX_REASON_CHARS, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "reporter"], condition=Q(comment__isnull=True),
                name="consultation_one_report_per_contribution",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"], condition=Q(comment__isnull=False),
                name="consultation_one_report_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.contribution_id}/{self.comment_id}"
