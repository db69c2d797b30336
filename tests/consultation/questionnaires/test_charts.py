"""Pies and distributions of a questionnaire's results: the numbers they are drawn from, and the page."""

import re

import pytest

from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.selectors import _question_result
from council.consultation.questionnaires.selectors import live_results
from council.consultation.questionnaires.selectors import questionnaire_results
from council.core.charts import EN_DASH
from council.core.charts import number_histogram
from council.core.charts import pie_slices
from tests.consultation.questionnaires.test_results import ROWS
from tests.consultation.questionnaires.test_results import answered  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_a_single_choice_has_a_slice_per_chosen_option_numbered_as_the_options(make_questionnaire, answered):  # noqa: F811
    questionnaire = make_questionnaire()
    answered(questionnaire, ROWS)

    mode, _line, scale = questionnaire_results(questionnaire, with_texts=False)["questions"]

    assert [(s["number"], s["label"], s["count"], s["percent"]) for s in mode["pie"]] == [(1, "Vélo", 4, 40.0), (2, "Bus", 5, 50.0), (3, "Voiture", 1, 10.0)]
    assert "pie" not in scale


def test_an_option_nobody_chose_has_no_slice_and_one_chosen_by_all_is_the_whole_disc():
    slices = pie_slices([("Oui", 7), ("Non", 0)])

    assert [s["label"] for s in slices] == ["Oui"]
    assert slices[0]["path"].count(" A ") == 2  # two half circles: one arc cannot close on itself
    assert pie_slices([("Oui", 0)]) == []


def test_a_scale_is_drawn_as_a_distribution_with_its_mean_and_median_marked(make_questionnaire, answered):  # noqa: F811
    questionnaire = make_questionnaire()
    answered(questionnaire, ROWS)

    scale = questionnaire_results(questionnaire, with_texts=False)["questions"][2]

    histogram = scale["histogram"]
    assert [(b["label"], b["count"]) for b in histogram["bins"]] == [("1", 1), ("2", 2), ("3", 0), ("4", 3), ("5", 4)]
    marks = {m["kind"]: m for m in histogram["marks"]}
    assert (marks["mean"]["value"], marks["median"]["value"]) == (3.7, 4.0)
    # the median (4) stands in the fourth column's middle, the mean (3.7) just left of it
    assert marks["median"]["x"] == 70.0
    assert 60 < marks["mean"]["x"] < 70


def test_numbers_fall_in_ranges_of_equal_width():
    number = Question(pk=1, kind=Question.Kind.NUMBER)

    result = _question_result(number, [1, 2, 3, 10, 25, 25, "ancienne réponse"], with_texts=False)

    bins = result["histogram"]["bins"]
    assert sum(b["count"] for b in bins) == 6
    assert (bins[0]["label"], bins[0]["count"], bins[-1]["label"], bins[-1]["count"]) == (f"1{EN_DASH}3", 3, f"25{EN_DASH}27", 2)
    assert result["median"] == 6.5
    assert number_histogram([]) == {"bins": [], "marks": []}


def test_the_live_results_carry_the_pie_and_the_distribution(make_questionnaire, answered):  # noqa: F811
    questionnaire = make_questionnaire()
    answered(questionnaire, ROWS[:3])

    mode, _line, scale = live_results(questionnaire)["questions"]

    assert [s["count"] for s in mode["pie"]] == [3]
    assert [b["count"] for b in scale["histogram"]["bins"]] == [0, 0, 0, 0, 3]


def test_the_results_page_offers_a_pie_and_draws_the_distribution_each_with_a_text_alternative(client, make_questionnaire, answered, moderator, council):  # noqa: F811
    questionnaire = make_questionnaire()
    answered(questionnaire, ROWS)
    client.force_login(moderator)

    page = client.get(f"/c/{council.slug}/consultations/{questionnaire.consultation_id}/questionnaire/results/").content.decode()

    assert re.search(r'<input type="radio" name="chart-\d+" value="pie">', page)
    assert 'aria-label="Pie chart: Vélo 40.0 %, Bus 50.0 %, Voiture 10.0 %"' in page
    assert 'aria-label="Distribution: 1: 1, 2: 2, 3: 0, 4: 3, 5: 4. Mean 3.7. Median 4.0."' in page
    assert page.count('role="img"') == 2
