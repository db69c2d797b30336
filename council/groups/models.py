"""Sub-populations of a council: profile attributes, zones, static groups and rule-based segments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.councils.tenancy import SameCouncilMixin


class ProfileAttribute(models.Model):
    """A question a council asks its residents, optional, with the reason it is asked."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("One choice")
        MULTI_CHOICE = "multi_choice", _("Several choices")
        NUMBER = "number", _("Number")
        BOOLEAN = "boolean", _("Yes or no")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="profile_attributes")
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CHOICE)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_("For choice kinds: the list of values."))
    purpose = models.TextField(_("why we ask"), help_text=_("Shown to residents beside the question (GDPR)."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("profile attribute")
        verbose_name_plural = _("profile attributes")
        ordering = ["council", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["council", "key"], name="attribute_unique_key")]

    def __str__(self) -> str:
        return self.label


class Zone(models.Model):
    """A neighbourhood drawn or imported as a GeoJSON polygon; residents fall in by location."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    geometry = models.JSONField(_("GeoJSON geometry (Polygon or MultiPolygon)"))
    # Bounding box, so that most zones are ruled out without testing the polygon.
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["council", "name"]
        constraints = [models.UniqueConstraint(fields=["council", "slug"], name="zone_unique_slug")]

    def __str__(self) -> str:
        return self.name


class ResidentProfile(SameCouncilMixin, models.Model):
    """What one person told one council about themselves (all optional)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="profiles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profiles")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.SET_NULL, related_name="residents")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "user"], name="profile_unique_user")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.council_id}"


class ProfileValue(SameCouncilMixin, models.Model):
    """One answer; a multi-choice answer is several rows.

    Indexed for segments: (attribute, value, profile) gives the profiles holding some answers
    from the index alone; migration 0002 adds statistics on (attribute, value) on PostgreSQL.
    """

    profile = models.ForeignKey(ResidentProfile, on_delete=models.CASCADE, related_name="values")
    # No index of its own: value_answer_profiles starts with it.
    attribute = models.ForeignKey(
        ProfileAttribute, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    value = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["attribute", "value", "profile"], name="value_answer_profiles")]
        constraints = [
            models.UniqueConstraint(fields=["profile", "attribute", "value"], name="value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attribute_id}={self.value}"


class NeighbourhoodGroup(models.Model):
    """A static group (a list of members) or a segment (a rule over profiles and behaviour)."""

    class Kind(models.TextChoices):
        STATIC = "static", _("Group with a list of members")
        SEGMENT = "segment", _("Segment defined by rules")

    class JoinPolicy(models.TextChoices):
        INVITATION = "invitation", _("By invitation only")
        REQUEST = "request", _("On request, approved by a coordinator")
        OPEN = "open", _("Open: anyone in the council may join")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATIC)
    join_policy = models.CharField(
        _("how people join"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.INVITATION
    )
    rule = models.JSONField(_("rule"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["council", "name"]
        permissions = [("coordinate_group", _("Coordinate the group"))]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in a static group: invited, asking to join, or in."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REQUESTED = "requested", _("Asked to join")
        ACTIVE = "active", _("Member")

    group = models.ForeignKey(NeighbourhoodGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(max_length=10, choices=Status.choices)
    is_coordinator = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique_user")]
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.status})"


class NotificationSend(SameCouncilMixin, models.Model):
    """A message sent to everyone in a group or segment, or to an audience a module registered
    (the followers of a consultation's contribution: `notifications.register_audience`), by
    e-mail and in the app."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Sent")

    council = models.ForeignKey(Council, null=True, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(NeighbourhoodGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="sends")
    # Without a group: the audience's registered name and which one (a contribution's id).
    audience = models.CharField(max_length=60, blank=True)
    audience_key = models.PositiveBigIntegerField(null=True, blank=True)
    #: the page the message is about (a path of this site), linked from the app and the e-mail
    link = models.CharField(max_length=300, blank=True)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    by_email = models.BooleanField(_("also by e-mail"), default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, audience="") | Q(group__isnull=True, audience__gt=""),
                name="notification_send_group_or_audience",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args, **kwargs) -> None:
        if self.council_id is None and self.group_id is not None:
            self.council_id = self.group.council_id  # a group's send is its council's
        super().save(*args, **kwargs)


class Notification(models.Model):
    """One person's copy of a send: shown in the app; unique so a re-run task sends nothing twice."""

    send = models.ForeignKey(NotificationSend, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    emailed_at = models.DateTimeField(null=True, blank=True)
    # False when the person asked not to see this kind in the app (the row still records the e-mail)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["send", "user"], name="notification_unique_user")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.send_id}->{self.user_id}"
