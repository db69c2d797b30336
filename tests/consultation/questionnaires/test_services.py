"""Answering a questionnaire: in its phase, once, by the consultation's participants; anonymity."""

import pytest
from django.db import connection

from council.consultation.questionnaires.answers import AnswersInvalid
from council.consultation.questionnaires.models import Participation
from council.consultation.questionnaires.models import Response
from council.consultation.questionnaires.services import AlreadyAnswered
from council.consultation.questionnaires.services import questionnaire_answer
from council.core.errors import AccessDenied
from council.groups.models import NeighbourhoodGroup
from tests.consultation.questionnaires.conftest import raw_for

pytestmark = pytest.mark.django_db


def answer(questionnaire, actor, mode="Bus", line="12", satisfaction="4"):
    questionnaire_answer(actor=actor, questionnaire_id=questionnaire.pk, raw=raw_for(questionnaire, mode, line, satisfaction))


def test_a_resident_answers_once(make_questionnaire, resident):
    questionnaire = make_questionnaire()
    first, second, third = questionnaire.questions.all()

    answer(questionnaire, resident)
    with pytest.raises(AlreadyAnswered) as again:
        answer(questionnaire, resident, mode="Vélo")

    stored = Response.objects.get(questionnaire=questionnaire)
    assert (stored.respondent, stored.answers) == (resident, {str(first.pk): "Bus", str(second.pk): "12", str(third.pk): 4})
    assert again.value.message == "You have already answered this questionnaire: one answer per person."
    assert Participation.objects.filter(questionnaire=questionnaire, user=resident).count() == 1


def test_the_answer_of_a_hidden_question_is_not_stored(make_questionnaire, resident):
    questionnaire = make_questionnaire()

    answer(questionnaire, resident, mode="Vélo", line="12", satisfaction="")

    assert list(Response.objects.values_list("answers", flat=True)) == [{str(questionnaire.questions.first().pk): "Vélo"}]


def test_faulty_answers_store_nothing(make_questionnaire, resident):
    questionnaire = make_questionnaire()
    second = questionnaire.questions.all()[1]

    with pytest.raises(AnswersInvalid) as refused:
        answer(questionnaire, resident, mode="Bus", line="")

    assert refused.value.errors == {second.pk: "This question requires an answer."}
    assert (Response.objects.count(), Participation.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("phase", "reason"),
    [("contributions", "The questionnaire opens on"), ("results", "The questionnaire is closed.")],
)
def test_outside_its_phase_the_refusal_says_why(make_questionnaire, resident, phase, reason):
    questionnaire = make_questionnaire(phase=phase)

    with pytest.raises(AccessDenied) as refused:
        answer(questionnaire, resident)

    assert refused.value.message.startswith(reason)
    assert Participation.objects.count() == 0


def test_only_the_eligible_groups_answer(council, make_questionnaire, resident, user_with_role):
    group = NeighbourhoodGroup.objects.create(council=council, name="Riverains")
    questionnaire = make_questionnaire(groups=[group])

    with pytest.raises(AccessDenied) as refused:
        answer(questionnaire, resident)
    with pytest.raises(AccessDenied):
        answer(questionnaire, user_with_role("outsider", council))

    assert refused.value.message == "This consultation is open only to these groups: Riverains."


def test_a_draft_questionnaire_answers_as_missing(make_questionnaire, resident):
    questionnaire = make_questionnaire(published=False)

    with pytest.raises(AccessDenied) as refused:
        answer(questionnaire, resident)

    assert refused.value.perm == "consultation.view_consultation"


# -- anonymity


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        return {
            column.name: column.type_code
            for column in connection.introspection.get_table_description(cursor, table)
        }


def test_anonymous_answers_and_participations_share_nothing_that_joins_them(make_questionnaire, council, user_with_role):
    questionnaire = make_questionnaire(anonymous=True)
    people = [user_with_role("resident", council) for _ in range(3)]
    for person, mode in zip(people, ("Vélo", "Bus", "Voiture"), strict=True):
        answer(questionnaire, person, mode=mode)

    # The schema: the answers name no person and no time; the participations hold no answer and no
    # time; both keys are random UUIDs; the only column they share is the questionnaire's.
    responses, participations = _columns(Response._meta.db_table), _columns(Participation._meta.db_table)
    assert set(responses) == {"id", "questionnaire_id", "respondent_id", "answers"}
    assert set(participations) == {"id", "questionnaire_id", "user_id"}
    assert set(responses) & set(participations) == {"id", "questionnaire_id"}
    for model in (Response, Participation):
        assert model._meta.pk.get_internal_type() == "UUIDField"
        assert not [f.name for f in model._meta.fields if f.get_internal_type() in ("DateTimeField", "DateField", "AutoField", "BigAutoField")]
    # The rows: no answer names its author, the keys are not shared, and neither is in arrival order.
    rows = list(Response.objects.filter(questionnaire=questionnaire).values("id", "respondent_id"))
    marks = list(Participation.objects.filter(questionnaire=questionnaire).values_list("id", "user_id"))
    assert [row["respondent_id"] for row in rows] == [None, None, None]
    assert {user for _id, user in marks} == {p.pk for p in people}
    assert {row["id"] for row in rows}.isdisjoint({mark for mark, _user in marks})
    assert all(row["id"].version == 4 for row in rows)
    assert all(mark.version == 4 for mark, _user in marks)


def test_an_anonymous_answer_cannot_be_answered_twice_either(make_questionnaire, resident):
    questionnaire = make_questionnaire(anonymous=True)
    answer(questionnaire, resident)

    with pytest.raises(AlreadyAnswered):
        answer(questionnaire, resident)

    assert Response.objects.count() == 1


def test_deleting_an_account_keeps_anonymous_answers_and_removes_named_ones(make_questionnaire, resident, council, user_with_role):
    anonymous, named = make_questionnaire(anonymous=True), make_questionnaire()
    answer(anonymous, resident)
    answer(named, resident)

    resident.delete()

    assert list(Response.objects.values_list("questionnaire_id", "respondent_id")) == [(anonymous.pk, None)]
    assert Participation.objects.count() == 0
