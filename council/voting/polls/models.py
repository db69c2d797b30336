"""Live polls of a meeting: a question put to the room, answered from the stage or a phone.

A poll belongs to a plenary room. Facilitators prepare it (draft), launch it (open: at most
one per room, a database constraint) and close it; its final result is then stored with it
(`result`) and stays with the meeting. A poll is not a binding vote: each person (or each
anonymous phone, by a random token in a signed cookie) has one answer, which they may change
until the poll closes.

Where a poll sits on the agenda is the agenda item's id (`agenda_item`), asked of the host's
registry (council/rooms/agenda_links.py): the agenda is the workshops module's, and modules do
not import each other. An item deleted since is an unknown item; a free label of the moment
("Point 3") remains for a meeting without an agenda.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.rooms.models import Room
from council.verifications.models import requirement_field

#: short link codes: no 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V, to be read aloud and typed from a screen
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
CODE_LENGTH = 6
YES_NO = ("yes", "no", "abstain")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Poll(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        YES_NO = "yes_no", _("yes / no / abstain")
        SCALE = "scale", _("scale")
        RANKING = "ranking", _("ranking")

    class Status(models.TextChoices):
        DRAFT = "draft", _("in preparation")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Visibility(models.TextChoices):
        LIVE = "live", _("live, for everyone")
        HIDDEN = "hidden", _("hidden until closing")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    #: the options' labels (single, multiple and ranking; empty for yes/no and scales)
    options = models.JSONField(_("options"), default=list, blank=True)
    min_choices = models.PositiveSmallIntegerField(_("fewest choices"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), default=1)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=60, blank=True)
    visibility = models.CharField(
        _("results"), max_length=6, choices=Visibility.choices, default=Visibility.LIVE
    )
    allow_anonymous = models.BooleanField(_("anonymous answers from a phone"), default=False)
    #: what a person must hold to answer (council/verifications); anonymous answers are then refused
    verification_requirement = requirement_field()
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    position = models.PositiveIntegerField(default=0)
    #: where it sits in the meeting, in words ("Point 3"), when the meeting has no agenda
    label = models.CharField(_("moment"), max_length=60, blank=True)
    #: the agenda item it belongs to: its id, not a foreign key (the agenda is another module's;
    #: an item deleted since leaves the poll as it is, attached to an unknown item)
    agenda_item = models.PositiveIntegerField(_("agenda item"), null=True, blank=True)
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    #: the final tally, stored at closing (the same shape as the live results)
    result = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    client_request_id = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["room"], condition=Q(status="open"), name="one_open_poll_per_room"),
            models.UniqueConstraint(
                fields=["room", "created_by", "client_request_id"],
                condition=~Q(client_request_id=""),
                name="poll_created_once_per_request",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def council(self) -> Council:
        return self.room.council

    def labels(self) -> list[str]:
        """What each answer counts for, in order: the options, the scale's values, or for yes/no the
        codes "yes", "no", "abstain" (tallies go to everyone at once: each page words them in its language)."""
        if self.kind == self.Kind.YES_NO:
            return list(YES_NO)
        if self.kind == self.Kind.SCALE:
            return [str(value) for value in range(self.scale_min, self.scale_max + 1)]
        return [str(option) for option in self.options]


class Answer(models.Model):
    """One person's (or one anonymous phone's) answer to a poll, replaced when they change it.

    `value` is normalised by the service: the indexes chosen (single, multiple, yes/no), the
    value (scale), or the options' indexes in the order ranked.
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, blank=True)  # an anonymous phone's, from its signed cookie
    value = models.JSONField()
    request_id = models.CharField(max_length=64, blank=True)  # the last command applied (retries apply once)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], condition=Q(user__isnull=False), name="one_answer_per_person"),
            models.UniqueConstraint(fields=["poll", "token"], condition=~Q(token=""), name="one_answer_per_token"),
            models.CheckConstraint(
                condition=Q(user__isnull=False, token="") | Q(user__isnull=True) & ~Q(token=""),
                name="answer_by_a_person_or_a_token",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.value}"
