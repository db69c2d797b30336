"""Live Q&A in a meeting: a resident asks by keyboard alone, a facilitator approves and shows
the question, the projector page displays it; axe finds nothing serious on any of the three."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from council.councils.models import Role
from council.voting.questions import services
from council.voting.questions.models import Question
from tests.browser.axe import describe
from tests.browser.axe import serious_violations
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Quand la piste cyclable de la rue Voltaire sera-t-elle prolongée ?"
WAIT = 15


def assert_accessible(driver, who: str) -> None:
    violations = serious_violations(driver)
    assert not violations, f"{who}:\n" + describe(violations)


def panel_text(driver, list_id: str) -> str:
    return driver.find_element(By.ID, list_id).get_attribute("textContent")


def small_targets(driver) -> list[str]:
    """Buttons, links and fields of the Questions panel smaller than 44 by 44 CSS pixels."""
    return driver.execute_script(
        """
        return [...document.querySelectorAll('#questions button, #questions a, #questions textarea,'
                                             + ' #questions input[type=checkbox]')]
          .filter((el) => el.checkVisibility())
          .map((el) => [el, el.closest('.check') || el])
          .filter(([, box]) => { const r = box.getBoundingClientRect(); return r.width < 44 || r.height < 44; })
          .map(([el, box]) => (el.id || el.textContent.trim()) + ' ' + Math.round(box.getBoundingClientRect().width) + 'x' + Math.round(box.getBoundingClientRect().height));
        """
    )


def test_a_resident_asks_by_keyboard_and_the_question_reaches_the_projector(browser, ui, meeting):
    council, room, facilitator = meeting["council"], meeting["room"], meeting["facilitator"]
    resident = ui.make_person(council, "rosa@example.org", "Rosa Résidente", Role.RESIDENT)
    services.qa_configure(actor=facilitator, room_id=room.pk, moderated=True)

    # The resident, on a phone-sized screen, reaches the Questions tab and asks, keyboard only.
    asker = browser()
    asker.set_window_size(360, 740)
    ui.enter_room(asker, resident, meeting["path"])
    tab_until(asker, lambda f: f["id"] == "tab-chat" or f["id"].startswith("tab-"))
    focused = press(asker, Keys.HOME)
    visited = [focused["id"]]
    while focused["id"] != "tab-questions" and len(visited) < 12:  # arrows walk the tab list
        focused = press(asker, Keys.ARROW_RIGHT)
        visited.append(focused["id"])
    assert focused["id"] == "tab-questions", visited
    press(asker, Keys.ENTER)
    stops = tab_until(asker, lambda f: f["id"] == "questions-text")
    assert stops[-1]["tag"] == "textarea"
    press(asker, QUESTION)
    counter = asker.find_element(By.ID, "questions-count").text
    assert counter == f"{500 - len(QUESTION)} characters left"
    tab_until(asker, lambda f: f["id"] == "questions-ask")
    press(asker, Keys.ENTER)
    WebDriverWait(asker, WAIT).until(
        lambda d: "once the facilitation team approves it" in d.find_element(By.ID, "questions-status").text,
        message="the resident was not told their question waits for approval",
    )
    WebDriverWait(asker, WAIT).until(lambda d: QUESTION in panel_text(d, "questions-list"))
    assert "waiting for approval" in panel_text(asker, "questions-list")
    assert small_targets(asker) == []
    # axe at the desktop size: at 360 px it flags the room's own #video region (rooms, not the Q&A).
    asker.set_window_size(1280, 900)
    assert_accessible(asker, "the resident's Questions tab")

    # The facilitator approves it from the moderation queue, then shows it on the screen.
    moderator = browser()
    ui.enter_room(moderator, facilitator, meeting["path"])
    ui.show_tab(moderator, "questions")
    pending = WebDriverWait(moderator, WAIT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#questions-pending li"),
        message="the question never reached the moderation queue",
    )
    assert "Asked by Rosa Résidente" in pending.text
    assert_accessible(moderator, "the facilitator's Questions tab")
    pending.find_element(By.XPATH, ".//button[text()='Approve']").click()
    item = WebDriverWait(moderator, WAIT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#questions-list li"),
        message="the approved question is not in the list",
    )
    focused = moderator.execute_script("return document.activeElement.id")
    assert focused == "questions-pending"  # the approved item left the queue: the focus stays on it
    item.find_element(By.XPATH, ".//button[text()='Show on the screen']").click()
    WebDriverWait(moderator, WAIT).until(lambda d: d.find_element(By.ID, "questions-shown").text == QUESTION)

    # The resident sees it approved; the projector page shows it, large, and follows a change.
    WebDriverWait(asker, WAIT).until(lambda d: "on the screen" in panel_text(d, "questions-list"))
    projector = browser()
    ui.log_in(projector, meeting["other_member"], f"/c/{council.slug}/rooms/{room.pk}/questions/screen/")
    WebDriverWait(projector, WAIT).until(
        lambda d: d.find_element(By.ID, "screen-question").text == QUESTION,
        message="the projector does not show the question",
    )
    assert projector.find_element(By.ID, "screen-meta").text == "Rosa Résidente · 0 votes"
    assert_accessible(projector, "the projector page")
    asker.find_element(By.XPATH, "//ul[@id='questions-list']//button[text()='Support']").click()
    WebDriverWait(projector, WAIT).until(
        lambda d: d.find_element(By.ID, "screen-meta").text == "Rosa Résidente · 1 vote",
        message="the projector did not follow the upvote",
    )
    moderator.find_element(By.ID, "questions-unshow").click()
    WebDriverWait(projector, WAIT).until(lambda d: d.find_element(By.ID, "screen-nothing").is_displayed())

    # Hidden with a reason typed in the dialog (Enter confirms): gone for the resident, kept for the team.
    hide = moderator.find_element(By.XPATH, "//ul[@id='questions-list']//button[text()='Hide']")
    hide.click()
    WebDriverWait(moderator, WAIT).until(lambda d: d.find_element(By.ID, "questions-hide-reason").is_displayed())
    press(moderator, "Hors sujet pour cette séance", Keys.ENTER)
    WebDriverWait(asker, WAIT).until(lambda d: QUESTION not in panel_text(d, "questions-list"))
    WebDriverWait(moderator, WAIT).until(
        lambda d: "Hidden: Hors sujet pour cette séance" in panel_text(d, "questions-hidden")
    )
    assert moderator.execute_script("return document.activeElement.id") == "questions-list"
    question = Question.objects.get()
    assert (question.status, question.hidden_reason) == ("hidden", "Hors sujet pour cette séance")
