"""The council's meeting rules, its sittings, who is in the hall, proxies and requests for a vote mode.

The defaults are the French municipal council's rules (Code général des collectivités
territoriales, CGCT): a neighbourhood council's charter may set others, which its
administrators enter on the rules page.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.councils.tenancy import SameCouncilMixin
from council.groups.models import NeighbourhoodGroup
from council.rooms.models import Room


class MeetingRules(SameCouncilMixin, models.Model):
    """One council's meeting rules, created with the CGCT's defaults the first time they are read."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="meeting_rules")
    members_group = models.ForeignKey(
        NeighbourhoodGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("members in office"),
        help_text=_(
            "The group of the members in office, who make up the quorum. Left empty: everyone "
            "holding the member role or higher in the council."
        ),
    )
    hall_counts = models.BooleanField(
        _("people present in the hall count toward the quorum"),
        default=True,
        help_text=_("CGCT L2121-17: the quorum counts the members physically present."),
    )
    online_counts = models.BooleanField(
        _("people following online count toward the quorum"),
        default=False,
        help_text=_(
            "Only if your charter says so: the CGCT counts only members physically present "
            "(L2121-17)."
        ),
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum: more than"), default=1)
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum: out of"),
        default=2,
        help_text=_(
            "The quorum is met when more than this fraction of the members in office are present "
            "(CGCT L2121-17: more than half, 1 out of 2)."
        ),
    )
    proxies_count = models.BooleanField(
        _("proxies count toward the quorum"),
        default=False,
        help_text=_("CGCT L2121-17: proxies do not count toward the quorum."),
    )
    proxies_allowed = models.BooleanField(_("members may give a proxy"), default=True)
    max_proxies_per_holder = models.PositiveSmallIntegerField(
        _("proxies one member may hold at a time"),
        default=1,
        help_text=_("CGCT L2121-20: a member may hold only one proxy."),
    )
    proxy_max_days = models.PositiveSmallIntegerField(
        _("longest validity of a proxy, in days"),
        default=30,
        help_text=_(
            "CGCT L2121-20: a proxy is always revocable and, except for a duly certified "
            "illness, valid for at most three consecutive sittings."
        ),
    )
    roll_call_numerator = models.PositiveSmallIntegerField(_("roll call: at least"), default=1)
    roll_call_denominator = models.PositiveSmallIntegerField(
        _("roll call: out of"),
        default=4,
        help_text=_("CGCT L2121-21: a roll-call vote when a quarter of the members present ask."),
    )
    secret_numerator = models.PositiveSmallIntegerField(_("secret ballot: at least"), default=1)
    secret_denominator = models.PositiveSmallIntegerField(
        _("secret ballot: out of"),
        default=3,
        help_text=_("CGCT L2121-21: a secret ballot when a third of the members present ask."),
    )
    reconvene_days = models.PositiveSmallIntegerField(
        _("days before a sitting reconvened without quorum"),
        default=3,
        help_text=_(
            "CGCT L2121-17: without quorum the meeting is called again at least three days "
            "later, and then deliberates whatever the number present."
        ),
    )

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0) & Q(roll_call_denominator__gt=0) & Q(secret_denominator__gt=0),
                name="assembly_rules_fractions",
            ),
        ]

    def __str__(self) -> str:
        return str(self.council)


class Sitting(SameCouncilMixin, models.Model):
    """One sitting (séance) held in a room: opened and closed by an official, presided by a member in office."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sittings")
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: a member in office chosen when the sitting opens, changeable while it is open (audited);
    #: their vote breaks a tie in a vote by name (CGCT L2121-20)
    president = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("president"),
    )
    reconvened_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconvened_as",
        help_text=_("The sitting held without quorum that this one reconvenes (CGCT L2121-17)."),
    )

    class Meta:
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"], condition=Q(closed_at__isnull=True), name="assembly_one_open_sitting_per_room"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} ({self.opened_at:%Y-%m-%d %H:%M})"


class QuorumCheck(models.Model):
    """A quorum check as it was made (when the sitting opened, on demand, before a vote): the minutes cite it."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="quorum_checks")
    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    in_office = models.PositiveIntegerField()
    required = models.PositiveIntegerField()
    present_counted = models.PositiveIntegerField()
    met = models.BooleanField()
    without_quorum_allowed = models.BooleanField()

    class Meta:
        ordering = ["checked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sitting_id}: {self.present_counted}/{self.required} at {self.checked_at:%H:%M:%S}"


class HallPresence(models.Model):
    """A person in the hall during a sitting, signed in by an official or by scanning the room's code.

    Online presence is not stored here: it is read from the room's own presence rows.
    `signed_by` is null when the person scanned the code themselves.
    """

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="hall_presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    arrived_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    left_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["arrived_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "user"], condition=Q(left_at__isnull=True), name="assembly_once_in_the_hall"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.sitting_id}"


class Proxy(models.Model):
    """A written proxy (pouvoir, CGCT L2121-20): the grantor's vote carried by the holder, for a time."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("given by")
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("held by")
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    statement = models.TextField(_("statement of the grantor"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The official who entered a paper proxy; empty when the grantor gave it here."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(grantor=models.F("holder")), name="assembly_proxy_not_to_oneself"),
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="assembly_proxy_period"),
        ]

    def __str__(self) -> str:
        return f"{self.grantor_id} → {self.holder_id}"


class VoteModeRequest(models.Model):
    """A member present asks for a roll-call vote or a secret ballot (CGCT L2121-21), once per sitting."""

    class Kind(models.TextChoices):
        ROLL_CALL = "roll_call", _("roll-call vote")
        SECRET = "secret", _("secret ballot")

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="vote_mode_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sitting", "user", "kind"], name="assembly_one_request_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id}@{self.sitting_id}"
