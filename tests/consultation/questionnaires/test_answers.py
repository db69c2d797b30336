"""Every kind of question and every condition, checked by answers.py (no database needed)."""

import pytest

from council.consultation.questionnaires.answers import AnswersInvalid
from council.consultation.questionnaires.answers import answers_clean
from council.consultation.questionnaires.models import Question

Kind = Question.Kind


def question(pk: int, kind: str, **fields) -> Question:
    fields.setdefault("text", f"Question {pk}")
    return Question(pk=pk, kind=kind, position=pk, **fields)


def refused(questions, raw) -> dict[int, str]:
    with pytest.raises(AnswersInvalid) as error:
        answers_clean(questions, raw)
    return error.value.errors


SINGLE = question(1, Kind.SINGLE, options="Vélo\nBus\nVoiture", required=True)


@pytest.mark.parametrize(
    ("q", "raw", "stored"),
    [
        (SINGLE, "Bus", "Bus"),
        (question(2, Kind.MULTIPLE, options="A\nB\nC\nD", min_choices=2, max_choices=3), ["C", "A"], ["A", "C"]),
        (question(3, Kind.RANKING, options="Parc\nÉcole\nMarché"), ["2", "3", "1"], ["Marché", "Parc", "École"]),
        (question(4, Kind.SCALE, scale_max=10), "10", 10),
        (question(5, Kind.SHORT_TEXT), "  Rue des Lilas ", "Rue des Lilas"),
        (question(6, Kind.LONG_TEXT), "Ligne 1\nLigne 2", "Ligne 1\nLigne 2"),
        (question(7, Kind.NUMBER), "3,5", 3.5),
        (question(7, Kind.NUMBER), "12", 12),
        (question(8, Kind.DATE), "2026-12-04", "2026-12-04"),
        (question(9, Kind.MATRIX, options="Oui\nNon", rows="Propreté\nSécurité"), ["Oui", "Non"], {"Propreté": "Oui", "Sécurité": "Non"}),
        (question(10, Kind.POINT), ["45.75", "4.83"], [45.75, 4.83]),
    ],
    ids=lambda v: v.kind if isinstance(v, Question) else None,
)
def test_a_good_answer_is_stored_as_typed(q, raw, stored):
    assert answers_clean([q], {q.pk: raw}) == {str(q.pk): stored}


@pytest.mark.parametrize(
    ("q", "raw", "message"),
    [
        (SINGLE, "Trottinette", "Choose one of the options."),
        (question(2, Kind.MULTIPLE, options="A\nB\nC\nD", min_choices=2), ["A"], "Choose at least 2 options."),
        (question(2, Kind.MULTIPLE, options="A\nB\nC\nD", max_choices=2), ["A", "B", "C"], "Choose at most 2 options."),
        (question(2, Kind.MULTIPLE, options="A\nB"), ["A", "Z"], "Choose among the options, each once."),
        (question(3, Kind.RANKING, options="Parc\nÉcole\nMarché"), ["1", "1", "2"], "Give each option a different rank, from 1 to 3."),
        (question(3, Kind.RANKING, options="Parc\nÉcole\nMarché"), ["1", "", "2"], "Give each option a different rank, from 1 to 3."),
        (question(4, Kind.SCALE, scale_max=5), "6", "Choose a number from 1 to 5."),
        (question(4, Kind.SCALE, scale_max=5), "0", "Choose a number from 1 to 5."),
        (question(5, Kind.SHORT_TEXT), "x" * 201, "The text is too long (201 characters; at most 200)."),
        (question(6, Kind.LONG_TEXT), "x" * 5001, "The text is too long (5001 characters; at most 5000)."),
        (question(7, Kind.NUMBER), "douze", "Write a number, such as 12 or 3.5."),
        (question(7, Kind.NUMBER), "nan", "Write a number, such as 12 or 3.5."),
        (question(8, Kind.DATE), "2026-02-30", "Write a date as year-month-day, such as 2026-12-04."),
        (question(9, Kind.MATRIX, options="Oui\nNon", rows="Propreté\nSécurité"), ["Oui", "Peut-être"], "Choose one of the answers in each row."),
        (question(9, Kind.MATRIX, options="Oui\nNon", rows="Propreté\nSécurité", required=True), ["Oui", ""], "Choose one answer in each row."),
        (question(10, Kind.POINT), ["95", "4.83"], "A point needs a latitude (-90 to 90) and a longitude (-180 to 180)."),
        (question(10, Kind.POINT), ["45.75", ""], "A point needs a latitude (-90 to 90) and a longitude (-180 to 180)."),
    ],
    ids=lambda v: v.kind if isinstance(v, Question) else None,
)
def test_a_bad_answer_is_refused_with_its_reason(q, raw, message):
    assert refused([q], {q.pk: raw}) == {q.pk: message}


def test_a_required_question_left_blank_is_refused_and_an_optional_one_is_left_out():
    optional = question(2, Kind.SHORT_TEXT)

    assert refused([SINGLE, optional], {1: "", 2: ""}) == {1: "This question requires an answer."}
    assert answers_clean([SINGLE, optional], {1: "Bus", 2: "  "}) == {"1": "Bus"}


def test_every_faulty_question_is_named_at_once():
    scale = question(4, Kind.SCALE)

    assert set(refused([SINGLE, scale], {1: "", 4: "9"})) == {1, 4}


# -- conditions: B (required) is shown only if A is answered "Bus"

A = question(1, Kind.SINGLE, options="Vélo\nBus")
B = question(2, Kind.SHORT_TEXT, required=True, show_if=A, show_if_value="Bus")


def test_a_shown_conditional_question_is_required():
    assert refused([A, B], {1: "Bus", 2: ""}) == {2: "This question requires an answer."}
    assert answers_clean([A, B], {1: "Bus", 2: "Ligne 12"}) == {"1": "Bus", "2": "Ligne 12"}


def test_a_hidden_question_is_not_required_and_its_answer_is_ignored():
    assert answers_clean([A, B], {1: "Vélo", 2: ""}) == {"1": "Vélo"}
    assert answers_clean([A, B], {1: "Vélo", 2: "Ligne 12"}) == {"1": "Vélo"}
    assert answers_clean([A, B], {1: "", 2: "Ligne 12"}) == {}


def test_a_hidden_question_with_a_faulty_answer_is_not_refused():
    scale = question(2, Kind.SCALE, show_if=A, show_if_value="Bus", required=True)

    assert answers_clean([A, scale], {1: "Vélo", 2: "99"}) == {"1": "Vélo"}


def test_conditions_on_multiple_choice_and_scale():
    many = question(1, Kind.MULTIPLE, options="Parc\nÉcole")
    on_many = question(2, Kind.SHORT_TEXT, required=True, show_if=many, show_if_value="École")
    scale = question(3, Kind.SCALE)
    on_scale = question(4, Kind.SHORT_TEXT, required=True, show_if=scale, show_if_value="1")
    questions = [many, on_many, scale, on_scale]

    assert refused(questions, {1: ["Parc", "École"], 3: "1"}) == {2: "This question requires an answer.", 4: "This question requires an answer."}
    assert answers_clean(questions, {1: ["Parc"], 2: "ignorée", 3: "2", 4: "ignorée"}) == {"1": ["Parc"], "3": 2}


def test_a_question_under_a_hidden_one_is_hidden_too():
    middle = question(2, Kind.SINGLE, options="Oui\nNon", show_if=A, show_if_value="Bus")
    last = question(3, Kind.SHORT_TEXT, required=True, show_if=middle, show_if_value="Oui")

    assert answers_clean([A, middle, last], {1: "Vélo", 2: "Oui", 3: ""}) == {"1": "Vélo"}
    assert refused([A, middle, last], {1: "Bus", 2: "Oui", 3: ""}) == {3: "This question requires an answer."}
