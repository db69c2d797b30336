"""Polls tied to the meeting's agenda, in a real browser: a facilitator prepares a poll for an agenda
item (chosen in the form, by keyboard, with the verification answering requires, shown in the list
of prepared polls and on the stage), starts the item, and the stage offers to launch its polls;
once launched, the agenda lists the poll under its item, for everyone. Axe finds nothing in each state.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from council.voting.polls.models import Poll
from council.workshops import agenda
from tests.browser.axe import assert_axe_clean
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until
from tests.browser.page import text
from tests.browser.page import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start(driver, ui, item_id):
    """Start an agenda item from the Agenda tab (the server that runs the pages hears the command)."""
    ui.show_tab(driver, "agenda")
    selector = f"#agenda-items button[data-action='start'][data-target='{item_id}']"
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, selector), "no start button").send_keys(Keys.ENTER)


def test_a_poll_prepared_for_an_item_is_offered_on_the_stage_when_the_item_starts(browser, meeting, ui):
    room, path, chair, marc = meeting["room"], meeting["path"], meeting["facilitator"], meeting["member"]
    welcome = agenda.agenda_item_add(actor=chair, room_id=room.pk, title="Accueil")["item_id"]
    park = agenda.agenda_item_add(actor=chair, room_id=room.pk, title="Budget du parc")["item_id"]
    facilitator, resident = browser(), browser()
    ui.enter_room(facilitator, chair, path)
    ui.enter_room(resident, marc, path)

    # The form offers the agenda's items instead of the free label.
    ui.show_tab(facilitator, "polls")
    wait(facilitator, lambda d: d.find_element(By.ID, "polls-agenda-field").is_displayed(), "no agenda item field")
    assert not facilitator.find_element(By.ID, "polls-label-field").is_displayed()
    facilitator.find_element(By.ID, "polls-question").send_keys("Un banc près des jeux ?")
    facilitator.find_element(By.ID, "polls-kind").send_keys("Yes")  # "Yes / no / abstain", by keyboard
    facilitator.find_element(By.ID, "polls-agenda-item").send_keys("2")  # "2. Budget du parc"
    # Answering requires a code from the council (the requirement chooser, ticked by keyboard).
    facilitator.find_element(By.CSS_SELECTOR, "#polls-requirement input[value='code']").send_keys(Keys.SPACE)
    tab_until(facilitator, lambda f: f["id"] == "polls-create", limit=15)
    press(facilitator, Keys.ENTER)
    wait(
        facilitator,
        lambda d: "Budget du parc — Un banc près des jeux ?" in text(d, "polls-drafts"),
        "the poll was not prepared for the item",
    )
    poll = Poll.objects.get()
    assert (poll.agenda_item, poll.kind, poll.label) == (park, "yes_no", "")
    assert poll.verification_requirement == {"kinds": ["code"], "mode": "any"}
    # The list of prepared polls says what answering requires.
    assert "Required to answer: Code from the council" in text(facilitator, "polls-drafts")
    assert_axe_clean(facilitator, "facilitator, a poll prepared for an item")

    # Another item under way: nothing offered. Its item under way: offered on the stage.
    start(facilitator, ui, welcome)
    wait(facilitator, lambda d: "Accueil" in text(d, "agenda-now"), "the first item did not start")
    assert not facilitator.find_element(By.ID, "polls-offer").is_displayed()
    start(facilitator, ui, park)
    launch = wait(
        facilitator,
        lambda d: d.find_element(By.ID, "polls-offer").is_displayed()
        and d.find_element(By.CSS_SELECTOR, "#polls-offer-list button"),
        "the stage did not offer the item's poll",
    )
    assert text(facilitator, "polls-offer-item") == "Budget du parc"
    assert launch.text == "Launch the poll “Un banc près des jeux ?”"
    assert "Required to answer: Code from the council" in text(facilitator, "polls-offer-list")
    assert not resident.find_element(By.ID, "polls-offer").is_displayed()  # facilitators only
    assert_axe_clean(facilitator, "facilitator, the stage offers the item's poll")

    launch.send_keys(Keys.ENTER)
    wait(resident, lambda d: d.find_element(By.ID, "polls-card").is_displayed(), "the poll did not reach the resident")
    wait(facilitator, lambda d: not d.find_element(By.ID, "polls-offer").is_displayed(), "the offer stayed")
    assert facilitator.switch_to.active_element.get_attribute("id") == "polls-card-toggle"

    # The agenda lists the poll under its item, with its status, for everyone.
    ui.show_tab(resident, "agenda")
    attached = wait(
        resident,
        lambda d: d.find_element(By.CSS_SELECTOR, f"#agenda-items li[data-item-id='{park}'] .agenda-attached li"),
        "the agenda does not list the poll",
    )
    assert attached.text == "Poll: Un banc près des jeux ? (under way)"
    assert_axe_clean(resident, "resident, the agenda with the poll under its item")
