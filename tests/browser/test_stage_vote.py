"""A binding vote cast on the meeting's stage: a facilitator opens it from the meeting's Votes tab,
a resident votes from the ballot card by keyboard, keeps the receipt and finds it in the published list; the facilitator's count
follows. On a laptop and on a phone; axe finds nothing, whatever the impact, in each state. With two
votes open at once (a motion and an appointment), each has its own card, ballot, receipt and count.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from council.councils.models import Role
from council.voting.ballots import services
from council.voting.ballots.box import TRACKER
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import PendingBallot
from council.voting.ballots.services import VoteDraft
from tests.browser.axe import assert_axe_clean
from tests.browser.keyboard import assert_focus_visible
from tests.browser.keyboard import chord
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until
from tests.browser.page import BOX
from tests.browser.page import PHONE
from tests.browser.page import text
from tests.browser.page import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def step_from_the_meeting(driver, vote, label, then):
    """Press the vote's step button in the room's Votes tab, by keyboard; the next step takes its place."""
    driver.find_element(By.ID, "tab-votes").click()
    button_id = f"meeting-vote-{vote.pk}-step"
    button = wait(driver, lambda d: d.find_element(By.ID, button_id), f"no step button for {label}")
    assert button.text == label
    button.send_keys(Keys.ENTER)
    if then is None:
        wait(driver, lambda d: not d.find_elements(By.ID, button_id), f"{label} did not act")
        return
    wait(driver, lambda d: d.find_element(By.ID, button_id).text == then, f"{label} did not act")
    assert driver.switch_to.active_element.get_attribute("id") == button_id  # the focus stays on the step


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_a_resident_votes_on_the_stage_by_keyboard_and_finds_the_receipt(
    browser, meeting, ui, viewport
):
    council, room, path = meeting["council"], meeting["room"], meeting["path"]
    chair, marc = meeting["facilitator"], meeting["member"]
    draft = VoteDraft(
        title="Jardin partagé",
        method="majority_simple",
        text="Faut-il ouvrir le jardin le dimanche ?",
        room_id=room.pk,
    )
    vote = services.vote_create(actor=chair, council=council, draft=draft)
    services.vote_freeze(actor=chair, vote_id=vote.pk)  # the facilitator and both members
    facilitator, resident = browser(), browser()
    if viewport == "phone":
        resident.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)

    ui.enter_room(facilitator, chair, path)
    ui.enter_room(resident, marc, path)
    assert not resident.find_elements(By.ID, f"ballot-card-{vote.pk}")

    # The facilitator opens the vote from the meeting; it comes onto every stage of the meeting.
    step_from_the_meeting(facilitator, vote, "Open the vote", then="Close and count")
    assert_axe_clean(facilitator, "facilitator: the Votes tab with the vote open")
    for driver, who in ((resident, "resident"), (facilitator, "facilitator")):
        wait(
            driver,
            lambda d: d.find_element(By.ID, f"ballot-card-{vote.pk}").is_displayed(),
            f"no ballot card on the {who}'s stage",
        )
        wait(
            driver,
            lambda d: text(d, f"ballot-card-{vote.pk}-participation") == "0 of 3 have voted",
            f"no participation for the {who}",
        )
    assert "A vote is open: Jardin partagé" in text(resident, "ballot-card-announcer")
    assert_axe_clean(resident, f"{viewport}: the ballot card, folded")

    # By keyboard: Tab to "Vote now", Enter; the focus is on the first option; Space picks it.
    tab_until(resident, lambda f: f["id"] == f"ballot-card-{vote.pk}-toggle", limit=60)
    focused = press(resident, Keys.ENTER)
    assert focused["id"] == f"ballot-{vote.pk}-choice-for"
    wait(
        resident,
        lambda d: d.find_element(By.ID, f"ballot-card-{vote.pk}-cast").is_displayed(),
        "the ballot did not unfold",
    )
    assert "Faut-il ouvrir le jardin" in text(resident, f"ballot-card-{vote.pk}-text")
    if viewport == "phone":
        for element in resident.find_elements(
            By.CSS_SELECTOR, f"#ballot-card-{vote.pk}-body button:not([hidden]), #ballot-card-{vote.pk}-fields label"
        ):
            if element.is_displayed():
                width, height = resident.execute_script(BOX, element)
                assert min(width, height) >= 44, f"{element.text!r} is {width}x{height} px"
    assert_axe_clean(resident, f"{viewport}: the ballot unfolded")
    press(resident, Keys.SPACE)
    tab_until(resident, lambda f: f["id"] == f"ballot-card-{vote.pk}-cast")
    press(resident, Keys.ENTER)

    # The confirmation says what is cast; confirming gives the focus back, then to the receipt.
    wait(
        resident,
        lambda d: d.find_element(By.ID, "ballot-confirm").is_displayed(),
        "no confirmation",
    )
    assert "Cast this ballot? For." in text(resident, "ballot-confirm-text")
    assert_axe_clean(resident, f"{viewport}: the confirmation")
    tab_until(resident, lambda f: f["id"] == "ballot-confirm-yes", limit=5)
    press(resident, Keys.ENTER)
    wait(
        resident,
        lambda d: d.find_element(By.ID, f"ballot-card-{vote.pk}-receipt").is_displayed(),
        "no receipt",
    )
    receipt = text(resident, f"ballot-card-{vote.pk}-tracker").strip()
    assert TRACKER.match(receipt)
    assert resident.switch_to.active_element.get_attribute("id") == f"ballot-card-{vote.pk}-receipt-heading"
    assert not resident.find_element(By.ID, f"ballot-card-{vote.pk}-form").is_displayed()
    assert "Your ballot is in the ballot box" in text(resident, "ballot-card-announcer")
    assert_axe_clean(resident, f"{viewport}: the receipt")

    # The facilitator's count follows (coalesced); they see no ballot.
    wait(
        facilitator,
        lambda d: text(d, f"ballot-card-{vote.pk}-participation") == "1 of 3 has voted",
        "the count did not follow",
    )
    assert_axe_clean(facilitator, "facilitator: the count after one vote")

    # Closed and published: the receipt's link finds the ballot in the published list.
    step_from_the_meeting(facilitator, vote, "Close and count", then="Publish the results and the ballots")
    step_from_the_meeting(facilitator, vote, "Publish the results and the ballots", then=None)
    wait(
        resident,
        lambda d: "The vote is closed" in text(d, "ballot-card-announcer"),
        "the closing was not announced",
    )
    link = resident.find_element(By.ID, f"ballot-card-{vote.pk}-ballots")
    assert link.get_attribute("href").endswith(f"/votes/{vote.pk}/ballots/?tracker={receipt}")
    link.send_keys(Keys.ENTER)
    found = wait(
        resident,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[role=status].found"),
        "the list did not open",
    )
    assert "Your ballot is in the box, at position 1." in found[0].text
    assert_axe_clean(resident, f"{viewport}: the published list")
    assert list(BoxEntry.objects.filter(vote=vote).values_list("tracker", "content")) == [
        (receipt, {"choice": "for"})
    ]


def test_someone_outside_the_electorate_sees_why_instead_of_buttons(browser, meeting, ui):
    council, room, path = meeting["council"], meeting["room"], meeting["path"]
    chair = meeting["facilitator"]
    draft = VoteDraft(
        title="Bancs du square",
        method="approval",
        options=[("a", "Bancs"), ("b", "Tables")],
        room_id=room.pk,
    )
    vote = services.vote_create(actor=chair, council=council, draft=draft)
    services.vote_freeze(actor=chair, vote_id=vote.pk)
    services.vote_open(actor=chair, vote_id=vote.pk)
    late = ui.make_person(council, "nina@example.org", "Nina Nouvelle", Role.MEMBER)
    page = browser()

    ui.enter_room(page, late, path)
    wait(page, lambda d: d.find_element(By.ID, f"ballot-card-{vote.pk}").is_displayed(), "no ballot card")
    page.find_element(By.ID, f"ballot-card-{vote.pk}-toggle").click()
    wait(page, lambda d: d.find_element(By.ID, f"ballot-card-{vote.pk}-why").is_displayed(), "no reason")

    assert "You are not in this vote's electorate" in text(page, f"ballot-card-{vote.pk}-why")
    assert not page.find_element(By.ID, f"ballot-card-{vote.pk}-form").is_displayed()
    assert_axe_clean(page, "not an elector")


def shift_tab_until(driver, element_id, limit=30):
    """Press Shift+Tab until the focus is on `element_id` (each stop's focus visible)."""
    for _ in range(limit):
        focused = chord(driver, Keys.SHIFT, Keys.TAB)
        assert_focus_visible(focused)
        if focused["id"] == element_id:
            return
    raise AssertionError(f"Shift+Tab never reached {element_id}")


def labelled_by(driver, element_id):
    """The text of what labels the element (its aria-labelledby)."""
    node = driver.find_element(By.ID, element_id)
    return " ".join(text(driver, ref) for ref in node.get_attribute("aria-labelledby").split())


def test_two_votes_open_at_once_each_have_their_card_by_keyboard(browser, meeting, ui):
    council, room, path = meeting["council"], meeting["room"], meeting["path"]
    chair, marc = meeting["facilitator"], meeting["member"]
    motion = services.vote_create(
        actor=chair, council=council,
        draft=VoteDraft(title="Jardin partagé", method="majority_simple", room_id=room.pk),
    )
    appointment = services.vote_create(
        actor=chair, council=council,
        draft=VoteDraft(
            title="Trésorier du conseil", method="majority_simple", appointment=True, room_id=room.pk,
            options=[("alice", "Alice Martin"), ("bruno", "Bruno Petit")],
        ),
    )
    for vote in (motion, appointment):
        services.vote_freeze(actor=chair, vote_id=vote.pk)
    services.vote_open(actor=chair, vote_id=motion.pk)
    facilitator, resident = browser(), browser()
    ui.enter_room(facilitator, chair, path)
    ui.enter_room(resident, marc, path)
    first, second = f"ballot-card-{motion.pk}", f"ballot-card-{appointment.pk}"
    wait(resident, lambda d: d.find_element(By.ID, first).is_displayed(), "no card for the motion")
    assert text(resident, "ballot-card-announcer") == ""  # open on arrival: not news

    # The appointment opens too: a second card, announced once, the first one untouched.
    step_from_the_meeting(facilitator, appointment, "Open the vote", then="Close and count")
    wait(resident, lambda d: d.find_element(By.ID, second).is_displayed(), "no card for the appointment")
    wait(
        resident,
        lambda d: text(d, "ballot-card-announcer") == "A vote is open: Trésorier du conseil",
        "the second vote's opening was not announced",
    )
    cards = resident.find_elements(By.CSS_SELECTOR, "#ballot-cards > .ballot-card")
    assert [card.get_attribute("id") for card in cards] == [first, second]
    assert (labelled_by(resident, first), labelled_by(resident, second)) == ("Jardin partagé", "Trésorier du conseil")
    for card_id in (first, second):
        assert text(resident, f"{card_id}-participation") == "0 of 3 have voted"
    assert_axe_clean(resident, "two vote cards, folded")

    # By keyboard, in the second card: its own ballot, its own confirmation, its own receipt.
    tab_until(resident, lambda f: f["id"] == f"{second}-toggle", limit=60)
    focused = press(resident, Keys.ENTER)
    assert focused["id"] == f"ballot-{appointment.pk}-choice-alice"
    assert not resident.find_element(By.ID, f"{first}-body").is_displayed()
    assert_axe_clean(resident, "the appointment's ballot unfolded")
    press(resident, Keys.SPACE)
    tab_until(resident, lambda f: f["id"] == f"{second}-cast")
    press(resident, Keys.ENTER)
    wait(resident, lambda d: d.find_element(By.ID, "ballot-confirm").is_displayed(), "no confirmation")
    assert text(resident, "ballot-confirm-text").startswith("Trésorier du conseil — Cast this ballot? Alice Martin.")
    tab_until(resident, lambda f: f["id"] == "ballot-confirm-yes", limit=5)
    press(resident, Keys.ENTER)
    wait(resident, lambda d: d.find_element(By.ID, f"{second}-receipt").is_displayed(), "no receipt")
    assert resident.switch_to.active_element.get_attribute("id") == f"{second}-receipt-heading"
    second_receipt = text(resident, f"{second}-tracker").strip()
    assert TRACKER.match(second_receipt)
    assert not resident.find_elements(By.CSS_SELECTOR, f"#{first}-receipt:not([hidden])")
    assert text(resident, f"{first}-toggle") == "Vote now"  # the motion still waits for a ballot

    # Then the motion, from its own card: the appointment's ballot folds away.
    shift_tab_until(resident, f"{first}-toggle")
    focused = press(resident, Keys.ENTER)
    assert focused["id"] == f"ballot-{motion.pk}-choice-for"
    assert not resident.find_element(By.ID, f"{second}-body").is_displayed()
    press(resident, Keys.SPACE)
    tab_until(resident, lambda f: f["id"] == f"{first}-cast")
    press(resident, Keys.ENTER)
    wait(resident, lambda d: d.find_element(By.ID, "ballot-confirm").is_displayed(), "no confirmation")
    assert text(resident, "ballot-confirm-text").startswith("Jardin partagé — Cast this ballot? For.")
    tab_until(resident, lambda f: f["id"] == "ballot-confirm-yes", limit=5)
    press(resident, Keys.ENTER)
    wait(resident, lambda d: d.find_element(By.ID, f"{first}-receipt").is_displayed(), "no receipt for the motion")
    first_receipt = text(resident, f"{first}-tracker").strip()
    assert TRACKER.match(first_receipt)
    assert first_receipt != second_receipt
    assert_axe_clean(resident, "two receipts")

    # Each count follows its own vote on the facilitator's stage.
    for card_id in (first, second):
        wait(
            facilitator,
            lambda d, card_id=card_id: text(d, f"{card_id}-participation") == "1 of 3 has voted",
            f"the count of {card_id} did not follow",
        )
    assert_axe_clean(facilitator, "facilitator: two cards with their counts")
    assert {
        (vote_id, content["choice"])
        for vote_id, content in BoxEntry.objects.filter(vote__in=[motion, appointment]).values_list("vote_id", "content")
    } | {
        (vote_id, content["choice"])
        for vote_id, content in PendingBallot.objects.filter(vote__in=[motion, appointment]).values_list("vote_id", "content")
    } == {(motion.pk, "for"), (appointment.pk, "alice")}
