"""Reads of questionnaires: the consultation page's part, the results, their breakdowns.

Results count every stored answer; breakdowns (by zone or group for a questionnaire that is
not anonymous, by the questionnaire's own questions for any) hide every cell counting fewer
than MIN_CELL_SIZE people, as the groups app's breakdowns do.
"""

import statistics
from collections import Counter
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from council.consultation.models import Consultation
from council.consultation.questionnaires import permissions as perms
from council.consultation.questionnaires.models import Participation
from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.models import Response
from council.core.charts import number_histogram
from council.core.charts import pie_slices
from council.core.charts import scale_histogram
from council.core.errors import InvalidInput
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ResidentProfile
from council.groups.models import Zone
from council.groups.selectors import MIN_CELL_SIZE
from council.groups.selectors import members_of_groups

Kind = Question.Kind
#: the kinds a breakdown can be made of, and by
CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.SCALE)


def questionnaire_questions(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.select_related("show_if"))


def has_answered(user: Any, questionnaire: Questionnaire) -> bool:
    return bool(user.is_authenticated and Participation.objects.filter(questionnaire=questionnaire, user=user).exists())


def consultation_part(*, user: Any, consultation: Consultation) -> dict[str, Any] | None:
    """The questionnaire's part of the consultation page, or None without a questionnaire."""
    questionnaire = Questionnaire.objects.filter(consultation=consultation).first()
    if questionnaire is None:
        return None
    questionnaire.consultation = consultation
    slug = consultation.council.slug
    answered = has_answered(user, questionnaire)
    return {
        "questionnaire": questionnaire,
        "url": reverse("questionnaire-detail", args=[slug, consultation.pk]),
        "results_url": reverse("questionnaire-results", args=[slug, consultation.pk]),
        "answered": answered,
        "can_answer": not answered and user.has_perm(perms.ANSWER, questionnaire),
        "can_view_results": user.has_perm(perms.VIEW_RESULTS, questionnaire),
    }


def _choices(question: Question) -> list[str]:
    return [str(v) for v in question.scale_values] if question.kind == Kind.SCALE else question.option_list


def _picked(question: Question, value: Any) -> list[str]:
    """The options an answer counts for (a choice question)."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _bars(labels: list[str], counts: Counter[str], answered: int) -> list[dict[str, Any]]:
    most = max(counts.values(), default=0) or 1
    return [
        {
            "label": label, "count": counts[label],
            "percent": round(100 * counts[label] / answered, 1) if answered else 0.0,
            "width": round(100 * counts[label] / most, 1),
        }
        for label in labels
    ]


#: the type a stored answer has, by kind: answers stored before an administrator changed a
#: question's kind are left out of its results rather than break them
_TYPES: dict[str, Any] = {
    Kind.SINGLE: str, Kind.MULTIPLE: list, Kind.RANKING: list, Kind.SCALE: int, Kind.SHORT_TEXT: str,
    Kind.LONG_TEXT: str, Kind.NUMBER: (int, float), Kind.DATE: str, Kind.MATRIX: dict, Kind.POINT: list,
}


def _question_result(question: Question, values: list[Any], *, with_texts: bool) -> dict[str, Any]:
    values = [v for v in values if isinstance(v, _TYPES[question.kind]) and not isinstance(v, bool)]
    result: dict[str, Any] = {"question": question, "kind": question.kind, "answered": len(values)}
    if question.kind in CHOICE_KINDS:
        counts = Counter(label for value in values for label in _picked(question, value))
        result["bars"] = _bars(_choices(question), counts, len(values))
        if question.kind == Kind.SINGLE:  # a pie, offered beside the bars (a choice's parts add up to the whole)
            result["pie"] = pie_slices([(bar["label"], bar["count"]) for bar in result["bars"]])
        if question.kind == Kind.SCALE:
            result["histogram"] = scale_histogram(_choices(question), [bar["count"] for bar in result["bars"]], values)
        if question.kind == Kind.SCALE and values:
            result["mean"] = round(statistics.fmean(values), 2)
    elif question.kind == Kind.RANKING:
        options = question.option_list
        points: Counter[str] = Counter()
        for ranking in values:
            for rank, option in enumerate(ranking):
                points[option] += len(options) - rank  # Borda: the first gets n points
        order = sorted(options, key=lambda o: (-points[o], options.index(o)))
        result["bars"] = [{**bar, "mean_rank": _mean_rank(bar["label"], values)} for bar in _bars(order, points, len(values))]
    elif question.kind == Kind.NUMBER:
        result["histogram"] = number_histogram(values)
        if values:
            result["mean"] = round(statistics.fmean(values), 2)
            result["median"] = statistics.median(values)
    elif question.kind == Kind.DATE:
        counts = Counter(values)
        result["bars"] = _bars(sorted(counts), counts, len(values))
    elif question.kind == Kind.MATRIX:
        columns = question.option_list
        result["columns"] = columns
        result["matrix"] = [
            {"row": row, "counts": [sum(1 for v in values if v.get(row) == column) for column in columns]}
            for row in question.row_list
        ]
    elif question.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT) and with_texts:
        result["texts"] = values
    elif question.kind == Kind.POINT and with_texts:
        result["points"] = values
    return result


def _mean_rank(option: str, rankings: list[list[str]]) -> float | None:
    ranks = [ranking.index(option) + 1 for ranking in rankings if option in ranking]  # an option added later is in none
    return round(sum(ranks) / len(ranks), 2) if ranks else None


def _answer_sets(questionnaire: Questionnaire) -> list[tuple[int | None, dict[str, Any]]]:
    """(respondent id or None, answers) of every answer set, in the order of their random keys (no order of arrival)."""
    return list(Response.objects.filter(questionnaire=questionnaire).order_by("pk").values_list("respondent_id", "answers"))


def _results(questions: list[Question], answer_sets: list[dict[str, Any]], *, with_texts: bool) -> dict[str, Any]:
    return {
        "respondents": len(answer_sets),
        "questions": [
            _question_result(
                question,
                [answers[str(question.pk)] for answers in answer_sets if str(question.pk) in answers],
                with_texts=with_texts,
            )
            for question in questions
        ],
    }


def questionnaire_results(questionnaire: Questionnaire, *, with_texts: bool) -> dict[str, Any]:
    """Counts per option, means, matrices; texts and points only `with_texts` (the facilitators).

    One query for the answers, read in the order of their random keys (no order of arrival).
    """
    answer_sets = list(Response.objects.filter(questionnaire=questionnaire).order_by("pk").values_list("answers", flat=True))
    return _results(questionnaire_questions(questionnaire), answer_sets, with_texts=with_texts)


# -- breakdowns


def breakdown_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """What the results may be broken down by: (key, label); zones and groups only when not anonymous."""
    choices = [(f"question:{q.pk}", _("Answer to: %(question)s") % {"question": q.text}) for q in questionnaire_questions(questionnaire) if q.kind in CHOICE_KINDS]
    if not questionnaire.is_anonymous:
        choices = [("zone", _("Zone")), ("group", _("Group")), *choices]
    return choices


def _hidden(count: int) -> int | None:
    return None if count < MIN_CELL_SIZE else count


Segments = list[tuple[str, list[dict[str, Any]]]]  # the rows of a breakdown: (label, the answer sets of the people in it)


def _segments(questionnaire: Questionnaire, questions: list[Question], by: str, answer_sets: list[tuple[Any, dict[str, Any]]]) -> Segments:
    """The rows of a breakdown by `by`: one query for zones, one for groups (whatever their number), none for a question."""
    council = questionnaire.consultation.council
    if by.startswith("question:"):
        source = next((q for q in questions if f"question:{q.pk}" == by and q.kind in CHOICE_KINDS), None)
        if source is None:
            raise InvalidInput(_("Break the results down by one of the choices offered."))
        key = str(source.pk)
        return [(label, [a for _r, a in answer_sets if label in _picked(source, a.get(key))]) for label in _choices(source)]
    if questionnaire.is_anonymous or by not in ("zone", "group"):
        # an anonymous questionnaire knows nobody's zone or group: only its own questions
        raise InvalidInput(_("Break the results down by one of the choices offered."))
    by_person = {person: answers for person, answers in answer_sets if person is not None}
    if by == "zone":
        inside: dict[int, set[int]] = {}
        placed = ResidentProfile.objects.filter(council=council, user_id__in=list(by_person), zone__isnull=False)
        for zone_id, user_id in placed.values_list("zone_id", "user_id"):
            inside.setdefault(zone_id, set()).add(user_id)
        parts = [(zone.name, inside.get(zone.pk, set())) for zone in Zone.objects.filter(council=council).order_by("name")]
    else:
        groups = list(NeighbourhoodGroup.objects.filter(council=council).order_by("name"))
        members = members_of_groups(council, groups, among=by_person)
        parts = [(group.name, members[group.pk]) for group in groups]
    return [(label, [by_person[p] for p in sorted(people)]) for label, people in parts]


def _table(question: Question, segments: Segments) -> list[dict[str, Any]]:
    """A choice question's counts in each segment, cells under MIN_CELL_SIZE hidden (see questionnaire_breakdown)."""
    columns = _choices(question)
    key = str(question.pk)
    rows = []
    for label, sets in segments:
        answered = [a[key] for a in sets if key in a]
        counts = Counter(c for value in answered for c in _picked(question, value))
        cells = [_hidden(counts[column]) for column in columns]
        if question.kind != Kind.MULTIPLE and cells.count(None) == 1 and _hidden(len(answered)) is not None:
            shown = [i for i, cell in enumerate(cells) if cell is not None]
            if shown:
                cells[min(shown, key=lambda i: counts[columns[i]])] = None
        total = _hidden(len(answered))
        rows.append({"label": label, "total": total, "cells": cells if total is not None else [None] * len(columns)})
    return rows


def questionnaire_breakdown(questionnaire: Questionnaire, *, question_id: int, by: str) -> dict[str, Any]:
    """A choice question's counts in each zone, group or answer of another question; cells under 5 hidden.

    A row whose people are fewer than 5 shows no count at all. For a single choice or a scale
    (whose cells add up to the row's total), a row with one hidden cell hides its next smallest
    one too, so the hidden count cannot be worked out by subtraction.
    """
    questions = questionnaire_questions(questionnaire)
    question = next((q for q in questions if q.pk == question_id and q.kind in CHOICE_KINDS), None)
    if question is None:
        raise InvalidInput(_("Choose a single choice, multiple choice or scale question."))
    segments = _segments(questionnaire, questions, by, _answer_sets(questionnaire))
    return {"question": question, "by": by, "columns": _choices(question), "rows": _table(question, segments), "threshold": MIN_CELL_SIZE}


# -- live


def _live_question(result: dict[str, Any]) -> dict[str, Any]:
    """A question's result as the live event carries it: counts only, never texts or points."""
    question = result["question"]
    found = {"id": question.pk, "kind": result["kind"], "answered": result["answered"]}
    for key in ("mean", "median", "bars", "pie", "histogram", "columns", "matrix"):
        if key in result:
            found[key] = result[key]
    return found


def live_results(questionnaire: Questionnaire, *, with_breakdowns: bool = True) -> dict[str, Any]:
    """The results as open results pages and stages receive them (consultation.questionnaire_results_changed).

    The counts the page shows, and every breakdown the page offers (each choice question by
    each of `breakdown_choices`), with the same hidden cells: zone and group ones only when the
    questionnaire is not anonymous. One query for the answers, one for zones, one for groups.
    A meeting's stage shows the counts only (`with_breakdowns=False`).
    """
    questions = questionnaire_questions(questionnaire)
    answer_sets = _answer_sets(questionnaire)
    results = _results(questions, [answers for _p, answers in answer_sets], with_texts=False)
    choice_questions = [q for q in questions if q.kind in CHOICE_KINDS]
    breakdowns = []
    if choice_questions and with_breakdowns:
        for by, _label in breakdown_choices(questionnaire):
            segments = _segments(questionnaire, questions, by, answer_sets)
            breakdowns += [{"question_id": q.pk, "by": by, "rows": _table(q, segments)} for q in choice_questions]
    return {
        "consultation_id": questionnaire.consultation_id,
        "questionnaire_id": questionnaire.pk,
        "respondents": results["respondents"],
        "questions": [_live_question(result) for result in results["questions"]],
        "breakdowns": breakdowns,
        "threshold": MIN_CELL_SIZE,
    }
