from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager):
    """Users are identified by e-mail; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


#: the account that signs what people who deleted theirs left for others to read
FORMER_PARTICIPANT_EMAIL = "former-participant@council.invalid"


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    # News of what the person follows (a contribution's answer and status): where to tell them.
    notify_in_app = models.BooleanField(
        _("in Council"), default=True, help_text=_("Shown under “Notifications” in each council.")
    )
    notify_by_email = models.BooleanField(_("by e-mail"), default=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name other participants see: never the e-mail address."""
        if self.email == FORMER_PARTICIPANT_EMAIL:
            return _("Former participant")
        return self.display_name or _("Participant %(id)s") % {"id": self.pk}


class Verification(models.Model):
    """One thing a person has proved, by one means, for one council or for the whole instance.

    A person holds a set of these, not one ordered level: FranceConnect proves an identity
    (and no address), a census check proves residence; neither ranks above the other.
    The kinds are registered in council/verifications/kinds.py (e-mail, census check, a code
    from the council; FranceConnect by identity), which also asks what a thing requires.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verifications")
    kind = models.CharField(_("kind"), max_length=32)  # a key of council.verifications.kinds
    # The council through whose service it was obtained (FranceConnect identifies a person to
    # one service provider, each council being its own); empty for an instance-wide proof.
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Only what the council asked for (e.g. given names, family name, birth date).
    claims = models.JSONField(_("claims"), default=dict, blank=True)
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "council"],
                condition=models.Q(council__isnull=False),
                name="verification_once_per_council",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(council__isnull=True),
                name="verification_once_per_instance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.verified_at:%Y-%m-%d})"
