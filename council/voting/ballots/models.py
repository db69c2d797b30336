"""A binding vote, its frozen electorate and its ballot box.

Secrecy is in the schema: the voter's side (`Elector`, `Participation`) and the ballot's
side (`PendingBallot`, `BoxEntry`) share no column but the vote, carry no date or time,
and have random UUID keys, so neither a key, an order nor a time links one to the other
(docs/voting-security.md; tests/voting/ballots/test_secrecy.py inspects it).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.councils.tenancy import SameCouncilMixin
from council.verifications.models import requirement_field


class Vote(SameCouncilMixin, models.Model):
    """A motion or a list of options put to a frozen electorate, counted by one method."""

    class Method(models.TextChoices):
        MAJORITY_SIMPLE = "majority_simple", _("Simple majority")
        MAJORITY_ABSOLUTE = "majority_absolute", _("Absolute majority")
        MAJORITY_TWO_THIRDS = "majority_two_thirds", _("Two-thirds majority")
        APPROVAL = "approval", _("Approval voting")
        INSTANT_RUNOFF = "instant_runoff", _("Ranked choice (instant runoff)")
        MAJORITY_JUDGMENT = "majority_judgment", _("Majority judgment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FROZEN = "frozen", _("Electorate frozen")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed, counted")
        PUBLISHED = "published", _("Published")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="votes")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text of the motion"), blank=True)
    method = models.CharField(_("counting method"), max_length=30, choices=Method.choices)
    secret = models.BooleanField(_("secret ballot"), default=True)
    appointment = models.BooleanField(
        _("appointment"),
        default=False,
        help_text=_(
            "An appointment to a post or a body: in a sitting it is always a secret ballot, and a tie "
            "after the rounds goes to the oldest candidate (CGCT L2121-21)."
        ),
    )
    min_choices = models.PositiveSmallIntegerField(_("fewest choices"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), null=True, blank=True)
    grades = models.JSONField(_("grades"), null=True, blank=True)  # labels, best first
    tie_break = models.JSONField(_("tie-break order"), null=True, blank=True)  # option keys
    tie_break_reason = models.CharField(_("reason for the tie-break order"), max_length=200, blank=True)
    eligible_groups = models.ManyToManyField(
        "groups.NeighbourhoodGroup",
        blank=True,
        related_name="votes",
        verbose_name=_("open only to these groups"),
        help_text=_("Leave empty to open the vote to everyone in the council."),
    )
    verification_requirement = requirement_field()
    room = models.ForeignKey(
        "rooms.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="votes",
        verbose_name=_("meeting"),
    )
    #: the item of the meeting's agenda it is held under: the item's id, not a foreign key (the
    #: agenda is another module's, council/rooms/agenda_links.py; a deleted item is an unknown one)
    agenda_item = models.PositiveIntegerField(_("agenda item"), null=True, blank=True)
    present_only = models.BooleanField(_("only those present may vote"), default=False)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    electorate_size = models.PositiveIntegerField(null=True, blank=True)
    electorate_fingerprint = models.CharField(max_length=64, blank=True)
    head = models.CharField(max_length=64, blank=True)  # the box's last hash (genesis when empty)
    result = models.JSONField(null=True, blank=True)
    #: the sitting it opened in, as it stood (council/voting/ballots/sitting.py): the minutes cite it
    sitting = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title


class VoteOption(models.Model):
    """One answer of a vote; `key` is what ballots name, `label` what people read."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=40)
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["vote", "key"], name="ballots_option_key_unique")]

    def __str__(self) -> str:
        return self.label


class Elector(models.Model):
    """Someone in the electorate as frozen: written once, at freezing, never added after."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "user"], name="ballots_elector_unique")]

    def __str__(self) -> str:
        return f"elector {self.pk}"


class Participation(SameCouncilMixin, models.Model):
    """That an elector voted (online or on paper): no time, no link to the ballot."""

    class Kind(models.TextChoices):
        ONLINE = "online", _("online")
        PAPER = "paper", _("on paper")
        PROXY = "proxy", _("by proxy")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="participations")
    elector = models.OneToOneField(Elector, on_delete=models.CASCADE, related_name="participation")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.ONLINE)

    def __str__(self) -> str:
        return f"participation {self.pk}"


class PendingBallot(models.Model):
    """A cast ballot waiting for its shuffled batch: no voter, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="pending_ballots")
    tracker = models.CharField(max_length=64)
    content = models.JSONField()
    voter_name = models.CharField(max_length=200, blank=True)  # named (public) votes only

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "tracker"], name="ballots_pending_tracker_unique")]

    def __str__(self) -> str:
        return f"pending ballot {self.pk}"


class BoxEntry(models.Model):
    """A ballot in the box, in its chained position; rows are only ever added."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="box")
    position = models.PositiveIntegerField()
    tracker = models.CharField(max_length=64)
    content = models.JSONField()
    voter_name = models.CharField(max_length=200, blank=True)  # named (public) votes only
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="ballots_box_position_unique"),
            models.UniqueConstraint(fields=["vote", "tracker"], name="ballots_box_tracker_unique"),
        ]

    def __str__(self) -> str:
        return f"ballot {self.position}"


class PaperBallot(models.Model):
    """A paper ballot entered by one official, in the box only once a second one confirms it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="paper_ballots")
    content = models.JSONField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"paper ballot {self.pk}"
