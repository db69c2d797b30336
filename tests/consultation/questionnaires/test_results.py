"""Results: counts, means, breakdowns under the privacy threshold; who reads them; the segment condition."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from council.accounts.models import User
from council.consultation.models import Phase
from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.selectors import _question_result
from council.consultation.questionnaires.selectors import questionnaire_breakdown
from council.consultation.questionnaires.selectors import questionnaire_results
from council.consultation.questionnaires.services import questionnaire_answer
from council.core.errors import InvalidInput
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ResidentProfile
from council.groups.models import Zone
from council.groups.segments import compile_rule
from tests.consultation.questionnaires.conftest import raw_for

pytestmark = pytest.mark.django_db
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


@pytest.fixture
def answered(council, user_with_role):
    """Return a maker: answers of residents, each (zone name or None, mode, satisfaction)."""
    zones = {
        name: Zone.objects.create(council=council, name=name, slug=name.lower(), geometry=SQUARE, min_lon=0, min_lat=0, max_lon=1, max_lat=1)
        for name in ("Centre", "Gare")
    }

    def make(questionnaire, rows):
        people = []
        for zone, mode, satisfaction in rows:
            person = user_with_role("resident", council)
            if zone:
                ResidentProfile.objects.create(council=council, user=person, zone=zones[zone])
            raw = raw_for(questionnaire, mode, "C3" if mode == "Bus" else "", satisfaction)
            questionnaire_answer(actor=person, questionnaire_id=questionnaire.pk, raw=raw)
            people.append(person)
        return people

    return make


ROWS = [("Centre", "Vélo", "5")] * 4 + [("Centre", "Bus", "4")] * 3 + [("Gare", "Bus", "2")] * 2 + [(None, "Voiture", "1")]


def test_counts_per_option_and_the_mean_of_the_scale(make_questionnaire, answered):
    questionnaire = make_questionnaire()
    answered(questionnaire, ROWS)

    results = questionnaire_results(questionnaire, with_texts=True)

    mode, line, scale = results["questions"]
    assert results["respondents"] == 10
    assert [(b["label"], b["count"], b["percent"]) for b in mode["bars"]] == [("Vélo", 4, 40.0), ("Bus", 5, 50.0), ("Voiture", 1, 10.0)]
    assert (line["answered"], line["texts"]) == (5, ["C3"] * 5)
    assert scale["mean"] == 3.7
    assert [b["count"] for b in scale["bars"]] == [1, 2, 0, 3, 4]


def test_texts_are_for_the_facilitators_only(make_questionnaire, answered):
    questionnaire = make_questionnaire()
    answered(questionnaire, ROWS[:2])

    assert "texts" not in questionnaire_results(questionnaire, with_texts=False)["questions"][1]


def test_a_breakdown_by_zone_hides_cells_under_five(make_questionnaire, answered):
    questionnaire = make_questionnaire()
    answered(questionnaire, [*ROWS, ("Centre", "Voiture", "3")])
    mode = questionnaire.questions.first()

    breakdown = questionnaire_breakdown(questionnaire, question_id=mode.pk, by="zone")

    assert breakdown["columns"] == ["Vélo", "Bus", "Voiture"]
    # Centre: 4 bikes, 3 buses, 1 car: every cell under 5 hidden, its 8 people shown.
    # Gare: 2 people, fewer than 5: nothing shown.
    assert [(r["label"], r["total"], r["cells"]) for r in breakdown["rows"]] == [
        ("Centre", 8, [None, None, None]),
        ("Gare", None, [None, None, None]),
    ]


def test_a_single_hidden_cell_hides_another_so_it_cannot_be_subtracted(make_questionnaire, answered):
    questionnaire = make_questionnaire()
    answered(questionnaire, [("Centre", "Vélo", "5")] * 6 + [("Centre", "Bus", "4")] * 5 + [("Centre", "Voiture", "1")])

    rows = questionnaire_breakdown(questionnaire, question_id=questionnaire.questions.first().pk, by="zone")["rows"]

    assert rows[0]["total"] == 12
    assert rows[0]["cells"] == [6, None, None]  # the car (1) hidden, and the bus (5), the next smallest


def test_a_breakdown_by_another_question(make_questionnaire, answered):
    questionnaire = make_questionnaire(anonymous=True)
    answered(questionnaire, [("Centre", "Vélo", "5")] * 5 + [("Gare", "Bus", "5")] * 2 + [("Gare", "Bus", "2")] * 5)
    mode, _line, scale = questionnaire.questions.all()

    breakdown = questionnaire_breakdown(questionnaire, question_id=scale.pk, by=f"question:{mode.pk}")

    assert [(r["label"], r["total"], r["cells"]) for r in breakdown["rows"]] == [
        ("Vélo", 5, [None, None, None, None, 5]),
        ("Bus", 7, [None, 5, None, None, None]),
        ("Voiture", None, [None] * 5),
    ]


def test_a_breakdown_by_group_takes_as_many_queries_for_six_groups_as_for_two(make_questionnaire, answered, council):
    questionnaire = make_questionnaire()
    people = answered(questionnaire, [("Centre", "Vélo", "5")] * 5 + [("Gare", "Bus", "2")] * 5)
    mode = questionnaire.questions.first()
    residents = {"field": "role", "op": "in", "value": ["resident"]}
    cyclists = NeighbourhoodGroup.objects.create(council=council, name="A cyclistes")
    Membership.objects.bulk_create(Membership(group=cyclists, user=p, status=Membership.Status.ACTIVE) for p in people[:5])
    NeighbourhoodGroup.objects.create(council=council, name="C résidents", kind=NeighbourhoodGroup.Kind.SEGMENT, rule=residents)

    def queries() -> int:
        questionnaire.refresh_from_db()  # a fresh read each time: no cached council
        with CaptureQueriesContext(connection) as captured:
            questionnaire_breakdown(questionnaire, question_id=mode.pk, by="group")
        return len(captured)

    two = queries()
    NeighbourhoodGroup.objects.create(council=council, name="B vide")
    NeighbourhoodGroup.objects.create(council=council, name="F vide aussi")
    for name in ("D résidents bis", "E résidents ter"):
        NeighbourhoodGroup.objects.create(council=council, name=name, kind=NeighbourhoodGroup.Kind.SEGMENT, rule=residents)
    six = queries()
    rows = questionnaire_breakdown(questionnaire, question_id=mode.pk, by="group")["rows"]

    assert six == two
    assert [(r["label"], r["total"], r["cells"]) for r in rows] == [
        ("A cyclistes", 5, [5, None, None]),
        ("B vide", None, [None] * 3),
        ("C résidents", 10, [None, 5, None]),  # the empty car hidden, and the next smallest
        ("D résidents bis", 10, [None, 5, None]),
        ("E résidents ter", 10, [None, 5, None]),
        ("F vide aussi", None, [None] * 3),
    ]


@pytest.mark.parametrize("by", ["zone", "group"])
def test_an_anonymous_questionnaire_is_never_broken_down_by_who_answered(make_questionnaire, answered, by):
    questionnaire = make_questionnaire(anonymous=True)
    answered(questionnaire, ROWS)

    with pytest.raises(InvalidInput):
        questionnaire_breakdown(questionnaire, question_id=questionnaire.questions.first().pk, by=by)


def test_a_text_question_is_not_broken_down(make_questionnaire):
    questionnaire = make_questionnaire()
    line = questionnaire.questions.get(kind=Question.Kind.SHORT_TEXT)

    with pytest.raises(InvalidInput):
        questionnaire_breakdown(questionnaire, question_id=line.pk, by="zone")


# -- who reads the results, over HTTP


def _to_results_phase(questionnaire):
    now = timezone.now()
    consultation = questionnaire.consultation
    Phase.objects.filter(consultation=consultation).delete()
    Phase.objects.create(consultation=consultation, kind="results", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))


def test_results_are_for_the_facilitators_until_the_results_phase_when_public(client, make_questionnaire, moderator, resident, council):
    questionnaire = make_questionnaire(public=True)
    url = f"/c/{council.slug}/consultations/{questionnaire.consultation_id}/questionnaire/results/"
    client.force_login(resident)
    before = client.get(url).status_code
    client.force_login(moderator)
    facilitator = client.get(url).status_code

    _to_results_phase(questionnaire)
    client.logout()

    assert (before, facilitator, client.get(url).status_code) == (404, 200, 200)


def test_results_not_public_stay_with_the_facilitators(client, make_questionnaire, resident, council):
    questionnaire = make_questionnaire(public=False)
    _to_results_phase(questionnaire)
    client.force_login(resident)

    assert client.get(f"/c/{council.slug}/consultations/{questionnaire.consultation_id}/questionnaire/results/").status_code == 404


def test_the_results_page_tells_a_breakdown_and_refuses_a_zone_for_an_anonymous_one(client, make_questionnaire, answered, moderator, council):
    questionnaire = make_questionnaire(anonymous=True)
    answered(questionnaire, ROWS)
    client.force_login(moderator)
    url = f"/c/{council.slug}/consultations/{questionnaire.consultation_id}/questionnaire/results/"
    mode = questionnaire.questions.first()

    page = client.get(url)
    refused = client.get(url, {"question": mode.pk, "by": "zone"})

    assert page.status_code == 200
    assert "10 people answered." in page.content.decode()
    assert [key for key, _label in page.context["breakdown_choices"]] == [f"question:{mode.pk}", f"question:{questionnaire.questions.last().pk}"]
    assert refused.status_code == 400
    assert refused.context["breakdown"] is None


# -- the segment condition


def test_a_segment_targets_those_who_answered_a_named_questionnaire_only(council, make_questionnaire, answered):
    named, anonymous = make_questionnaire(), make_questionnaire(anonymous=True)
    people = answered(named, ROWS[:2])
    answered(anonymous, ROWS[:3])

    def matched(questionnaire):
        rule = {"field": "answered_questionnaire", "op": "in", "value": [questionnaire.pk]}
        return set(User.objects.filter(compile_rule(council, rule)).values_list("pk", flat=True))

    assert matched(named) == {p.pk for p in people}
    assert matched(anonymous) == set()


def test_rankings_score_points_and_mean_ranks_and_matrices_count_per_row():
    ranking = Question(pk=1, kind=Question.Kind.RANKING, options="Parc\nÉcole\nMarché")
    matrix = Question(pk=2, kind=Question.Kind.MATRIX, options="Oui\nNon", rows="Propreté\nSécurité")

    ranked = _question_result(ranking, [["École", "Parc", "Marché"], ["École", "Marché", "Parc"], ["Parc", "École", "Marché"]], with_texts=False)
    counted = _question_result(matrix, [{"Propreté": "Oui", "Sécurité": "Non"}, {"Propreté": "Oui"}, "ancienne réponse"], with_texts=False)

    assert [(b["label"], b["count"], b["mean_rank"]) for b in ranked["bars"]] == [("École", 8, 1.33), ("Parc", 6, 2.0), ("Marché", 4, 2.67)]
    assert counted["answered"] == 2
    assert counted["matrix"] == [{"row": "Propreté", "counts": [2, 0]}, {"row": "Sécurité", "counts": [0, 1]}]
