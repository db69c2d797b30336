"""A questionnaire with a condition, filled by keyboard only: the conditional question appears
when the answer that shows it is chosen, is skipped otherwise, and a required one left blank is
told as an alert; axe finds nothing on the form, the refusal and the thank-you."""

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from council.consultation.models import Consultation
from council.consultation.models import Phase
from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.models import Response
from council.councils.models import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15


def test_a_resident_fills_a_conditional_questionnaire_by_keyboard(browser, ui, meeting):
    council = meeting["council"]
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    consultation = Consultation.objects.create(council=council, title="La rue de l'école", is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="questionnaire", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    questionnaire = Questionnaire.objects.create(consultation=consultation, title="Vos trajets", is_anonymous=True)
    mode = Question.objects.create(
        questionnaire=questionnaire, position=1, kind="single", text="How do you come?", options="Bike\nBus", required=True
    )
    line = Question.objects.create(
        questionnaire=questionnaire, position=2, kind="short_text", text="Which line?", required=True, show_if=mode, show_if_value="Bus"
    )
    path = f"/c/{council.slug}/consultations/{consultation.pk}/questionnaire/"

    driver = browser()
    ui.log_in(driver, resident, path)
    conditional = driver.find_element(By.ID, f"question-{line.pk}")
    WebDriverWait(driver, WAIT).until(lambda d: not conditional.is_displayed(), message="the conditional question stayed shown")
    assert_axe_clean(driver, "the questionnaire's form")

    # Tab to the first option, move to "Bus" with the arrow key: the line question appears.
    tab_until(driver, lambda f: f["id"] == f"q{mode.pk}-0")
    press(driver, Keys.ARROW_DOWN)
    WebDriverWait(driver, WAIT).until(lambda d: conditional.is_displayed())
    assert press(driver, Keys.TAB)["id"] == f"q{line.pk}"

    # Sent with the line left blank: refused, told as an alert, nothing stored.
    press(driver, Keys.TAB)
    press(driver, Keys.ENTER)
    alert = WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "questionnaire-error"))
    assert alert.get_attribute("role") == "alert"
    assert "This question requires an answer." in driver.find_element(By.ID, f"q{line.pk}-error").text
    assert Response.objects.count() == 0
    assert_axe_clean(driver, "the questionnaire, refused")

    # Bus was kept: the line question is shown; type it and send with Enter.
    assert driver.find_element(By.ID, f"q{mode.pk}-1").is_selected()
    tab_until(driver, lambda f: f["id"] == f"q{line.pk}")
    press(driver, "12")
    press(driver, Keys.ENTER)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "questionnaire-done"))
    assert_axe_clean(driver, "the questionnaire, answered")
    assert list(Response.objects.values_list("respondent_id", "answers")) == [(None, {str(mode.pk): "Bus", str(line.pk): "12"})]
