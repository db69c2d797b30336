"""The questionnaire's pages: the part on the consultation's page, the form, its refusals."""

import pytest

from council.consultation.questionnaires.models import Response

pytestmark = pytest.mark.django_db


def _urls(council, questionnaire):
    base = f"/c/{council.slug}/consultations/{questionnaire.consultation_id}/"
    return base, f"{base}questionnaire/"


def test_the_consultation_page_invites_an_eligible_resident_to_answer(client, council, make_questionnaire, resident):
    questionnaire = make_questionnaire()
    consultation_url, url = _urls(council, questionnaire)

    visitor_page = client.get(consultation_url).content.decode()
    client.force_login(resident)
    resident_page = client.get(consultation_url).content.decode()

    assert "Answer the questionnaire" not in visitor_page
    assert f'href="{url}">See the questionnaire' in visitor_page
    assert f'href="{url}">Answer the questionnaire' in resident_page


def test_a_blank_required_question_is_told_and_the_answers_are_kept(client, council, make_questionnaire, resident):
    questionnaire = make_questionnaire()
    mode, line, _scale = questionnaire.questions.all()
    _consultation_url, url = _urls(council, questionnaire)
    client.force_login(resident)

    refused = client.post(url, {f"q{mode.pk}": "Bus", f"q{line.pk}": ""})
    page = refused.content.decode()

    assert refused.status_code == 400
    assert 'role="alert" id="questionnaire-error">Some answers need correcting' in page
    assert f'<p class="field-error errorlist" id="q{line.pk}-error">This question requires an answer.</p>' in page
    assert 'value="Bus" checked' in page
    assert Response.objects.count() == 0


def test_answers_are_saved_and_the_page_then_thanks(client, council, make_questionnaire, resident):
    questionnaire = make_questionnaire()
    mode, line, scale = questionnaire.questions.all()
    _consultation_url, url = _urls(council, questionnaire)
    client.force_login(resident)

    sent = client.post(url, {f"q{mode.pk}": "Bus", f"q{line.pk}": "C3", f"q{scale.pk}": "4"})
    again = client.get(url).content.decode()

    assert (sent.status_code, sent["Location"]) == (302, url)
    assert "You have answered this questionnaire. Thank you." in again
    assert 'id="questionnaire-form"' not in again


def test_a_visitor_is_told_to_log_in_and_sent_to_log_in(client, council, make_questionnaire):
    questionnaire = make_questionnaire()
    _consultation_url, url = _urls(council, questionnaire)

    page = client.get(url).content.decode()
    sent = client.post(url, {})

    assert "Log in to answer." in page
    assert sent.status_code == 302
    assert sent["Location"].startswith("/accounts/login/")


def test_outside_the_phase_the_page_says_why_and_a_post_is_refused(client, council, make_questionnaire, resident):
    questionnaire = make_questionnaire(phase="results")
    mode = questionnaire.questions.first()
    _consultation_url, url = _urls(council, questionnaire)
    client.force_login(resident)

    page = client.get(url).content.decode()
    sent = client.post(url, {f"q{mode.pk}": "Bus"})

    assert "The questionnaire is closed." in page
    assert sent.status_code == 400
    assert "The questionnaire is closed." in sent.content.decode()
    assert Response.objects.count() == 0


def test_a_draft_questionnaire_is_not_found(client, council, make_questionnaire, resident):
    questionnaire = make_questionnaire(published=False)
    client.force_login(resident)

    assert client.get(_urls(council, questionnaire)[1]).status_code == 404
