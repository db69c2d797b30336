"""Questionnaire results, live: a facilitator's results page redraws its counts and the breakdown
shown as answers come in (cells under 5 stay hidden) and the pie its reader chose, then the facilitator brings the results onto
the meeting's stage, where new answers refresh them; axe finds nothing in either state. A results
page hides its results when its reader's right goes, and has them again when it comes back.

The answers are stored by this process and their results sent through the server's Redis channel
layer, as another server process would."""

from datetime import timedelta

import pytest
from channels.layers import channel_layers
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from council.consultation.models import Consultation
from council.consultation.models import Phase
from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.services import questionnaire_answer
from council.councils.models import Role
from council.councils.services import role_grant
from tests.browser.axe import assert_axe_clean
from tests.browser.conftest import _redis_url
from tests.browser.page import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15


@pytest.fixture
def server_layer(settings):
    """This process sends on the server's channel layer, at once (no coalescing interval)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [_redis_url()]}}}
    settings.QUESTIONNAIRE_RESULTS_COALESCE_SECONDS = 0
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_results_update_live_on_the_page_and_on_the_stage(browser, ui, meeting, server_layer):
    council, facilitator = meeting["council"], meeting["facilitator"]
    consultation = Consultation.objects.create(council=council, title="La rue de l'école", is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="questionnaire", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    questionnaire = Questionnaire.objects.create(consultation=consultation, title="Vos trajets")
    mode = Question.objects.create(questionnaire=questionnaire, position=1, kind="single", text="How do you come?", options="Bike\nBus")
    liking = Question.objects.create(questionnaire=questionnaire, position=2, kind="single", text="Do you like the street?", options="Yes\nNo")
    count = iter(range(100))

    def answer(choice: str, times: int) -> None:
        for _ in range(times):
            n = next(count)
            person = ui.make_person(council, f"r{n}@example.org", f"Résident {n}", Role.RESIDENT)
            questionnaire_answer(actor=person, questionnaire_id=questionnaire.pk, raw={mode.pk: choice, liking.pk: "Yes"})

    answer("Bike", 5)
    driver = browser()
    results = f"/c/{council.slug}/consultations/{consultation.pk}/questionnaire/results/"
    ui.log_in(driver, facilitator, results)
    driver.get(f"{ui.url}{results}?question={mode.pk}&by=question:{liking.pk}")
    root = driver.find_element(By.ID, "questionnaire-results")
    WebDriverWait(driver, WAIT).until(lambda d: root.get_attribute("data-synced"), message="the results page never connected")

    def cells(selector: str) -> list[list[str]]:
        return [[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in driver.find_elements(By.CSS_SELECTOR, selector)]

    # Yes: 5 bikes, no bus: the empty cell hidden, and the other, which the total would give away
    assert cells("#breakdown tbody tr") == [["Yes", "5", "hidden", "hidden"], ["No", "fewer than 5", "hidden", "hidden"]]
    driver.find_element(By.CSS_SELECTOR, f'[data-question="{mode.pk}"] [data-chart-switch] input[value=pie]').click()
    answer("Bus", 6)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "respondents").text == "11 people answered.")
    pie = driver.find_element(By.CSS_SELECTOR, f'[data-question="{mode.pk}"] [data-pie-chart]')
    assert pie.find_element(By.TAG_NAME, "svg").get_attribute("aria-label") == "Pie chart: Bike 45.5 %, Bus 54.5 %"
    assert [n.text for n in pie.find_elements(By.CSS_SELECTOR, "text")] == ["1", "2"]  # redrawn live, numbered
    assert cells(f'[data-question="{mode.pk}"] [data-bars] tr') == [["Bike", "5", "45.5 %"], ["Bus", "6", "54.5 %"]]
    assert cells("#breakdown tbody tr") == [["Yes", "11", "5", "6"], ["No", "fewer than 5", "hidden", "hidden"]]
    assert driver.find_element(By.ID, "results-live").text == "Results updated. 11 people answered."
    assert_axe_clean(driver, "the results page, updated live")

    driver.get(f"{ui.url}{meeting['path']}")
    ui.wait_synced(driver, facilitator)
    ui.show_tab(driver, "consultation-stage")
    Select(driver.find_element(By.ID, "consultation-results-choice")).select_by_value(str(questionnaire.pk))
    driver.find_element(By.ID, "consultation-results-show").click()
    stage = WebDriverWait(driver, WAIT).until(lambda d: (s := d.find_element(By.ID, "consultation-results-stage")).is_displayed() and s)
    assert stage.find_element(By.TAG_NAME, "h2").text == "Vos trajets"
    assert [h.text for h in stage.find_elements(By.TAG_NAME, "h3")] == ["1. How do you come?", "2. Do you like the street?"]
    answer("Bus", 1)
    meta = driver.find_element(By.ID, "consultation-results-meta")
    WebDriverWait(driver, WAIT).until(lambda d: "12 people answered." in meta.text, message=meta.text)
    assert cells("#consultation-results-stage tbody tr") == [["Bike", "5", "41.7 %"], ["Bus", "7", "58.3 %"], ["Yes", "12", "100.0 %"], ["No", "0", "0.0 %"]]
    assert_axe_clean(driver, "the meeting with the results on its stage")


def test_the_results_page_hides_its_results_when_the_right_goes_and_shows_them_when_it_comes_back(browser, ui, meeting, server_layer):
    council, facilitator = meeting["council"], meeting["facilitator"]
    consultation = Consultation.objects.create(council=council, title="La rue de l'école", is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="questionnaire", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    questionnaire = Questionnaire.objects.create(consultation=consultation, title="Vos trajets")
    Question.objects.create(questionnaire=questionnaire, position=1, kind="single", text="How do you come?", options="Bike\nBus")
    driver = browser()
    results = f"/c/{council.slug}/consultations/{consultation.pk}/questionnaire/results/"
    ui.log_in(driver, facilitator, results)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "questionnaire-results").get_attribute("data-synced"))

    role_grant(actor=None, council=council, user=facilitator, role=Role.MEMBER)  # no longer runs the council's meetings
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.ID, "results-withdrawn").text == "You may no longer read these results: they are hidden.",
        message="the results stayed on the page",
    )
    shown_after = [part.is_displayed() for part in driver.find_elements(By.CSS_SELECTOR, "[data-results]")]
    assert_axe_clean(driver, "the results page, withdrawn")
    role_grant(actor=None, council=council, user=facilitator, role=Role.FACILITATOR)
    wait(  # the page reloads: the elements read may be replaced meanwhile
        driver,
        lambda d: d.find_element(By.ID, "questionnaire-results").is_displayed() and not d.find_element(By.ID, "results-withdrawn").text,
        "the results never came back",
    )

    assert shown_after == [False, False]  # the results and the breakdown form
