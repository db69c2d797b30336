"""A consultation with a questionnaire: a choice, a question shown on one of its answers, a scale."""

import pytest

from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire

Kind = Question.Kind


@pytest.fixture
def make_questionnaire(make_consultation):
    """Return a maker: `make_questionnaire(phase="questionnaire", anonymous=False, public=False, groups=())`."""

    def make(*, phase="questionnaire", anonymous=False, public=False, groups=(), published=True):
        consultation = make_consultation(phase=phase, groups=groups, published=published)
        questionnaire = Questionnaire.objects.create(
            consultation=consultation, title="Vos déplacements", is_anonymous=anonymous, results_public=public
        )
        mode = Question.objects.create(
            questionnaire=questionnaire, position=1, kind=Kind.SINGLE, text="Comment venez-vous ?",
            options="Vélo\nBus\nVoiture", required=True,
        )
        Question.objects.create(
            questionnaire=questionnaire, position=2, kind=Kind.SHORT_TEXT, text="Quelle ligne ?", required=True,
            show_if=mode, show_if_value="Bus",
        )
        Question.objects.create(questionnaire=questionnaire, position=3, kind=Kind.SCALE, text="Satisfaction", scale_max=5)
        return questionnaire

    return make


def raw_for(questionnaire, mode, line="", satisfaction=""):
    first, second, third = questionnaire.questions.all()
    return {first.pk: mode, second.pk: line, third.pk: satisfaction}


@pytest.fixture
def client(client):
    """Pages in English here: the assertions read the English texts."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
