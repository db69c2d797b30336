"""Consultations of a council: calls for ideas with phases, contributions, comments, endorsements.

A consultation belongs to a council and is read by anyone once published (visitors too);
who may take part is the council's people, narrowed by `eligible_groups` (the one eligibility
mechanism, `council.groups.permissions.is_eligible`). Its phases, each with dates, decide what
is allowed when (`phases.py`). Contributions, comments and moderation reasons are plain text:
line breaks and links are rendered by the templates (`linebreaks`/`urlize` on escaped text).
"""

import re
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.core.geo import point_constraint
from council.core.images import DEFAULT_MAX_BYTES
from council.core.uploads import MaxFileSize
from council.councils.models import Council
from council.councils.tenancy import SameCouncilMixin
from council.verifications.models import requirement_field
from council.youth.fields import age_range_constraint
from council.youth.fields import max_age_field
from council.youth.fields import min_age_field

MAX_TITLE_CHARS = 150
MAX_BODY_CHARS = 5000
MAX_COMMENT_CHARS = 2000
MAX_REASON_CHARS = 300
MAX_ANSWER_CHARS = 5000
MAX_COMMENT_DEPTH = 3  # a reply to a reply to a comment, and no deeper
MAX_IMAGE_DESCRIPTION_CHARS = 300
MAX_EMBED_ORIGINS = 20


def origin_list(text: str) -> list[str]:
    """The origins written one per line (blank lines and a trailing slash ignored), in order, once each."""
    origins: list[str] = []
    for line in (text or "").splitlines():
        origin = line.strip().rstrip("/").lower()
        if origin and origin not in origins:
            origins.append(origin)
    return origins


ORIGIN_HOST = re.compile(r"(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def is_origin(origin: str) -> bool:
    """https://host[:port], a wildcard subdomain allowed (CSP's *.example.fr); http:// for localhost only."""
    parts = urlsplit(origin)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    local = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
    return bool(
        (parts.scheme == "https" or local) and parts.hostname and port_ok
        and not (parts.path or parts.query or parts.fragment or parts.username or parts.password)
        and ORIGIN_HOST.fullmatch(parts.hostname)
        and origin == f"{parts.scheme}://{parts.netloc}"
    )


def validate_origins(text: str) -> None:
    """Each line an origin, https://host[:port] (http:// only for localhost, to try it out)."""
    origins = origin_list(text)
    if len(origins) > MAX_EMBED_ORIGINS:
        raise ValidationError(_("At most %(max)d sites."), params={"max": MAX_EMBED_ORIGINS})
    for origin in origins:
        if not is_origin(origin):
            raise ValidationError(
                _("“%(origin)s” is not a site's address: write it as https://www.example-town.fr, without a path."),
                params={"origin": origin},
            )



class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    CONTRIBUTIONS = "contributions", _("Contributions")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    RESULTS = "results", _("Results")


class Language(models.TextChoices):
    """The language contributions are written in: it decides how search matches words (stems, stop words)."""

    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


#: PostgreSQL's text search configuration of each language (one GIN index each, migration 0003)
SEARCH_CONFIGS = {Language.FRENCH: "french", Language.ENGLISH: "english"}

#: contributions every page may show (the partial indexes of the sorts hold only these)
VISIBLE = Q(hidden=False, withdrawn_at__isnull=True, merged_into__isnull=True)


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
    min_age = min_age_field()  # an age range for taking part (council/youth); anyone may read
    max_age = max_age_field()
    verification_requirement = requirement_field()
    edit_minutes = models.PositiveIntegerField(
        _("minutes to edit a contribution"),
        default=60,
        help_text=_("How long after submitting its author may still change a contribution (0: never)."),
    )
    image = models.FileField(
        _("image"), upload_to="consultation/consultations/", blank=True, validators=[MaxFileSize(DEFAULT_MAX_BYTES)],
        help_text=_("A PNG, JPEG or WebP image of at most 5 MB; its metadata (such as a GPS position) is removed."),
    )
    image_description = models.CharField(
        _("what the image shows"), max_length=MAX_IMAGE_DESCRIPTION_CHARS, blank=True,
        help_text=_("For those who cannot see it; needed with an image."),
    )
    embed_origins = models.TextField(
        _("sites that may show it in a frame"), blank=True, validators=[validate_origins],
        help_text=_(
            "One address per line, such as https://www.example-town.fr: those sites may embed this "
            "consultation's widget and its contributions' widgets. Leave empty to allow none."
        ),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH,
        help_text=_("The language of the contributions: search matches the forms of its words."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at", "-pk"]
        constraints = [age_range_constraint("consultation_age_range")]

    def __str__(self) -> str:
        return self.title

    def phase_at(self, when: datetime | None = None) -> "Phase | None":
        """The phase running at `when` (now by default), read from the prefetched phases if any."""
        when = when or timezone.now()
        return next((phase for phase in self.phases.all() if phase.starts_at <= when < phase.ends_at), None)

    @property
    def current_phase(self) -> "Phase | None":
        return self.phase_at()

    @property
    def frame_ancestors(self) -> list[str]:
        """The origins that may frame its widgets (the CSP's frame-ancestors); a line that is not one
        (written around the form) is left out rather than put into the header."""
        return [origin for origin in origin_list(self.embed_origins) if is_origin(origin)]


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
        return self.filter(VISIBLE)


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
    image = models.FileField(
        _("image"), upload_to="consultation/contributions/", blank=True, validators=[MaxFileSize(DEFAULT_MAX_BYTES)]
    )
    image_description = models.CharField(_("what the image shows"), max_length=MAX_IMAGE_DESCRIPTION_CHARS, blank=True)
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
    # Counters the sorts read, kept by the services in the transaction of each change
    # (endorse, unendorse, comment, hide a comment, merge): the visible comments, every endorsement.
    endorsement_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["consultation", "-created_at"]),
            models.Index(
                fields=["consultation", "-endorsement_count", "-created_at", "-id"], condition=VISIBLE,
                name="consultation_most_endorsed",
            ),
            models.Index(
                fields=["consultation", "-comment_count", "-created_at", "-id"], condition=VISIBLE,
                name="consultation_most_commented",
            ),
            # A category's most supported (a search within a category too): the page walks the
            # category's entries in order, the count reads them alone (both index-only).
            models.Index(
                fields=["consultation", "category", "-endorsement_count", "-created_at", "-id"], condition=VISIBLE,
                name="consultation_category_endorsed",
            ),
        ]
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


class ConsultationExport(models.Model):
    """A file of a consultation's contributions, comments and counts, written by a Celery task.

    The file is kept in the database, not in the media folder, which is served to anyone: only
    the council's staff download it (`consultation.export_consultation`). `done` of `total` rows
    written is its progress, which the page polls.
    """

    class Format(models.TextChoices):
        ODS = "ods", _("OpenDocument spreadsheet (ODS)")
        CSV = "csv", _("CSV")
        JSON = "json", _("JSON (for programs)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    content = models.BinaryField(blank=True, default=b"", editable=False)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.format} {self.status}"
