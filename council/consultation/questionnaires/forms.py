"""The questionnaire as a page's form: each question's fields named after it, read back as text.

Field names: `q<id>` for one value (a list for multiple choice), `q<id>-<n>` for the n-th
option's rank or the n-th row of a matrix, `q<id>-lat` / `q<id>-lng` for a point. The
values are checked by answers.py, not here.
"""

from typing import Any

from django.http import QueryDict

from council.consultation.questionnaires.models import Question

Kind = Question.Kind


def raw_from_post(questions: list[Question], data: QueryDict) -> dict[int, Any]:
    """The answers as sent, question id -> text (or list of texts)."""
    raw: dict[int, Any] = {}
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == Kind.MULTIPLE:
            raw[question.pk] = data.getlist(name)
        elif question.kind == Kind.RANKING:
            raw[question.pk] = [data.get(f"{name}-{i}", "") for i in range(len(question.option_list))]
        elif question.kind == Kind.MATRIX:
            raw[question.pk] = [data.get(f"{name}-{i}", "") for i in range(len(question.row_list))]
        elif question.kind == Kind.POINT:
            raw[question.pk] = [data.get(f"{name}-lat", ""), data.get(f"{name}-lng", "")]
        else:
            raw[question.pk] = data.get(name, "")
    return raw


def question_fields(questions: list[Question], raw: dict[int, Any], errors: dict[int, str]) -> list[dict[str, Any]]:
    """What the template needs per question: its names, the values sent back, its error."""
    fields = []
    for number, question in enumerate(questions, start=1):
        value = raw.get(question.pk)
        item: dict[str, Any] = {
            "question": question, "number": number, "name": f"q{question.pk}", "error": errors.get(question.pk, ""),
            "value": value if isinstance(value, str) else "",
            "values": value if isinstance(value, list) else [],
            "condition": question.show_if,
            "condition_number": next((i for i, q in enumerate(questions, start=1) if q.pk == question.show_if_id), None),
        }
        if question.kind == Kind.RANKING:
            item["ranks"] = [
                {"option": option, "index": i, "value": _at(value, i)} for i, option in enumerate(question.option_list)
            ]
            item["positions"] = [str(p) for p in range(1, len(question.option_list) + 1)]
        elif question.kind == Kind.MATRIX:
            item["matrix"] = [{"row": row, "index": i, "value": _at(value, i)} for i, row in enumerate(question.row_list)]
        elif question.kind == Kind.POINT:
            item["lat"], item["lng"] = _at(value, 0), _at(value, 1)
        elif question.kind == Kind.SCALE:
            item["choices"] = [str(v) for v in question.scale_values]
        fields.append(item)
    return fields


def _at(value: Any, index: int) -> str:
    return str(value[index]) if isinstance(value, list) and index < len(value) else ""
