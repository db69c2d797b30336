"""Breakout workshops in real browsers (headless Chromium, fake camera and microphone).

A facilitator prepares two workshops on the room page, puts two members in them by hand and
opens them: each member's page moves into its workshop (heading, chat, video), hears a
message sent to every workshop, and comes back to the plenary when the workshops close, with
the video call following both ways. A second test does the facilitator's part with the
keyboard alone.
"""

import json
import os
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from council.workshops import services
from council.workshops.models import Assignment
from council.workshops.models import WorkshopSession
from tests.browser.axe import describe
from tests.browser.axe import serious_violations
from tests.browser.keyboard import FOCUSED
from tests.browser.keyboard import assert_focus_visible
from tests.browser.keyboard import press
from tests.browser.keyboard import tab_until
from tests.browser.video_ui import join_with_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 30  # moves, ICE, DTLS and the first keyframe on a loaded two-core machine
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"

# Counters of the subscribe connection's inbound video and of the publish connection's outbound
# video: {"in": {ssrc: framesDecoded}, "out": framesEncoded}.
MEDIA_COUNTERS = """
const done = arguments[arguments.length - 1];
const v = window.councilVideo;
const read = (pc) => (pc ? pc.getStats() : Promise.resolve(new Map()));
Promise.all([read(v.subscribe), read(v.publish)]).then(([sub, pub]) => {
  const counters = {in: {}, out: 0};
  sub.forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "video") counters.in[s.ssrc] = s.framesDecoded || 0; });
  pub.forEach((s) => { if (s.type === "outbound-rtp" && s.kind === "video") counters.out += s.framesEncoded || 0; });
  done(counters);
}).catch((e) => done({error: String(e)}));
"""

PAGE_STATE = """
const v = window.councilVideo;
const pc = (p) => p && `${p.connectionState}/${p.signalingState}`;
return JSON.stringify({
  room: document.getElementById("room").dataset.roomId, videoRoom: v.roomId, mode: v.mode,
  status: document.getElementById("video-status").textContent,
  alert: document.getElementById("video-alert").textContent + document.getElementById("room-alert").textContent,
  publish: pc(v.publish), subscribe: pc(v.subscribe),
  tiles: [...document.querySelectorAll("#video-tiles video")].map((e) => e.ariaLabel),
});
"""


@pytest.fixture
def server_env() -> dict[str, str]:
    """The media worker runs inside Daphne and offers loopback ICE candidates only."""
    return {"MEDIA_EMBEDDED_WORKER": "true", "MEDIA_TEST_LOOPBACK": "1"}


def text_of(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).get_attribute("textContent")


def wait_until(driver, condition, message: str, timeout: float = WAIT):
    try:
        # Lists are drawn again on every change of the session: an element may go stale.
        wait = WebDriverWait(driver, timeout, poll_frequency=0.25)
        return wait.until(condition)
    except TimeoutException:
        pytest.fail(f"{message}; page: {driver.execute_script(PAGE_STATE)}")


def wait_in_room(driver, room_id: int, who: str) -> None:
    wait_until(
        driver,
        lambda d: d.find_element(By.ID, "room").get_attribute("data-room-id") == str(room_id),
        f"{who}'s page never moved to room {room_id}",
    )


def media_counters(driver) -> dict:
    counters = driver.execute_async_script(MEDIA_COUNTERS)
    assert "error" not in counters, counters
    return counters


def wait_in_call_of(driver, room_id: int, who: str, strings: dict) -> None:
    """The page is in this room's call: publishing (connected, frames encoded), status says so."""
    wait_until(
        driver,
        lambda d: (
            d.execute_script("return window.councilVideo.roomId") == room_id
            and d.execute_script("return window.councilVideo.publish?.connectionState") == "connected"
            # Alone in a workshop's call, the subscribe connection has nothing to carry yet.
            and d.execute_script("return window.councilVideo.subscribe?.signalingState") == "stable"
            and text_of(d, "video-status") == strings["video_joined"]
        ),
        f"{who} is not in the call of room {room_id}",
    )
    first = media_counters(driver)["out"]
    wait_until(
        driver,
        lambda d: media_counters(d)["out"] >= first + 20,
        f"{who} does not send video in room {room_id}",
    )


def wait_decoding_each_other(pages: dict) -> None:
    """Each page decodes one video (the other's), and keeps decoding."""
    for who, driver in pages.items():
        start: dict = {}

        def started(d, start=start):
            live = {ssrc: n for ssrc, n in media_counters(d)["in"].items() if n > 0}
            start.update(live)
            return len(live) >= 1

        wait_until(driver, started, f"{who} decodes no video")
        wait_until(
            driver,
            lambda d, start=start: all(media_counters(d)["in"].get(s, 0) >= n + 20 for s, n in start.items()),
            f"{who}'s decoding stopped",
        )


def card(driver, name: str):
    for item in driver.find_elements(By.CSS_SELECTOR, "#workshops-overview .workshop-card"):
        if item.find_element(By.CSS_SELECTOR, "h4").text == name:
            return item
    return None


def card_lists(driver, name: str, person: str) -> bool:
    found = card(driver, name)
    return found is not None and person in [li.text for li in found.find_elements(By.CSS_SELECTOR, "li")]


def chat_texts(driver) -> list[str]:
    return [e.get_attribute("textContent") for e in driver.find_elements(By.CSS_SELECTOR, "#chat-log .text")]


def send_chat(driver, text: str) -> None:
    driver.find_element(By.ID, "chat-input").send_keys(text)
    driver.find_element(By.ID, "chat-send").click()


def assert_accessible(driver, who: str) -> None:
    violations = serious_violations(driver)
    assert not violations, f"{who}:\n" + describe(violations)


def screenshot(driver, name: str, element_id: str) -> None:
    """Save a 1280x900 view of the page scrolled to an element, for the README.

    Only when COUNCIL_SCREENSHOTS is set: a test run must not change the working tree.
    """
    if not os.environ.get("COUNCIL_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        driver.execute_script(
            "window.scrollTo(0, document.getElementById(arguments[0]).getBoundingClientRect().top + window.scrollY - 12)",
            element_id,
        )
        time.sleep(0.3)
        driver.save_screenshot(str(SCREENSHOTS / name))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_script("window.scrollTo(0, 0)")


def test_members_follow_their_workshop_and_come_back(browser, video_browser, ui, meeting):
    path, plenary = meeting["path"], meeting["room"]
    marc, lea, fatou = meeting["member"], meeting["other_member"], meeting["facilitator"]

    # Both members are in the plenary's video call before the workshops open.
    marc_page = video_browser()
    ui.enter_room(marc_page, marc, path)
    join_with_video(marc_page)
    lea_page = video_browser()
    ui.enter_room(lea_page, lea, path)
    join_with_video(lea_page)
    members = {"Marc": marc_page, "Léa": lea_page}
    boss = browser()
    ui.enter_room(boss, fatou, path)
    ui.show_tab(boss, "workshops")  # the facilitator's panel is a tab
    strings = ui.strings(boss)
    for page in members.values():
        assert not page.find_element(By.ID, "workshops").is_displayed(), "no session yet: nothing to show"

    # The facilitator prepares two workshops through the page.
    boss.find_element(By.ID, "workshops-prepare-toggle").click()
    assert boss.find_element(By.ID, "workshops-prepare-toggle").get_attribute("aria-expanded") == "true"
    assert boss.switch_to.active_element == boss.find_element(By.ID, "workshops-title")
    assert_accessible(boss, "facilitator's form for new workshops")
    title = boss.find_element(By.ID, "workshops-title")
    title.clear()
    title.send_keys("Ateliers du 3 décembre")
    boss.find_element(By.ID, "workshops-specs").send_keys(
        "Mobilité; Comment rendre la rue plus sûre ?; 6\nJardins partagés; Quel jardin pour le quartier ?"
    )
    boss.find_element(By.ID, "workshops-create").click()
    wait_until(boss, lambda d: card(d, "Jardins partagés"), "the two workshops never showed")
    session = WorkshopSession.objects.get(room=plenary)
    mobility, gardens = session.workshops.order_by("position")
    assert (mobility.name, mobility.topic, mobility.capacity) == ("Mobilité", "Comment rendre la rue plus sûre ?", 6)
    assert (gardens.name, gardens.capacity) == ("Jardins partagés", None)
    assert not boss.find_element(By.ID, "workshops-create-form").is_displayed()

    # Then puts each member in a workshop by hand, with the labelled select of each person.
    marc_select = boss.find_element(By.ID, f"workshops-assign-{marc.pk}")
    assert marc_select.get_attribute("aria-label") == strings["workshops_assign_label"].replace(
        "%(name)s", marc.public_name
    )
    Select(marc_select).select_by_visible_text("Mobilité")
    wait_until(boss, lambda d: card_lists(d, "Mobilité", marc.public_name), "Marc is not shown in Mobilité")
    Select(boss.find_element(By.ID, f"workshops-assign-{lea.pk}")).select_by_visible_text("Jardins partagés")
    wait_until(boss, lambda d: card_lists(d, "Jardins partagés", lea.public_name), "Léa is not shown in Jardins")
    assert dict(Assignment.objects.filter(session=session).values_list("user_id", "workshop_id")) == {
        marc.pk: mobility.pk,
        lea.pk: gardens.pk,
    }
    # Each member is told where they will go; neither sees the other's assignment.
    wait_until(marc_page, lambda d: "Mobilité" in text_of(d, "workshops-assigned"), "Marc was not told his workshop")
    wait_until(lea_page, lambda d: "Jardins partagés" in text_of(d, "workshops-assigned"), "Léa was not told hers")
    assert "Jardins" not in marc_page.find_element(By.ID, "workshops").text
    assert_accessible(boss, "facilitator's view with the workshops prepared")

    # Open: each member's page moves into its workshop, the facilitator stays in the plenary.
    boss.find_element(By.ID, "workshops-open").click()
    places = ((marc_page, "Marc", mobility), (lea_page, "Léa", gardens))
    for page, who, workshop in places:
        wait_in_room(page, workshop.room_id, who)
        heading = page.find_element(By.ID, "room-heading")
        assert heading.text == f"{workshop.name} — {plenary.name}"
        wait_until(
            page,
            lambda d, w=workshop: text_of(d, "room-announcer") == strings["moved_in"].replace("%(name)s", w.name),
            f"{who} was not told they are in {workshop.name}",
        )
        assert page.switch_to.active_element == heading, "the focus goes to the new heading"
        banner = page.find_element(By.ID, "workshops-current")
        assert banner.is_displayed()
        assert workshop.name in banner.find_element(By.ID, "workshops-current-heading").text
        assert strings["workshops_time_left"].split("%")[0] in text_of(page, "workshops-countdown")
        assert page.find_element(By.ID, "workshops-help").is_displayed()
        assert page.find_element(By.ID, "workshops-more-time").is_displayed()
    assert marc_page.find_element(By.ID, "workshops-current-topic").text == "Comment rendre la rue plus sûre ?"
    assert boss.find_element(By.ID, "room").get_attribute("data-room-id") == str(plenary.pk)
    wait_until(boss, lambda d: d.find_element(By.ID, "workshops-running-block").is_displayed(), "no running controls")

    # The chat of a workshop stays in it.
    send_chat(marc_page, "Piste cyclable rue des Lilas")
    ui.wait_for_message(marc_page, "Piste cyclable rue des Lilas")
    send_chat(lea_page, "Un composteur collectif")
    ui.wait_for_message(lea_page, "Un composteur collectif")
    time.sleep(1)  # anything that leaked would have arrived by now
    assert chat_texts(marc_page) == ["Piste cyclable rue des Lilas"]
    assert chat_texts(lea_page) == ["Un composteur collectif"]
    assert chat_texts(boss) == []

    # The video call followed each member into their workshop: they publish there, and each
    # sees only their own tile (the other member is in another workshop's call).
    for page, who, workshop in places:
        wait_in_call_of(page, workshop.room_id, who, strings)
        assert len(page.find_elements(By.CSS_SELECTOR, "#video-tiles li")) == 1, page.execute_script(PAGE_STATE)
    assert_accessible(marc_page, "member's view inside a workshop, in the call")

    # A message to every workshop is shown in both, as an alert.
    boss.find_element(By.ID, "workshops-broadcast-text").send_keys("Encore dix minutes, pensez au compte rendu.")
    boss.find_element(By.ID, "workshops-broadcast-send").click()
    for page, who, _ in places:
        wait_until(
            page,
            lambda d: "Encore dix minutes, pensez au compte rendu." in text_of(d, "workshops-broadcast"),
            f"{who} did not see the message to every workshop",
        )
        assert page.find_element(By.ID, "workshops-broadcast").get_attribute("role") == "alert"

    # Marc asks for help: the facilitator is alerted, with a way to go to the workshop.
    marc_page.find_element(By.ID, "workshops-help").click()
    wait_until(
        marc_page,
        lambda d: text_of(d, "workshops-current-status") == strings["workshops_help_sent"],
        "Marc was not told the facilitators know",
    )
    asked = strings["workshops_help_requested"].replace("%(name)s", marc.public_name).replace("%(workshop)s", "Mobilité")
    wait_until(boss, lambda d: text_of(d, "workshops-requests-alert") == asked, "the facilitator was not alerted")
    request = boss.find_element(By.CSS_SELECTOR, "#workshops-requests li")
    assert asked in request.text
    go = strings["workshops_go_to"].replace("%(workshop)s", "Mobilité")
    assert request.find_element(By.XPATH, f".//button[normalize-space()={json.dumps(go, ensure_ascii=False)}]").is_displayed()

    # Pictures for the README: the facilitator's panel with the workshops running, a member's page.
    screenshot(boss, "workshops-facilitator.png", "workshops")
    screenshot(marc_page, "workshops-member.png", "room-heading")

    answered = strings["workshops_answered"].replace("%(workshop)s", "Mobilité")
    request.find_element(By.XPATH, f".//button[normalize-space()={json.dumps(answered, ensure_ascii=False)}]").click()
    wait_until(boss, lambda d: not d.find_element(By.ID, "workshops-requests").is_displayed(), "the request stayed")

    # Closing with a short countdown brings both members back to the plenary.
    grace = boss.find_element(By.ID, "workshops-grace")
    grace.clear()
    grace.send_keys("4")
    boss.find_element(By.ID, "workshops-close").click()
    boss.find_element(By.CSS_SELECTOR, "#confirm-dialog button[value=confirm]").click()
    for page, who, _ in places:
        wait_until(
            page,
            lambda d: strings["workshops_closing_in"].split("%")[0] in text_of(d, "workshops-closing"),
            f"{who} saw no countdown before the return",
            timeout=10,
        )
    for page, who, _ in places:
        wait_in_room(page, plenary.pk, who)
        assert page.find_element(By.ID, "room-heading").text == plenary.name
        wait_until(page, lambda d: text_of(d, "room-announcer") == strings["moved_back"], f"{who} was not told")
        assert not page.find_element(By.ID, "workshops-current").is_displayed()
        assert chat_texts(page) == [], "the plenary's chat, not the workshop's"
    assert WorkshopSession.objects.get(pk=session.pk).effective_status() == "closed"

    # And the call came back with them: in the plenary they see and decode each other again.
    for page, who, _ in places:
        wait_in_call_of(page, plenary.pk, who, strings)
    wait_decoding_each_other(members)
    for page in members.values():
        assert len(page.find_elements(By.CSS_SELECTOR, "#video-tiles li")) == 2


# -- the keyboard alone

PANEL_TABS = 120  # the facilitator's panel has many more stops than the room alone


def test_facilitator_assigns_and_opens_with_the_keyboard_alone(browser, ui, meeting):
    path, plenary = meeting["path"], meeting["room"]
    marc, fatou = meeting["member"], meeting["facilitator"]
    session = services.session_create(
        actor=fatou,
        room_id=plenary.pk,
        title="Ateliers",
        workshops=[{"name": "Mobilité"}, {"name": "Jardins partagés"}],
        mode="manual",
    )
    mobility = session.workshops.get(name="Mobilité")
    member_page = browser()
    ui.enter_room(member_page, marc, path)
    boss = browser()
    ui.enter_room(boss, fatou, path)
    ui.show_tab(boss, "workshops")  # the facilitator's panel is a tab
    select_id = f"workshops-assign-{marc.pk}"
    wait_until(boss, lambda d: d.find_elements(By.ID, select_id), "no select for Marc")

    # Tab to Marc's select; the arrow key picks the first workshop.
    tab_until(boss, lambda f: f["id"] == select_id, limit=PANEL_TABS)
    press(boss, Keys.ARROW_DOWN)
    wait_until(boss, lambda d: card_lists(d, "Mobilité", marc.public_name), "Marc was not assigned by keyboard")
    assert Assignment.objects.get(session=session, user=marc).workshop_id == mobility.pk
    focused = boss.execute_script(FOCUSED)
    assert focused["id"] == select_id, f"the select keeps the focus when the session changes: {focused}"

    # On to the Open button, Enter: the member moves; the focus stays in the panel, visible.
    tab_until(boss, lambda f: f["id"] == "workshops-open", limit=PANEL_TABS)
    press(boss, Keys.ENTER)
    wait_in_room(member_page, mobility.room_id, "Marc")
    wait_until(
        boss,
        lambda d: d.execute_script(FOCUSED)["id"] not in ("", "workshops-open"),
        "the focus was lost when the Open button went away",
    )
    focused = boss.execute_script(FOCUSED)
    assert focused["id"] == "workshops-heading", focused
    assert_focus_visible(focused)

    # The session log opens in a dialog and the focus comes back to its button on Escape.
    tab_until(boss, lambda f: f["id"] == "workshops-log-open", limit=PANEL_TABS)
    press(boss, Keys.ENTER)
    dialog = boss.find_element(By.ID, "workshops-log-dialog")
    wait_until(boss, lambda d: dialog.get_attribute("open") is not None, "the log did not open")
    assert boss.execute_script("return arguments[0].contains(document.activeElement)", dialog)
    assert marc.public_name in dialog.text, "the log says who went where"
    press(boss, Keys.ESCAPE)
    wait_until(boss, lambda d: dialog.get_attribute("open") is None, "the log did not close")
    focused = boss.execute_script(FOCUSED)
    assert focused["id"] == "workshops-log-open", focused
    assert_focus_visible(focused)


# -- the rest of the facilitator's panel


def button_named(driver, container_id: str, label: str):
    found = [
        b
        for b in driver.find_elements(By.CSS_SELECTOR, f"#{container_id} button")
        if b.text.strip() == label and b.is_displayed()
    ]
    return found[0] if found else None


def test_facilitator_draws_imports_extends_visits_listens_and_reopens(browser, ui, meeting):
    path, plenary, council = meeting["path"], meeting["room"], meeting["council"]
    marc, lea, fatou = meeting["member"], meeting["other_member"], meeting["facilitator"]
    council.workshops_allow_listening_in = True
    council.save()
    session = services.session_create(
        actor=fatou,
        room_id=plenary.pk,
        title="Ateliers",
        workshops=[{"name": "Nord"}, {"name": "Sud"}],
        mode="random",
        duration_seconds=20 * 60,
    )
    south = session.workshops.get(name="Sud")
    pages = {}
    for person in (marc, lea):
        pages[person.pk] = browser()
        ui.enter_room(pages[person.pk], person, path)
    boss = browser()
    ui.enter_room(boss, fatou, path)
    ui.show_tab(boss, "workshops")  # the facilitator's panel is a tab
    strings = ui.strings(boss)

    # A draw at random places both members and says with which published seed.
    boss.find_element(By.ID, "workshops-draw-random").click()
    wait_until(boss, lambda d: "2" in text_of(d, "workshops-run-status"), "no result of the draw")
    session.refresh_from_db()
    assert session.seed in text_of(boss, "workshops-run-status")
    assert session.seed in text_of(boss, "workshops-seed")
    assert Assignment.objects.filter(session=session).count() == 2

    # A list moves Marc to Sud; an unknown address is reported, not silently dropped.
    boss.find_element(By.CSS_SELECTOR, "#workshops .workshops-import summary").click()
    boss.find_element(By.ID, "workshops-csv").send_keys("marc@example.org,Sud\ninconnu@example.org,Nord")
    boss.find_element(By.ID, "workshops-import").click()
    wait_until(boss, lambda d: "inconnu@example.org" in text_of(d, "workshops-import-errors"), "no import error")
    assert boss.find_element(By.ID, "workshops-import-errors").get_attribute("role") == "alert"
    assert Assignment.objects.get(session=session, user=marc).workshop_id == south.pk
    lea_workshop = Assignment.objects.get(session=session, user=lea).workshop

    # Open; five more minutes for everyone.
    boss.find_element(By.ID, "workshops-open").click()
    wait_in_room(pages[marc.pk], south.room_id, "Marc")
    wait_in_room(pages[lea.pk], lea_workshop.room_id, "Léa")
    ends_at = WorkshopSession.objects.get(pk=session.pk).ends_at
    boss.find_element(By.ID, "workshops-extend").click()
    wait_until(boss, lambda d: WorkshopSession.objects.get(pk=session.pk).ends_at > ends_at, "the time was not extended")
    left = WorkshopSession.objects.get(pk=session.pk).ends_at - ends_at
    assert 280 < left.total_seconds() < 320
    wait_until(boss, lambda d: "24:" in text_of(d, "workshops-time-left"), "the facilitator's clock did not follow")
    wait_until(pages[marc.pk], lambda d: "24:" in text_of(d, "workshops-countdown"), "Marc's clock did not follow")

    # Léa asks for more time: the facilitator can give it from the alert.
    pages[lea.pk].find_element(By.ID, "workshops-more-time").click()
    give = strings["workshops_give_more_time"].replace("%(workshop)s", lea_workshop.name)
    wait_until(boss, lambda d: button_named(d, "workshops-requests", give), "no more-time request shown")

    # Everyone in a workshop is told that facilitators may listen in (the council allows it).
    assert pages[marc.pk].find_element(By.ID, "workshops-listening-notice").is_displayed()

    # Visit Sud: the facilitator's page moves there, is seen, and comes back by itself.
    button_named(boss, "workshops-overview", strings["workshops_visit"].replace("%(name)s", "Sud")).click()
    wait_in_room(boss, south.room_id, "Fatou")
    assert boss.find_element(By.ID, "room-heading").text == f"Sud — {plenary.name}"
    wait_until(pages[marc.pk], lambda d: fatou.public_name in text_of(d, "presence-list"), "Marc does not see Fatou")
    boss.find_element(By.ID, "workshops-return").click()
    wait_in_room(boss, plenary.pk, "Fatou")

    # Listening in: in the workshop, but not in its participants' list.
    listen = strings["workshops_listen_in"].replace("%(name)s", "Sud")
    wait_until(boss, lambda d: button_named(d, "workshops-overview", listen), "no Listen in button")
    button_named(boss, "workshops-overview", listen).click()
    wait_in_room(boss, south.room_id, "Fatou")
    wait_until(
        boss,
        lambda d: text_of(d, "room-announcer") == strings["moved_listening"].replace("%(name)s", "Sud"),
        "Fatou was not told she listens in",
    )
    time.sleep(1.5)  # presence summaries are coalesced; one naming Fatou would have come by now
    assert fatou.public_name not in text_of(pages[marc.pk], "presence-list")
    # Marc, and Léa when the draw put her in Sud too: never Fatou.
    assert text_of(pages[marc.pk], "presence-count") == ("2" if lea_workshop.pk == south.pk else "1")
    boss.find_element(By.ID, "workshops-return").click()
    wait_in_room(boss, plenary.pk, "Fatou")

    # Close at once, then reopen with the same people: they go back to the same workshops.
    grace = boss.find_element(By.ID, "workshops-grace")
    grace.clear()
    grace.send_keys("0")
    boss.find_element(By.ID, "workshops-close").click()
    boss.find_element(By.CSS_SELECTOR, "#confirm-dialog button[value=confirm]").click()
    wait_in_room(pages[marc.pk], plenary.pk, "Marc")
    wait_until(boss, lambda d: d.find_element(By.ID, "workshops-reopen").is_displayed(), "no Reopen button")
    boss.find_element(By.ID, "workshops-reopen").click()
    wait_in_room(pages[marc.pk], south.room_id, "Marc")
    wait_in_room(pages[lea.pk], lea_workshop.room_id, "Léa")
    boss.find_element(By.ID, "workshops-close").click()
    boss.find_element(By.CSS_SELECTOR, "#confirm-dialog button[value=confirm]").click()
    wait_in_room(pages[lea.pk], plenary.pk, "Léa")

    # Duplicate for the next meeting, keeping who goes where: a new session in preparation.
    wait_until(boss, lambda d: d.find_element(By.ID, "workshops-duplicate").is_displayed(), "no Duplicate button")
    boss.find_element(By.ID, "workshops-duplicate-keep").click()
    boss.find_element(By.ID, "workshops-duplicate").click()
    wait_until(
        boss,
        lambda d: strings["workshops_status_draft"] in text_of(d, "workshops-summary"),
        "the copy is not shown",
    )
    copy = WorkshopSession.objects.exclude(pk=session.pk).get(room=plenary)
    assert copy.status == "draft"
    assert Assignment.objects.filter(session=copy).count() == 2
    assert boss.find_element(By.ID, "workshops-open").is_displayed()
