"""Checking a set of answers against the questionnaire's questions (kinds, bounds, conditions).

The pages send each answer as text (`raw`: question id -> a string, or a list of strings for
the kinds with several fields); this returns the values to store, question id (as text) ->
value, or raises `AnswersInvalid` naming each faulty question. A question whose condition is
not met is not shown to the person, so its answer is ignored (dropped), and it is never
required: a page without script sends every field, filled or not.
"""

import math
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.consultation.questionnaires.models import MAX_LONG_TEXT
from council.consultation.questionnaires.models import MAX_SHORT_TEXT
from council.consultation.questionnaires.models import Question
from council.core.errors import InvalidInput

Kind = Question.Kind


class AnswersInvalid(InvalidInput):
    """Some answers are refused; `errors` says why, question by question (question id -> message)."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(_("Some answers need correcting: see the questions marked."))
        self.errors = errors


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def answers_clean(questions: Sequence[Question], raw: Mapping[int, Any]) -> dict[str, Any]:
    """The answers to store, for the questions shown; raise AnswersInvalid on any faulty one."""
    clean: dict[int, Any] = {}
    errors: dict[int, str] = {}
    for question in questions:  # in order: a condition names an earlier question
        if not is_shown(question, clean):
            continue
        try:
            value = _value(question, raw.get(question.pk))
        except _Refused as refused:
            errors[question.pk] = refused.message
            continue
        if value is None:
            if question.required:
                errors[question.pk] = _("This question requires an answer.")
            continue
        clean[question.pk] = value
    if errors:
        raise AnswersInvalid(errors)
    return {str(pk): value for pk, value in clean.items()}


def is_shown(question: Question, answers: Mapping[int, Any]) -> bool:
    """Whether the condition of `question` is met by `answers` (question id -> stored value)."""
    if question.show_if_id is None:
        return True
    given = answers.get(question.show_if_id)  # absent when not answered, or not shown itself
    if isinstance(given, list):
        return question.show_if_value in given
    return given is not None and str(given) == question.show_if_value


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(_blank(item) for item in value)
    return False


def _value(question: Question, value: Any) -> Any:
    if _blank(value):
        return None
    return _CLEANERS[Kind(question.kind)](question, value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Refused(_("Write a text."))
    return value.strip()


def _one_option(question: Question, value: Any) -> str:
    choice = _text(value)
    if choice not in question.option_list:
        raise _Refused(_("Choose one of the options."))
    return choice


def _several_options(question: Question, value: Any) -> list[str]:
    chosen = [value] if isinstance(value, str) else list(value)
    options = question.option_list
    if any(not isinstance(c, str) or c not in options for c in chosen) or len(set(chosen)) != len(chosen):
        raise _Refused(_("Choose among the options, each once."))
    fewest, most = question.min_choices, question.max_choices
    if fewest is not None and len(chosen) < fewest:
        raise _Refused(ngettext("Choose at least %(count)d option.", "Choose at least %(count)d options.", fewest) % {"count": fewest})
    if most is not None and len(chosen) > most:
        raise _Refused(ngettext("Choose at most %(count)d option.", "Choose at most %(count)d options.", most) % {"count": most})
    return [option for option in options if option in chosen]  # in the questionnaire's order


def _ranking(question: Question, value: Any) -> list[str]:
    """`value`: the rank given to each option, in the options' order; stored best first."""
    options = question.option_list
    count = len(options)
    refused = _Refused(_("Give each option a different rank, from 1 to %(count)d.") % {"count": count})
    if not isinstance(value, list | tuple) or len(value) != count:
        raise refused
    try:
        ranks = [int(str(rank).strip()) for rank in value]
    except ValueError as error:
        raise refused from error
    if sorted(ranks) != list(range(1, count + 1)):
        raise refused
    return [option for _rank, option in sorted(zip(ranks, options, strict=True))]


def _scale(question: Question, value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise _Refused(_("Choose a number from 1 to %(max)d.") % {"max": question.scale_max}) from error
    if number not in question.scale_values:
        raise _Refused(_("Choose a number from 1 to %(max)d.") % {"max": question.scale_max})
    return number


def _short_text(question: Question, value: Any) -> str:
    return _bounded(_text(value), MAX_SHORT_TEXT)


def _long_text(question: Question, value: Any) -> str:
    return _bounded(_text(value), MAX_LONG_TEXT)


def _bounded(text: str, limit: int) -> str:
    if len(text) > limit:
        raise _Refused(_("The text is too long (%(count)d characters; at most %(max)d).") % {"count": len(text), "max": limit})
    return text


def _number(question: Question, value: Any) -> int | float:
    try:
        number = float(str(value).strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError as error:
        raise _Refused(_("Write a number, such as 12 or 3.5.")) from error
    if not math.isfinite(number) or abs(number) > 1e12:
        raise _Refused(_("Write a number, such as 12 or 3.5."))
    return int(number) if number.is_integer() else number


def _date(question: Question, value: Any) -> str:
    try:
        return date.fromisoformat(_text(value)).isoformat()
    except ValueError as error:
        raise _Refused(_("Write a date as year-month-day, such as 2026-12-04.")) from error


def _matrix(question: Question, value: Any) -> dict[str, str]:
    """`value`: the column chosen in each row, in the rows' order ("" for none)."""
    rows, columns = question.row_list, question.option_list
    if not isinstance(value, list | tuple) or len(value) != len(rows):
        raise _Refused(_("Choose one answer in each row."))
    chosen = {row: str(cell).strip() for row, cell in zip(rows, value, strict=True) if not _blank(cell)}
    if any(cell not in columns for cell in chosen.values()):
        raise _Refused(_("Choose one of the answers in each row."))
    if question.required and len(chosen) != len(rows):
        raise _Refused(_("Choose one answer in each row."))
    return chosen


def _point(question: Question, value: Any) -> list[float]:
    """`value`: [latitude, longitude]."""
    refused = _Refused(_("A point needs a latitude (-90 to 90) and a longitude (-180 to 180)."))
    if not isinstance(value, list | tuple) or len(value) != 2 or any(_blank(v) for v in value):
        raise refused
    try:
        latitude, longitude = (float(str(v).strip().replace(",", ".")) for v in value)
    except ValueError as error:
        raise refused from error
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise refused
    return [latitude, longitude]


_CLEANERS: dict[Kind, Any] = {
    Kind.SINGLE: _one_option,
    Kind.MULTIPLE: _several_options,
    Kind.RANKING: _ranking,
    Kind.SCALE: _scale,
    Kind.SHORT_TEXT: _short_text,
    Kind.LONG_TEXT: _long_text,
    Kind.NUMBER: _number,
    Kind.DATE: _date,
    Kind.MATRIX: _matrix,
    Kind.POINT: _point,
}
