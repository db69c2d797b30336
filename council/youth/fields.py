"""The age range a module's object (a budget, a consultation) is open to: its two fields and their
check, declared once here and added to each model (`min_age`, `max_age`, both inclusive)."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

OLDEST_LIMIT = 120


def min_age_field() -> "models.PositiveSmallIntegerField[int | None, int | None]":
    return models.PositiveSmallIntegerField(
        _("youngest age"), null=True, blank=True, validators=[MaxValueValidator(OLDEST_LIMIT)],
        help_text=_("Open only to people of this age or older (e.g. 12); they give their birth date. Empty: any age."),
    )


def max_age_field() -> "models.PositiveSmallIntegerField[int | None, int | None]":
    return models.PositiveSmallIntegerField(
        _("oldest age"), null=True, blank=True, validators=[MaxValueValidator(OLDEST_LIMIT)],
        help_text=_("Open only to people of this age or younger (e.g. 27: until their 28th birthday). Empty: any age."),
    )


def age_range_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=models.F("max_age")),
        name=name,
        violation_error_message=_("The youngest age must not be above the oldest."),
    )
