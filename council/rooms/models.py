from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.councils.tenancy import SameCouncilMixin
from council.verifications.models import requirement_field


class Room(SameCouncilMixin, models.Model):
    """A live meeting space of a council: chat, presence and raised hands."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(
        _("date and time of the meeting"),
        null=True,
        blank=True,
        help_text=_("Shown to visitors on the council's page as an upcoming meeting."),
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    residents_can_chat = models.BooleanField(_("residents may write in the chat"), default=False)
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    eligible_groups = models.ManyToManyField(
        "groups.NeighbourhoodGroup",
        blank=True,
        related_name="rooms",
        verbose_name=_("open only to these groups"),
        help_text=_("Leave empty to open the room to everyone in the council."),
    )
    #: what a person must hold to come in (council/verifications); facilitators come in regardless
    verification_requirement = requirement_field()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="breakouts",
        help_text="Set for a workshop's breakout room: the plenary it was split from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["-created_at"]
        permissions = [("facilitate_room", _("Facilitate this room"))]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    """A chat message; `seq` numbers a room's messages 1, 2, 3… without gaps."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    text = models.TextField()
    client_request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_unique_seq"),
            models.UniqueConstraint(
                fields=["room", "author", "client_request_id"],
                condition=~Q(client_request_id=""),
                name="message_unique_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq}"


class Presence(models.Model):
    """One open socket of a person in a room; a person is present while any row is fresh."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField()
    hidden = models.BooleanField(
        default=False, help_text="A facilitator listening in, not shown as a participant."
    )
    tab = models.CharField(
        max_length=32,
        blank=True,
        default="",
        help_text="The page's id (one per page load): its next socket replaces this row if it died.",
    )

    class Meta:
        indexes = [models.Index(fields=["room", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.room_id}"


class RaisedHand(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="hands")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    position = models.PositiveIntegerField()
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "raised_at"]
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="hand_unique_user")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.room_id}#{self.position}"


class FacilitatorDecision(models.Model):
    """A facilitator's decision about one person in one room (mute, removal, floor…)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Each concrete decision declares its own `room` (its own related_name).
    room_id: int

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.user_id}@{self.room_id}"


class ChatMute(FacilitatorDecision):
    """The person may still follow the room but not write in its chat."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="mutes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="mute_unique_user")]


class RoomRemoval(FacilitatorDecision):
    """The person was removed by a facilitator and may not come back into the room."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="removals")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="removal_unique_user")]


class RoomAttendance(models.Model):
    """That a person came into a room at least once (segments can target attendees)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    first_joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="attendance_unique_user")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.room_id}"


class RoomFloor(FacilitatorDecision):
    """A facilitator gave this resident the floor: they may publish camera and microphone."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="floors")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="floor_unique_user")]


class MediaMute(FacilitatorDecision):
    """A facilitator muted this person's microphone or stopped their camera in the call.

    The media worker stops forwarding that kind; it stays muted when they publish again
    (after a reload) until they unmute themselves.
    """

    class Kind(models.TextChoices):
        AUDIO = "audio", _("microphone")
        VIDEO = "video", _("camera")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="media_mutes")
    kind = models.CharField(max_length=5, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user", "kind"], name="media_mute_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.room_id}:{self.kind}"
