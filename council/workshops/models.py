"""Breakout workshops of a live room, the meeting's agenda and who spoke how long.

A workshop session splits a plenary room into workshops; each workshop owns a breakout
room (a `Room` whose `parent` is the plenary), so chat, presence, hands and video of a
workshop are those of any room. The session's deadlines (`ends_at`, `closes_at`) are data:
the server applies them when due (council/workshops/deadlines.py), whoever is connected.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from council.councils.tenancy import SameCouncilMixin
from council.rooms.models import Room


class WorkshopSession(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("in preparation")
        OPEN = "open", _("open")
        CLOSING = "closing", _("closing")
        CLOSED = "closed", _("closed")

    class Mode(models.TextChoices):
        MANUAL = "manual", _("by hand")
        RANDOM = "random", _("at random")
        GROUPS = "groups", _("by group")
        LOTTERY = "lottery", _("stratified lottery")
        CHOICE = "choice", _("participants choose")
        LIST = "list", _("from a list")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="workshop_sessions")
    title = models.CharField(_("title"), max_length=160)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    mode = models.CharField(_("assignment"), max_length=10, choices=Mode.choices, default=Mode.RANDOM)
    seed = models.CharField(_("published seed"), max_length=64, blank=True)
    strata = models.JSONField(
        _("lottery strata"), default=list, blank=True,
        help_text=_("Profile attributes each workshop mirrors (\"zone\" or an attribute key)."),
    )
    include_followers = models.BooleanField(_("residents who follow are assigned too"), default=False)
    duration_seconds = models.PositiveIntegerField(_("planned duration (seconds)"), default=20 * 60)
    grace_seconds = models.PositiveIntegerField(_("countdown before returning (seconds)"), default=60)
    max_proposals = models.PositiveSmallIntegerField(_("key proposals per workshop"), default=3)
    round = models.PositiveSmallIntegerField(default=0, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # What the server already did about `ends_at` (deadlines.py): the smallest warning mark
    # given (or passed over), and when the time-up was sent.
    warned_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    time_up_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bumped by every announced change, in its transaction (services.announce): the order of the
    # states as committed, which their broadcasts, built and sent after commit, may not keep.
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop session")
        verbose_name_plural = _("workshop sessions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"], condition=Q(status__in=["open", "closing"]), name="one_running_session_per_room"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def council(self):
        return self.room.council

    def effective_status(self, now=None) -> str:
        """The status at `now`: a closing session past its countdown is closed.

        The sweep stores it within a second or two; this guards readers meanwhile.
        """
        now = now or timezone.now()
        if self.status == self.Status.CLOSING and self.closes_at and self.closes_at <= now:
            return self.Status.CLOSED
        return self.status

    @property
    def is_running(self) -> bool:
        return self.effective_status() in (self.Status.OPEN, self.Status.CLOSING)


class Workshop(SameCouncilMixin, models.Model):
    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="workshops")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=120)
    topic = models.TextField(_("topic or prompt"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    room = models.OneToOneField(Room, on_delete=models.PROTECT, related_name="workshop")
    groups = models.ManyToManyField(
        "groups.NeighbourhoodGroup", blank=True, related_name="workshops", verbose_name=_("for these groups")
    )
    cofacilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("co-facilitator"),
    )

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["session", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Assignment(SameCouncilMixin, models.Model):
    """Where a person goes when the session opens; one row per person and session."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="assignments")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="assignment_unique_person")]

    def __str__(self) -> str:
        return f"{self.user_id}->{self.workshop_id}"


class LogEntry(SameCouncilMixin, models.Model):
    """What happened in a session, and who was where when (visible to facilitators)."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        UNASSIGNED = "unassigned", _("unassigned")
        OPENED = "opened", _("workshops opened")
        CLOSING = "closing", _("workshops closing")
        CLOSED = "closed", _("workshops closed")
        ENTERED = "entered", _("entered a workshop")
        LEFT = "left", _("left a workshop")
        VISITED = "visited", _("visited a workshop")
        OBSERVED = "observed", _("listened in")
        TIMER = "timer", _("timer changed")
        BROADCAST = "broadcast", _("message to all workshops")
        HELP = "help", _("asked for help")
        MORE_TIME = "more_time", _("asked for more time")

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="log")
    workshop = models.ForeignKey(Workshop, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.kind}"


class HelpRequest(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="help_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"help@{self.workshop_id}"


class Notes(models.Model):
    """A workshop's shared notes: the Yjs document state, merged by the server (pycrdt)."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="notes")
    state = models.BinaryField(default=bytes)
    text = models.TextField(blank=True, help_text="Plain text of the notes, for exports and search.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notes@{self.workshop_id}"


class Report(models.Model):
    """A workshop's report back: a short summary and up to `max_proposals` key proposals."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="report")
    summary = models.TextField(_("summary"), blank=True)
    proposals = models.JSONField(_("key proposals"), default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"report@{self.workshop_id}"


class AgendaItem(SameCouncilMixin, models.Model):
    """One item of a meeting's agenda; some launch a workshop session when started."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    planned_minutes = models.PositiveSmallIntegerField(_("planned duration (minutes)"), default=10)
    session = models.ForeignKey(
        WorkshopSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items",
        verbose_name=_("opens these workshops"),
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The planned end of the item under way, and when its time-up was announced (once, by
    # the deadline sweep: council/workshops/deadlines.py), whoever is connected.
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    time_up_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["room", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.session_id is not None and self.room_id is not None and self.session.room_id != self.room_id:
            raise ValidationError({"session": gettext("These workshops were not prepared in this room.")})


class SpeakingTurn(models.Model):
    """A facilitator gave someone the floor from the hands queue, until the next speaker."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="speaking_turns")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "started_at"]
        constraints = [
            models.UniqueConstraint(fields=["room"], condition=Q(ended_at__isnull=True), name="one_speaker_per_room")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.room_id}"
