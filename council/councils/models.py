from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image

from council.councils.branding import HEX_COLOUR
from council.councils.branding import palette_for

LOGO_MAX_BYTES = 512 * 1024
#: Pillow format -> the file name endings it may carry (they decide how it is served)
LOGO_FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg"), "WEBP": (".webp",)}


def validate_logo_size(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large (%(size)d KB); the limit is %(limit)d KB."),
            params={"size": file.size // 1024, "limit": LOGO_MAX_BYTES // 1024},
        )


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
        validators=[validate_logo_size, validate_logo_image],
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
