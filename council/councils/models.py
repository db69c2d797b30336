from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from council.core.uploads import MaxFileSize
from council.councils.branding import HEX_COLOUR
from council.councils.branding import palette_for

LOGO_MAX_BYTES = 512 * 1024
#: Pillow format -> the file name endings it may carry (they decide how it is served)
LOGO_FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg"), "WEBP": (".webp",)}


def validate_logo_size(file) -> None:
    """Kept because migrations 0001 and 0003 name it; the field itself uses MaxFileSize."""
    MaxFileSize(LOGO_MAX_BYTES)(file)


def validate_logo_image(file) -> None:
    """Accept only a PNG, JPEG or WebP image, judged by its content, with a matching name.

    SVG is refused outright: it is a document that can carry script, and every council
    shares one origin. Only new uploads are read: a logo stored before keeps the other
    fields of the council editable (the upload view serves it as a download anyway).
    """
    if getattr(file, "_committed", False):
        return
    file.seek(0)
    head = file.read(1024).lower()
    file.seek(0)
    if PurePosixPath(file.name).suffix.lower() == ".svg" or b"<svg" in head:
        raise ValidationError(
            _("SVG logos are refused: an SVG file can carry a script. Upload a PNG, JPEG or WebP image.")
        )
    try:
        with Image.open(file) as image:
            format_ = image.format
            image.verify()  # reads the whole file: a truncated or forged one fails here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not a PNG, JPEG or WebP image.")) from error
    finally:
        file.seek(0)
    if format_ not in LOGO_FORMATS:
        raise ValidationError(_("This file is not a PNG, JPEG or WebP image."))
    endings = LOGO_FORMATS[format_]
    if PurePosixPath(file.name).suffix.lower() not in endings:
        raise ValidationError(
            _("The name of a %(format)s image must end in %(ending)s."),
            params={"format": "WebP" if format_ == "WEBP" else format_, "ending": endings[0]},
        )


class Role(models.TextChoices):
    """A person's role in one council; each is stored as one guardian grant on the council."""

    ADMINISTRATOR = "administrator", _("Administrator")
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    RESIDENT = "resident", _("Resident")


class Council(models.Model):
    """A tenant: one neighbourhood council with its own brand, people and rooms."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="councils/logos/",
        blank=True,
        validators=[MaxFileSize(LOGO_MAX_BYTES), validate_logo_image],
        help_text=_("A PNG, JPEG or WebP image of at most 512 KB."),
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1d4f91",
        validators=[RegexValidator(HEX_COLOUR, _("Use the form #RRGGBB."))],
        help_text=_("Text colours that meet WCAG AA contrast are derived from it."),
    )
    host_name = models.CharField(
        _("host name"),
        max_length=253,
        blank=True,
        null=True,
        unique=True,
        help_text=_("Optional domain that serves only this council, e.g. conseil.example.fr."),
    )
    open_registration = models.BooleanField(
        _("residents may join by themselves"), default=True
    )
    workshops_allow_listening_in = models.BooleanField(
        _("facilitators may listen in on workshops without appearing"),
        default=False,
        help_text=_("Participants of every workshop are told when this is allowed."),
    )

    class OnAccountDeletion(models.TextChoices):
        ANONYMISE = "anonymise", _("keep them, signed “Former participant”")
        REMOVE = "remove", _("remove them")

    # Read by name by council.accounts.services.account_delete (through the personal data registry).
    contributions_on_account_deletion = models.CharField(
        _("contributions of a person who deletes their account"),
        max_length=10,
        choices=OnAccountDeletion.choices,
        default=OnAccountDeletion.ANONYMISE,
        help_text=_("Chat messages, questions, contributions, comments and projects they wrote."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["name"]
        permissions = [
            ("administer_council", _("Administer the council")),
            ("facilitate_council", _("Facilitate the council's meetings")),
            ("participate_in_council", _("Take part as a council member")),
            ("follow_council", _("Follow the council as a resident")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def palette(self):
        return palette_for(self.brand_colour)


ROLE_GRANTS: dict[Role, str] = {
    Role.ADMINISTRATOR: "administer_council",
    Role.FACILITATOR: "facilitate_council",
    Role.MEMBER: "participate_in_council",
    Role.RESIDENT: "follow_council",
}
ROLE_BY_GRANT = {grant: role for role, grant in ROLE_GRANTS.items()}
ROLE_RANK = [Role.ADMINISTRATOR, Role.FACILITATOR, Role.MEMBER, Role.RESIDENT]


class CouncilPage(models.Model):
    """A council's own statement page: accessibility, legal notice or personal data.

    Until an administrator saves one, the page shows the default text (legal_pages.py).
    The body is plain text with blank lines between paragraphs, never HTML.
    """

    class Kind(models.TextChoices):
        ACCESSIBILITY = "accessibility", _("Accessibility")
        LEGAL = "legal", _("Legal notice")
        PRIVACY = "privacy", _("Personal data")

    class Conformity(models.TextChoices):
        # The three statuses of the RGAA; shown in every page's footer for the accessibility page.
        NONE = "none", _("not compliant")
        PARTIAL = "partial", _("partially compliant")
        FULL = "full", _("fully compliant")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="pages")
    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("text"))
    conformity = models.CharField(
        _("conformity status"), max_length=10, choices=Conformity.choices, default=Conformity.PARTIAL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("council page")
        verbose_name_plural = _("council pages")
        constraints = [models.UniqueConstraint(fields=["council", "kind"], name="council_page_unique_kind")]

    def __str__(self) -> str:
        return f"{self.council_id}:{self.kind}"
class AuditEntry(models.Model):
    """One administrative action: who did what to which object of which council, and when.

    Kept apart from votes: its own table, read only by the council's administrators (and
    the instance's superusers), written by the services that change roles, settings,
    rooms, groups, zones, questions, imports and exports. It never records a ballot or
    what anyone chose in one. `council` is empty for actions on the instance itself.
    Written in the transaction of the change it records, so a change rolled back leaves
    no entry.
    """

    class Action(models.TextChoices):
        ROLE_GRANTED = "councils.role_granted", _("role given")
        ROLE_REVOKED = "councils.role_revoked", _("roles taken away")
        COUNCIL_CHANGED = "councils.council_changed", _("council settings changed")
        PAGE_CHANGED = "councils.page_changed", _("statement page changed")
        ROOM_CREATED = "rooms.room_created", _("room created")
        ROOM_CHANGED = "rooms.room_changed", _("room changed")
        ROOM_LOCKED = "rooms.room_locked", _("room locked")
        ROOM_UNLOCKED = "rooms.room_unlocked", _("room unlocked")
        ROOM_DELETED = "rooms.room_deleted", _("room deleted")
        PARTICIPANT_READMITTED = "rooms.participant_readmitted", _("removed person readmitted")
        FACILITATOR_GRANTED = "rooms.facilitator_granted", _("room facilitation given")
        FACILITATOR_REVOKED = "rooms.facilitator_revoked", _("room facilitation taken back")
        GROUP_CREATED = "groups.group_created", _("group created")
        GROUP_CHANGED = "groups.group_changed", _("group changed")
        GROUP_DELETED = "groups.group_deleted", _("group deleted")
        MEMBERS_IMPORTED = "groups.members_imported", _("members imported")
        MEMBERS_EXPORTED = "groups.members_exported", _("members exported")
        NOTIFICATION_SENT = "groups.notification_sent", _("notification sent")
        ZONES_IMPORTED = "groups.zones_imported", _("zones imported")
        ZONE_SAVED = "groups.zone_saved", _("zone drawn or renamed")
        ZONE_DELETED = "groups.zone_deleted", _("zone deleted")
        QUESTION_CREATED = "groups.question_created", _("profile question created")
        QUESTION_CHANGED = "groups.question_changed", _("profile question changed")
        QUESTION_DELETED = "groups.question_deleted", _("profile question deleted")
        OUTPUTS_EXPORTED = "workshops.outputs_exported", _("workshop outputs exported")
        MEETING_RULES_CHANGED = "assembly.rules_changed", _("meeting rules changed")
        PROXY_ENTERED = "assembly.proxy_entered", _("paper proxy entered")
        PROXY_REVOKED = "assembly.proxy_revoked", _("proxy revoked")
        PRESIDENT_CHANGED = "assembly.president_changed", _("president of a sitting changed")
        VOTE_CREATED = "ballots.vote_created", _("vote created")
        VOTE_CHANGED = "ballots.vote_changed", _("vote changed while in draft")
        VOTE_FROZEN = "ballots.vote_frozen", _("vote's electorate frozen")
        VOTE_OPENED = "ballots.vote_opened", _("vote opened")
        VOTE_CLOSED = "ballots.vote_closed", _("vote closed and counted")
        VOTE_PUBLISHED = "ballots.vote_published", _("vote's results published")
        PAPER_PARTICIPATION = "ballots.paper_participation", _("paper vote signed in the register")
        PAPER_ENTERED = "ballots.paper_entered", _("paper ballot entered")
        PAPER_CONFIRMED = "ballots.paper_confirmed", _("paper ballot confirmed")
        PROJECT_PROPOSED = "budgeting.project_proposed", _("budget project proposed")
        PROJECT_REVIEWED = "budgeting.project_reviewed", _("budget project reviewed")
        BUDGET_PAPER_ENTERED = "budgeting.paper_entered", _("paper budget ballot entered")
        BUDGET_PAPER_CORRECTED = "budgeting.paper_corrected", _("paper budget ballot corrected")
        BUDGET_IMPORTED = "budgeting.budget_imported", _("budget imported from a Pabulib file")
        BUDGET_EXPORTED = "budgeting.budget_exported", _("budget exported as a Pabulib file")
        RESULTS_COMPUTED = "budgeting.results_computed", _("budget results computed")
        RESULTS_PUBLISHED = "budgeting.results_published", _("budget results published")
        FOLLOW_UP_CHANGED = "budgeting.follow_up_changed", _("project follow-up changed")
        CENSUS_IMPORTED = "verifications.census_imported", _("census list imported")
        CODES_ISSUED = "verifications.codes_issued", _("verification codes issued")
        CODE_USED = "verifications.code_used", _("verification code used")

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries",
        verbose_name=_("council"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    target_type = models.CharField(_("kind of object"), max_length=100, blank=True)
    target_id = models.PositiveBigIntegerField(_("object number"), null=True, blank=True)
    target_text = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["council", "-at"], name="audit_council_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_text}"

    @property
    def details_text(self) -> str:
        """The details as one line ("fields: name, description; count: 3") for the audit page."""

        def text(value) -> str:
            if isinstance(value, list):
                return ", ".join(str(item) for item in value)
            return "—" if value is None else str(value)

        return "; ".join(f"{key}: {text(value)}" for key, value in self.details.items())
