"""A binding vote in a sitting with a proxy, by keyboard only: the holder casts their own ballot and
then the grantor's, a different one, gets a receipt for each, and the minutes say it once counted."""

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from council.voting.assembly import services as assembly
from council.voting.ballots import services
from council.voting.ballots.box import TRACKER
from council.voting.ballots.models import Participation
from council.voting.ballots.services import VoteDraft
from tests.browser.axe import describe
from tests.browser.axe import serious_violations
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_serious_violation(driver) -> None:
    violations = serious_violations(driver)
    assert not violations, "\n" + describe(violations)


def test_a_proxy_holder_votes_twice_worth_by_keyboard_and_the_minutes_say_so(browser, ui, meeting):
    council, room = meeting["council"], meeting["room"]
    official, holder, grantor = meeting["facilitator"], meeting["member"], meeting["other_member"]
    assembly.proxy_give(
        actor=grantor, council=council, holder_id=holder.pk, statement="Je donne pouvoir à Marc.",
        valid_until=timezone.now() + timedelta(days=2),
    )
    assembly.sitting_open(actor=official, room_id=room.pk)
    sitting = room.sittings.get()
    for person in (official, holder):  # 2 of 3 members in office: the quorum
        assembly.hall_sign_in(actor=official, sitting_id=sitting.pk, user_id=person.pk)
    vote = services.vote_create(
        actor=official, council=council,
        draft=VoteDraft(title="Jardin partagé", method="majority_absolute", secret=False, room_id=room.pk),
    )
    services.vote_freeze(actor=official, vote_id=vote.pk)
    services.vote_open(actor=official, vote_id=vote.pk)
    path = f"/c/{council.slug}/votes/{vote.pk}/"
    driver = browser()
    ui.log_in(driver, holder, path)
    wait = WebDriverWait(driver, 15)
    wait.until(lambda d: d.find_element(By.ID, "ballot-tracker").get_attribute("value"))
    _no_serious_violation(driver)

    tab_until(driver, lambda f: f["id"] == "choice-for")
    press(driver, Keys.SPACE)
    tab_until(driver, lambda f: f["tag"] == "button" and f["text"] == "Cast my vote")
    press(driver, Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.ID, "receipt"))
    own = driver.find_element(By.ID, "receipt").text.strip()
    assert TRACKER.match(own)

    tab_until(driver, lambda f: f["tag"] == "a" and f["text"] == "Back to the vote")
    press(driver, Keys.ENTER)  # the grantor's ballot is still offered, on its own
    wait.until(lambda d: d.find_elements(By.ID, f"grantor-{grantor.pk}-choice-against"))
    _no_serious_violation(driver)
    tab_until(driver, lambda f: f["id"] == f"grantor-{grantor.pk}-choice-for")  # the group's first radio
    press(driver, Keys.ARROW_DOWN)  # "against", not the holder's choice (arrows move within a radio group)
    assert driver.find_element(By.ID, f"grantor-{grantor.pk}-choice-against").is_selected()
    tab_until(driver, lambda f: f["tag"] == "button" and f["text"] == "Cast the ballot of Léa Lemaire")
    press(driver, Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.ID, "receipt"))
    _no_serious_violation(driver)
    theirs = driver.find_element(By.ID, "receipt").text.strip()
    assert TRACKER.match(theirs)
    assert theirs != own
    assert "Léa Lemaire" in driver.find_element(By.TAG_NAME, "main").text
    kinds = sorted(Participation.objects.filter(vote=vote).values_list("kind", flat=True))
    assert kinds == ["online", "proxy"]

    services.vote_close(actor=official, vote_id=vote.pk)
    services.vote_publish(actor=official, vote_id=vote.pk)
    driver.get(f"{ui.url}{path}minutes/")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "Fatou Facilitatrice" in main  # the president
    assert "Léa Lemaire (by proxy to Marc Membre)" in main  # the roll call of a vote by name
    ballots = {ballot["voter_name"]: ballot["content"] for ballot in vote.box.values("voter_name", "content")}
    assert ballots["Marc Membre"] == {"choice": "for"}
    assert ballots["Léa Lemaire (by proxy to Marc Membre)"] == {"choice": "against"}
    _no_serious_violation(driver)
    focused = tab_until(driver, lambda f: f["tag"] == "a" and f["text"] == "Download the minutes (ODT)")
    assert focused[-1]["visible"]
