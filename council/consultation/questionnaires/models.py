"""Questionnaires of a consultation: questions built by the council's administrators, answered
once per person during the consultation's questionnaire phase.

An anonymous questionnaire keeps two tables that nothing joins: `Response` (the answers,
with no person) and `Participation` (who answered, with no answers). Both have random UUID
keys, neither has a timestamp or a counter, and no query reads them in insertion order, so
neither a shared id, a time nor a sequence links a person to their answers. (PostgreSQL's
physical row order is not a column: the pages never read it, see the report of issue 13.)
"""

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from council.consultation.models import Consultation
from council.councils.tenancy import SameCouncilMixin

MAX_QUESTION_CHARS = 300
MAX_SHORT_TEXT = 200
MAX_LONG_TEXT = 5000


class Questionnaire(SameCouncilMixin, models.Model):
    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="questionnaire", verbose_name=_("consultation")
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False,
        help_text=_(
            "The answers are stored without the account: each person answers once, but nobody, administrators "
            "included, can tell who answered what. Results are then broken down only by the questionnaire's own "
            "questions. Cannot be changed once someone has answered."
        ),
    )
    results_public = models.BooleanField(
        _("results shown to everyone"), default=False,
        help_text=_("From the results phase on, anyone may read the results (facilitators always can)."),
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title


class Question(SameCouncilMixin, models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RANKING = "ranking", _("Ranking")
        SCALE = "scale", _("Scale")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        MATRIX = "matrix", _("Matrix")
        POINT = "point", _("A point on the map")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    text = models.CharField(_("question"), max_length=MAX_QUESTION_CHARS)
    help_text = models.CharField(_("help"), max_length=MAX_QUESTION_CHARS, blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.TextField(
        _("options"), blank=True,
        help_text=_("One per line: the choices (single, multiple choice, ranking) or the columns of a matrix."),
    )
    rows = models.TextField(_("rows of the matrix"), blank=True, help_text=_("One per line (matrix only)."))
    min_choices = models.PositiveSmallIntegerField(_("at least"), null=True, blank=True, help_text=_("Multiple choice: the fewest options to tick."))
    max_choices = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True, help_text=_("Multiple choice: the most options to tick."))
    scale_max = models.PositiveSmallIntegerField(
        _("scale"), choices=[(5, _("1 to 5")), (10, _("1 to 10"))], default=5
    )
    show_if = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("shown only if the question"),
        help_text=_("An earlier single choice, multiple choice or scale question."),
    )
    show_if_value = models.CharField(
        _("is answered"), max_length=MAX_QUESTION_CHARS, blank=True,
        help_text=_("The option (or the number of the scale) that shows this question."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_choices__isnull=True) | Q(max_choices__isnull=True) | Q(min_choices__lte=models.F("max_choices")),
                name="questionnaires_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def option_list(self) -> list[str]:
        return _lines(self.options)

    @property
    def row_list(self) -> list[str]:
        return _lines(self.rows)

    @property
    def scale_values(self) -> list[int]:
        return list(range(1, self.scale_max + 1))

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        kinds = self.Kind
        if self.kind in (kinds.SINGLE, kinds.MULTIPLE, kinds.RANKING, kinds.MATRIX) and len(self.option_list) < 2:
            errors["options"] = _("Give at least two options, one per line.")
        elif len(set(self.option_list)) != len(self.option_list):
            errors["options"] = _("Each option only once.")
        if self.kind == kinds.MATRIX and not self.row_list:
            errors["rows"] = _("Give the rows of the matrix, one per line.")
        if self.max_choices is not None and self.max_choices > len(self.option_list):
            errors["max_choices"] = _("There are fewer options than that.")
        if self.show_if is not None:
            errors.update(self._condition_errors())
        elif self.show_if_value:
            errors["show_if"] = _("Choose the question this one depends on.")
        if errors:
            raise ValidationError(errors)

    def _condition_errors(self) -> dict[str, Any]:
        source = self.show_if
        assert source is not None
        kinds = self.Kind
        if self.questionnaire_id is not None and source.questionnaire_id != self.questionnaire_id:
            return {"show_if": _("Choose a question of the same questionnaire.")}
        if source.pk == self.pk or (source.position, source.pk or 0) >= (self.position, self.pk or 10**9):
            return {"show_if": _("Choose a question that comes before this one.")}
        if source.kind not in (kinds.SINGLE, kinds.MULTIPLE, kinds.SCALE):
            return {"show_if": _("Only a single choice, multiple choice or scale question can show another.")}
        allowed = [str(v) for v in source.scale_values] if source.kind == kinds.SCALE else source.option_list
        if self.show_if_value not in allowed:
            return {"show_if_value": _("Choose one of its answers: %(answers)s.") % {"answers": ", ".join(allowed)}}
        return {}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Response(models.Model):
    """One person's answers: `respondent` is empty in an anonymous questionnaire (and only there).

    No timestamp, a random key: see the module's docstring.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: question id (as text) -> the answer, validated by answers.py
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("answers")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "respondent"], condition=Q(respondent__isnull=False),
                name="questionnaires_one_response_each",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Participation(models.Model):
    """That a person answered (never what): each person answers once, anonymous or not."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "user"], name="questionnaires_one_participation_each"),
        ]

    def __str__(self) -> str:
        return str(self.pk)
