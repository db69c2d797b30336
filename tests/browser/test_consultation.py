"""A consultation in two browsers: a resident submits an idea, a visitor without an account sees it
appear on the open page without reload; a moderator's official answer reaches an open page and
the notifications of the author, who follows the idea; axe finds nothing on the consultation's pages; the
placed ideas are on a map reachable by keyboard, and all of them in its text alternative; a new placed
idea reaches the open map live; a moderator reads the statistics, and a questionnaire's results as a
pie, the choice kept, axe finding nothing on either."""

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from council.consultation import services
from council.consultation.models import Category
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Phase
from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.models import Response
from council.councils.models import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until
from tests.browser.page import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15
IDEA = "Un composteur partagé dans la cour de l'école"


def test_a_resident_submits_an_idea_and_a_visitor_sees_it_appear(browser, ui, meeting):
    council = meeting["council"]
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    consultation = Consultation.objects.create(council=council, title="La cour de l'école", is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="contributions", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    path = f"/c/{council.slug}/consultations/{consultation.pk}/"

    visitor = browser()
    visitor.get(f"{ui.url}{path}")
    WebDriverWait(visitor, WAIT).until(lambda d: d.execute_script("return document.getElementById('contributions').dataset.synced === '1'"))
    assert_axe_clean(visitor, "the consultation's page, for a visitor")

    author = browser()
    ui.log_in(author, resident, path)
    assert_axe_clean(author, "the consultation's page, with the submit form")
    author.find_element(By.ID, "id_title").send_keys(IDEA)
    author.find_element(By.ID, "id_body").send_keys("Pour les épluchures de la cantine.\nEt un panneau.")
    author.find_element(By.CSS_SELECTOR, ".contribution-form button[type=submit]").click()
    WebDriverWait(author, WAIT).until(lambda d: "/contributions/" in d.current_url)
    assert_axe_clean(author, "the new contribution's page")

    WebDriverWait(visitor, WAIT).until(
        lambda d: IDEA in d.find_element(By.ID, "contributions").text, message="the idea never appeared for the visitor"
    )
    assert IDEA in visitor.find_element(By.ID, "consultation-live").get_attribute("textContent")
    assert visitor.find_element(By.ID, "no-contribution").is_displayed() is False
    assert_axe_clean(visitor, "the consultation's page, after the live update")


def test_a_moderator_answers_an_open_contribution_page_shows_it_and_the_follower_is_notified(browser, ui, meeting):
    council, moderator = meeting["council"], meeting["facilitator"]
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    consultation = Consultation.objects.create(council=council, title="La cour de l'école", is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="contributions", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    contribution = services.contribution_submit(actor=resident, consultation_id=consultation.pk, title=IDEA, body="Pour la cantine.")
    services.comment_post(actor=resident, contribution_id=contribution.pk, body="J'en parle aux parents.")
    path = f"/c/{council.slug}/consultations/{consultation.pk}/contributions/{contribution.pk}/"

    reader = browser()
    ui.log_in(reader, resident, path)
    WebDriverWait(reader, WAIT).until(lambda d: d.find_element(By.ID, "contribution").get_attribute("data-synced") == "1")
    assert_axe_clean(reader, "a contribution's page, for its author")

    official = browser()
    ui.log_in(official, moderator, path)
    assert_axe_clean(official, "a contribution's page, with the moderation forms")
    official.find_element(By.ID, "moderate-answer").send_keys("La mairie installe le composteur en janvier.")
    official.find_element(By.CSS_SELECTOR, "form[action$='/moderate/answer/'] button[type=submit]").click()
    wait(  # the form's page reloads after the answer: the element read may be replaced meanwhile
        official, lambda d: "La mairie installe" in d.find_element(By.CSS_SELECTOR, "[data-answer-text]").text,
        "the moderator's page never showed the answer",
    )

    wait(
        reader,
        lambda d: "La mairie installe le composteur en janvier." in d.find_element(By.CSS_SELECTOR, "[data-answer-text]").text,
        "the answer never reached the open page",
    )
    assert reader.find_element(By.CSS_SELECTOR, "[data-answer]").is_displayed()
    assert_axe_clean(reader, "a contribution's page, after the live answer")

    # its author follows it: the answer waits among their notifications, with a link to it
    reader.get(f"{ui.url}/c/{council.slug}/notifications/")
    wait(
        reader, lambda d: "La mairie installe le composteur en janvier." in d.find_element(By.TAG_NAME, "main").text,
        "the follower was not notified of the answer",
    )
    assert reader.find_elements(By.CSS_SELECTOR, f'main a[href="{path}"]')


def test_a_visitor_finds_the_placed_ideas_on_the_map_by_keyboard_and_all_of_them_in_the_list(browser, ui, meeting):
    council = meeting["council"]
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    consultation = Consultation.objects.create(council=council, title="La cour de l'école", is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="contributions", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))

    def idea(title, **place):
        return services.contribution_submit(actor=resident, consultation_id=consultation.pk, title=title, body="Pour tous.", **place)

    compost = idea(IDEA, latitude=45.7640, longitude=4.8357)
    idea("Une fontaine devant le préau", latitude=45.7652, longitude=4.8370)
    idea("Plus de jeux partout")  # no place: only in the list
    path = f"/c/{council.slug}/consultations/{consultation.pk}/map/"

    visitor = browser()
    visitor.get(f"{ui.url}{path}")
    wait(visitor, lambda d: d.find_element(By.ID, "contribution-map-block").is_displayed(), message="the map never showed")
    markers = visitor.find_elements(By.CSS_SELECTOR, "#contribution-map .leaflet-marker-icon")
    listed = [item.text for item in visitor.find_elements(By.CSS_SELECTOR, "#contribution-places li")]
    assert sorted(m.get_attribute("alt") for m in markers) == sorted([IDEA, "Une fontaine devant le préau"])
    assert [text.split(":")[0] for text in listed] == ["Plus de jeux partout", "Une fontaine devant le préau", IDEA]
    assert listed[0].endswith("no place given")
    assert "latitude 45.76400; longitude 4.83570" in listed[2]
    assert_axe_clean(visitor, "the map of a consultation's contributions")

    def on_compost(focused):
        return "leaflet-marker-icon" in focused["cls"] and visitor.switch_to.active_element.get_attribute("alt") == IDEA

    tab_until(visitor, on_compost)
    wait(visitor, lambda d: IDEA in d.find_element(By.CSS_SELECTOR, "#contribution-map .leaflet-tooltip").text,
         message="the marker's tooltip did not open on focus")
    in_popup = press(visitor, Keys.ENTER)
    link = visitor.switch_to.active_element
    assert (in_popup["tag"], in_popup["text"]) == ("a", IDEA[:40])  # the focus is on the popup's link
    assert link.get_attribute("href").endswith(f"/contributions/{compost.pk}/")
    back = press(visitor, Keys.ESCAPE)
    assert "leaflet-marker-icon" in back["cls"]  # Escape gives the focus back: the map holds no one
    tab_until(visitor, lambda focused: focused["tag"] == "a" and focused["text"] == "Plus de jeux partout")

    visitor.get(f"{ui.url}{path}")  # from the top again, and follow the popup's link
    wait(visitor, lambda d: d.find_elements(By.CSS_SELECTOR, "#contribution-map .leaflet-marker-icon"), message="no marker")
    tab_until(visitor, on_compost)
    press(visitor, Keys.ENTER)
    press(visitor, Keys.ENTER)
    wait(visitor, lambda d: d.current_url.endswith(f"/contributions/{compost.pk}/"), message="the popup's link led nowhere")

    visitor.get(f"{ui.url}{path}")  # a new idea with a place reaches the open map live, and its list
    wait(visitor, lambda d: d.find_element(By.ID, "contribution-places").get_attribute("data-synced") == "1", message="no socket")
    author = browser()  # through the server (its socket), as a resident does
    ui.log_in(author, resident, f"/c/{council.slug}/consultations/{consultation.pk}/")
    for field, value in (("id_title", "Un banc sous le tilleul"), ("id_body", "À l'ombre."), ("id_latitude", "45.7645"), ("id_longitude", "4.84")):
        author.find_element(By.ID, field).send_keys(value)
    author.find_element(By.CSS_SELECTOR, ".contribution-form button[type=submit]").click()
    wait(
        visitor,
        lambda d: "Un banc sous le tilleul" in [m.get_attribute("alt") for m in d.find_elements(By.CSS_SELECTOR, "#contribution-map .leaflet-marker-icon")],
        message="the new idea never reached the map",
    )
    assert visitor.find_element(By.CSS_SELECTOR, "#contribution-places li").text.startswith("Un banc sous le tilleul")


def test_a_moderator_reads_the_statistics_and_a_questionnaires_results_as_a_pie(browser, ui, meeting):
    council, moderator = meeting["council"], meeting["facilitator"]
    consultation = Consultation.objects.create(council=council, title="La rue de l'école", is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="questionnaire", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    category = Category.objects.create(consultation=consultation, name="Mobilité")
    for person in (meeting["member"], meeting["other_member"]):
        Contribution.objects.create(consultation=consultation, author=person, title="Une piste cyclable", body="Texte", category=category)
    questionnaire = Questionnaire.objects.create(consultation=consultation, title="Vos trajets")
    mode = Question.objects.create(questionnaire=questionnaire, position=1, kind="single", text="Comment venez-vous ?", options="Vélo\nBus")
    Question.objects.create(questionnaire=questionnaire, position=2, kind="scale", text="Satisfaction", scale_max=5)
    for answer in ("Vélo", "Vélo", "Bus"):
        Response.objects.create(questionnaire=questionnaire, answers={str(mode.pk): answer})
    base = f"/c/{council.slug}/consultations/{consultation.pk}"

    official = browser()
    ui.log_in(official, moderator, f"{base}/")
    official.find_element(By.CSS_SELECTOR, f'a[href="{base}/statistics/"]').click()
    wait(official, lambda d: d.find_elements(By.ID, "statistics-totals"), "the statistics page never came")
    pies = official.find_elements(By.CSS_SELECTOR, ".result-pie svg[role=img]")
    assert "Mobilité" in pies[0].get_attribute("aria-label")
    assert_axe_clean(official, "a consultation's statistics")

    official.get(f"{ui.url}{base}/questionnaire/results/")
    pie_chart = official.find_element(By.CSS_SELECTOR, "[data-pie-chart]")
    assert pie_chart.is_displayed() is False  # bars first
    official.find_element(By.CSS_SELECTOR, "[data-chart-switch] input[value=pie]").click()
    assert pie_chart.is_displayed()
    assert not official.find_element(By.CSS_SELECTOR, "[data-chart]").is_displayed()
    label = pie_chart.find_element(By.CSS_SELECTOR, "svg").get_attribute("aria-label")
    assert label == "Pie chart: Vélo 66.7 %, Bus 33.3 %"
    assert official.find_element(By.CSS_SELECTOR, "svg[data-histogram]").get_attribute("role") == "img"
    assert_axe_clean(official, "a questionnaire's results, as a pie")
    official.refresh()  # the choice is the reader's, kept
    wait(official, lambda d: d.find_element(By.CSS_SELECTOR, "[data-pie-chart]").is_displayed(), "the pie was not kept")
