"""A participatory budget, its projects, and the residents' budget ballots.

A budget ballot is private, not secret (issue 14): it stays linked to its voter so that it can
be saved and finished later and each voter's share explained to them; officials only ever see
totals. Ballots imported from a Pabulib file or entered from paper have no account: they carry
the file's voter id instead.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.core.geo import point_constraint
from council.core.uploads import MaxFileSize
from council.councils.models import Council
from council.councils.models import validate_logo_image
from council.councils.tenancy import SameCouncilMixin
from council.verifications.models import requirement_field
from council.youth.fields import age_range_constraint
from council.youth.fields import max_age_field
from council.youth.fields import min_age_field

PROJECT_IMAGE_MAX_BYTES = 2 * 1024 * 1024


def validate_project_image_size(file) -> None:
    """Kept because migration 0002 names it; the field itself uses MaxFileSize."""
    MaxFileSize(PROJECT_IMAGE_MAX_BYTES)(file)


class Budget(SameCouncilMixin, models.Model):
    class BallotKind(models.TextChoices):
        KNAPSACK = "knapsack", _("Approval within the budget")
        APPROVAL = "approval", _("Approval (k-approval)")
        CUMULATIVE = "cumulative", _("Cumulative points")
        ORDINAL = "ordinal", _("Ranking")

    class Rule(models.TextChoices):
        GREEDY = "greedy", _("Greedy by votes")
        MES_ADD_ONE = "mes_add_one", _("Method of Equal Shares, add-one completion")
        MES_GREEDY = "mes_greedy", _("Method of Equal Shares, greedy completion")

    class Phase(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMISSION = "submission", _("Project submission")
        REVIEW = "review", _("Feasibility review")
        VOTE = "vote", _("Vote")
        RESULTS = "results", _("Results")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="budgets")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    ballot_kind = models.CharField(_("ballot"), max_length=12, choices=BallotKind.choices, default=BallotKind.KNAPSACK)
    min_projects = models.PositiveSmallIntegerField(_("fewest projects"), null=True, blank=True)
    max_projects = models.PositiveSmallIntegerField(_("most projects"), null=True, blank=True)
    min_spent_percent = models.PositiveSmallIntegerField(
        _("least share of the budget to spend (%)"), null=True, blank=True,
        help_text=_("Knapsack ballots: a ballot must spend at least this share of the budget."),
    )
    max_points = models.PositiveSmallIntegerField(_("points per voter"), null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=12, choices=Rule.choices, default=Rule.MES_ADD_ONE)
    submission_starts_at = models.DateTimeField(_("submission starts"), null=True, blank=True)
    review_starts_at = models.DateTimeField(_("review starts"), null=True, blank=True)
    vote_starts_at = models.DateTimeField(_("vote starts"), null=True, blank=True)
    vote_ends_at = models.DateTimeField(_("vote ends"), null=True, blank=True)
    eligible_groups = models.ManyToManyField(
        "groups.NeighbourhoodGroup",
        blank=True,
        related_name="budgets",
        verbose_name=_("open only to these groups"),
        help_text=_("Leave empty to open the budget to everyone in the council."),
    )
    min_age = min_age_field()  # an age range, e.g. a youth budget for 12 to 27 (council/youth)
    max_age = max_age_field()
    verification_requirement = requirement_field()
    #: the META section of an imported Pabulib file, kept for the export
    pabulib_meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            age_range_constraint("budget_age_range"),
            models.CheckConstraint(
                condition=Q(min_projects__isnull=True) | Q(max_projects__isnull=True) | Q(min_projects__lte=models.F("max_projects")),
                name="budget_min_projects_at_most_max",
            ),
            models.CheckConstraint(
                condition=Q(min_spent_percent__isnull=True) | Q(min_spent_percent__lte=100),
                name="budget_min_spent_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, now=None) -> str:
        """The phase its dates give at `now`: each phase lasts until the next one's date."""
        now = now or timezone.now()
        phase = self.Phase.DRAFT
        for starts, name in (
            (self.submission_starts_at, self.Phase.SUBMISSION),
            (self.review_starts_at, self.Phase.REVIEW),
            (self.vote_starts_at, self.Phase.VOTE),
            (self.vote_ends_at, self.Phase.RESULTS),
        ):
            if starts is not None and starts <= now:
                phase = name
        return phase

    def get_phase_display(self) -> str:
        return str(dict(self.Phase.choices)[self.phase()])


class Project(SameCouncilMixin, models.Model):
    class Feasibility(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        FEASIBLE = "feasible", _("Feasible")
        REJECTED = "rejected", _("Not feasible")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2)
    category = models.CharField(_("category"), max_length=100, blank=True)
    feasibility = models.CharField(
        _("feasibility"), max_length=10, choices=Feasibility.choices, default=Feasibility.PROPOSED
    )
    rejection_reason = models.TextField(_("public reason for the rejection"), blank=True)
    image = models.FileField(
        _("image"), upload_to="budgeting/projects/", blank=True,
        validators=[MaxFileSize(PROJECT_IMAGE_MAX_BYTES), validate_logo_image],
        help_text=_("A PNG, JPEG or WebP photo or drawing, at most 2 MB."),
    )
    image_description = models.CharField(_("what the image shows"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    #: the resident who proposed it (empty for projects prepared by officials or imported)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_projects",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed on"), null=True, blank=True)
    #: the consultation contribution an official turned into this project (a string reference:
    #: the budgeting models need not load the consultation module's)
    source_contribution = models.ForeignKey(
        "consultation.Contribution", null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_projects",
        verbose_name=_("from the consultation contribution"),
    )
    #: the project_id of an imported Pabulib file (unique within the budget when given)
    external_id = models.CharField(_("identifier in the imported file"), max_length=100, blank=True)
    #: the other columns of an imported Pabulib file, kept for the export
    pabulib_extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["budget", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="project_cost_not_negative"),
            models.UniqueConstraint(
                fields=["budget", "external_id"], condition=~Q(external_id=""), name="project_external_id_unique"
            ),
            point_constraint("project_point_on_earth"),
        ]

    def __str__(self) -> str:
        return self.title


class SubmittedBallots(models.Manager["BudgetBallot"]):
    """Only submitted ballots: a draft is never counted, exported nor explained (`with_drafts` has them)."""

    def get_queryset(self) -> models.QuerySet["BudgetBallot"]:
        return super().get_queryset().filter(is_draft=False)


class SubmittedChoices(models.Manager["BallotChoice"]):
    """Only the choices of submitted ballots (`with_drafts` has them all)."""

    def get_queryset(self) -> models.QuerySet["BallotChoice"]:
        return super().get_queryset().filter(ballot__is_draft=False)


class BudgetBallot(SameCouncilMixin, models.Model):
    """One voter's ballot in one budget: private (linked to its voter), never secret.

    A draft ("save and finish later") is kept for its voter only: the default manager leaves
    drafts out, so every count, rule and export reads submitted ballots without asking.
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="budget_ballots"
    )
    #: the voter_id of an imported file or a paper ballot's number (no account)
    external_voter_id = models.CharField(max_length=100, blank=True)
    pabulib_extra = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    is_draft = models.BooleanField(_("draft"), default=False)
    #: a paper ballot's number (its external_voter_id is "paper-<number>")
    paper_number = models.PositiveIntegerField(_("paper ballot number"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("entered by"),
    )

    with_drafts = models.Manager()
    objects = SubmittedBallots()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "with_drafts"
        verbose_name = _("budget ballot")
        verbose_name_plural = _("budget ballots")
        constraints = [
            models.UniqueConstraint(fields=["budget", "voter"], name="budget_ballot_one_per_voter"),
            models.UniqueConstraint(
                fields=["budget", "external_voter_id"], condition=~Q(external_voter_id=""),
                name="budget_ballot_external_voter_unique",
            ),
            models.CheckConstraint(
                condition=Q(voter__isnull=False) | ~Q(external_voter_id=""), name="budget_ballot_has_a_voter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget} — {self.voter or self.external_voter_id}"


class BallotChoice(SameCouncilMixin, models.Model):
    """A project on a ballot: its points (cumulative; 1 otherwise) and rank (ranking; 1 is best)."""

    ballot = models.ForeignKey(BudgetBallot, on_delete=models.CASCADE, related_name="choices")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="choices")
    points = models.PositiveIntegerField(default=1)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    with_drafts = models.Manager()
    objects = SubmittedChoices()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "with_drafts"
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["ballot", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="ballot_choice_once_per_project"),
            models.CheckConstraint(condition=Q(points__gte=1), name="ballot_choice_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project} ({self.points})"


class BudgetResult(SameCouncilMixin, models.Model):
    """The stored outcome of a budget's vote: computed by a Celery task, published by an official.

    One per budget: a re-run (after paper ballots, say) replaces it and takes it off the public
    page until it is published again. `run` numbers the computations, so that a task started
    before a re-run stores nothing. Project lists are primary keys in the order each rule took
    them; `shares` holds, for each voter with an account, their share of the budget and what it
    paid for under the budget's rule (Method of Equal Shares), as exact fractions "p/q".
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Computed")
        FAILED = "failed", _("Failed")

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="result")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    run = models.PositiveIntegerField(default=0)
    #: {"step": 1..4, "steps": 4, "runs": MES runs so far, "spent": "p/q"}
    progress = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    rule = models.CharField(_("rule"), max_length=12, choices=Budget.Rule.choices, blank=True)
    #: {"greedy": [pk, ...], "mes_add_one": [...], "mes_greedy": [...]}
    selected = models.JSONField(default=dict, blank=True)
    #: {"per_voter_budget": "p/q", "mes_funded": [pk, ...]} for the budget's rule (empty for greedy)
    mes = models.JSONField(default=dict, blank=True)
    #: {str(user pk): {"share": "p/q", "paid": [[project pk, "p/q"], ...], "with": {str(project pk): count}}}
    shares = models.JSONField(default=dict, blank=True)
    #: {str(project pk): score}, the votes (approvals, points or Borda-like points) of each project
    scores = models.JSONField(default=dict, blank=True)
    voters = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("budget result")
        verbose_name_plural = _("budget results")

    def __str__(self) -> str:
        return f"{self.budget} — {self.get_status_display()}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.status == self.Status.DONE


class ProjectFollowUp(SameCouncilMixin, models.Model):
    """How a selected project is being delivered, in public (Decidim's accountability)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DELIVERED = "delivered", _("Delivered")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="follow_up")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end (planned or actual)"), null=True, blank=True)
    spent = models.DecimalField(_("spent so far"), max_digits=14, decimal_places=2, null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project follow-up")
        verbose_name_plural = _("project follow-ups")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="follow_up_progress_at_most_100"),
            models.CheckConstraint(condition=Q(spent__isnull=True) | Q(spent__gte=0), name="follow_up_spent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.get_status_display()}"


class ProjectUpdate(SameCouncilMixin, models.Model):
    """A dated news item on a selected project, with an optional photo."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("what happened"))
    photo = models.FileField(_("photo"), upload_to="budgeting/updates/", blank=True)
    photo_description = models.CharField(_("description of the photo"), max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} — {self.on}"


class ResultsAnnouncement(SameCouncilMixin, models.Model):
    """A budget's results announced project by project on a meeting's stage.

    Stored, so that a socket joining or reconnecting gets the projects revealed so far in its
    snapshot (the socket is not the source of truth). One per meeting (its plenary room).
    """

    room = models.OneToOneField("rooms.Room", on_delete=models.CASCADE, related_name="budget_announcement")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="announcements")
    revealed = models.PositiveSmallIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("results announcement")
        verbose_name_plural = _("results announcements")

    def __str__(self) -> str:
        return f"{self.budget} — {self.room}"
