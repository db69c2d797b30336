"""The facilitator's workshop panel after the session is created, and participants who choose.

A facilitator renames a workshop with the keyboard, adds one, removes one, names a
co-facilitator, links a workshop to one of the council's groups, changes the session's
settings and finds its outputs page; removing a workshop that has met is refused with the
server's reason. A member in a session where participants choose picks a workshop within
its places. Each change is checked in the database and on the page, with the focus where
the person left it and axe-core on the panel.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from council.councils.models import Council
from council.councils.models import Role
from council.groups.models import NeighbourhoodGroup
from council.rooms.models import Room
from council.workshops import services
from council.workshops.models import Assignment
from council.workshops.models import LogEntry
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from tests.browser.conftest import make_person
from tests.browser.keyboard import FOCUSED
from tests.browser.keyboard import assert_focus_visible
from tests.browser.keyboard import press
from tests.browser.test_workshops import assert_accessible
from tests.browser.test_workshops import card
from tests.browser.test_workshops import text_of
from tests.browser.test_workshops import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def say(template: str, **values) -> str:
    """A string of room_strings() filled in as the page fills it."""
    for key, value in values.items():
        template = template.replace(f"%({key})s", str(value))
    return template


def focused(driver) -> dict:
    return driver.execute_script(FOCUSED)


def part(driver, workshop_name: str, selector: str):
    return card(driver, workshop_name).find_element(By.CSS_SELECTOR, selector)


def open_change(driver, workshop_name: str):
    """Open the card's "Change…" section with a click; return the section."""
    details = part(driver, workshop_name, ".workshop-edit")
    if details.get_attribute("open") is None:
        details.find_element(By.CSS_SELECTOR, "summary").click()
    return details


def confirm(driver) -> None:
    dialog = driver.find_element(By.ID, "confirm-dialog")
    wait_until(driver, lambda d: dialog.get_attribute("open") is not None, "no confirmation asked")
    dialog.find_element(By.CSS_SELECTOR, "button[value=confirm]").click()


def test_facilitator_renames_adds_removes_names_a_cofacilitator_and_links_a_group(browser, ui, meeting):
    path, plenary, council = meeting["path"], meeting["room"], meeting["council"]
    marc, lea, fatou = meeting["member"], meeting["other_member"], meeting["facilitator"]
    gardeners = NeighbourhoodGroup.objects.create(council=council, name="Jardin partagé")
    NeighbourhoodGroup.objects.create(council=council, name="Rue des Lilas")
    elsewhere = Council.objects.create(slug="sud", name="Conseil Sud")
    NeighbourhoodGroup.objects.create(council=elsewhere, name="Groupe d'ailleurs")
    session = services.session_create(
        actor=fatou,
        room_id=plenary.pk,
        title="Ateliers",
        workshops=[{"name": "Mobilité"}, {"name": "Jardins"}],
        mode="manual",
    )
    mobility, gardens = session.workshops.order_by("position")
    marc_page = browser()
    ui.enter_room(marc_page, marc, path)
    rose = make_person(council, "rose@example.org", "Rose Résidente", Role.RESIDENT)
    rose_page = browser()
    ui.enter_room(rose_page, rose, path)
    boss = browser()
    ui.enter_room(boss, fatou, path)
    ui.show_tab(boss, "workshops")  # the facilitator's panel is a tab
    strings = ui.strings(boss)
    wait_until(boss, lambda d: card(d, "Jardins"), "the workshops' cards never showed")

    # Rose, a resident, is here too, but only members may co-facilitate (the server refuses her).
    cofacilitator_select = f"workshops-cofacilitator-{mobility.pk}"

    def cofacilitator_options(d):
        return [o.text for o in Select(d.find_element(By.ID, cofacilitator_select)).options]

    wait_until(boss, lambda d: marc.public_name in cofacilitator_options(d), "Marc cannot be chosen")
    assert rose.public_name not in cofacilitator_options(boss)

    # Rename with the keyboard alone: Enter opens "Change Mobilité", Tab moves through the
    # fields, Enter in a field saves. The focus stays where it was when the card is redrawn.
    summary = part(boss, "Mobilité", ".workshop-edit summary")
    assert summary.text == say(strings["workshops_edit"], name="Mobilité")
    boss.execute_script("arguments[0].focus()", summary)
    press(boss, Keys.ENTER)
    assert part(boss, "Mobilité", ".workshop-edit").get_attribute("open") is not None
    name_id = f"workshops-edit-name-{mobility.pk}"
    now = press(boss, Keys.TAB)
    assert now["id"] == name_id, now
    assert_focus_visible(now)
    name_field = boss.find_element(By.ID, name_id)
    assert name_field.get_attribute("value") == "Mobilité"
    assert boss.find_element(By.CSS_SELECTOR, f"label[for={name_id}]").text == strings["workshops_name_label"]
    press(boss, Keys.END, " douce", Keys.TAB, "Comment circuler sans voiture ?", Keys.TAB, "5")
    capacity_id = f"workshops-edit-capacity-{mobility.pk}"
    assert focused(boss)["id"] == capacity_id
    press(boss, Keys.ENTER)
    wait_until(boss, lambda d: card(d, "Mobilité douce"), "the card was not renamed")
    mobility.refresh_from_db()
    assert (mobility.name, mobility.topic, mobility.capacity) == ("Mobilité douce", "Comment circuler sans voiture ?", 5)
    assert Room.objects.get(pk=mobility.room_id).name == "Mobilité douce", "its breakout room is renamed too"
    wait_until(
        boss,
        lambda d: text_of(d, "workshops-run-status") == say(strings["workshops_saved"], name="Mobilité douce"),
        "the save was not confirmed",
    )
    assert boss.find_element(By.ID, "workshops-run-status").get_attribute("role") == "status"
    now = focused(boss)
    assert now["id"] == capacity_id, f"the redrawn card kept the focus: {now}"
    assert_focus_visible(now)
    # the browsers read English, where 0 takes the plural ("0 of 5 places taken")
    assert part(boss, "Mobilité douce", ".workshop-count").text == say(
        strings["workshops_capacity"]["other"], size=0, capacity=5
    )
    assert part(boss, "Mobilité douce", ".workshops-topic").text == "Comment circuler sans voiture ?"

    # Typing in another card while the page redraws (Léa comes in): the text and focus stay.
    open_change(boss, "Jardins")
    gardens_name = boss.find_element(By.ID, f"workshops-edit-name-{gardens.pk}")
    gardens_name.send_keys(" et vergers")
    lea_page = rose_page  # Rose leaves, Léa comes in (three browsers at most)
    lea_page.get("about:blank")
    lea_page.execute_cdp_cmd("Network.clearBrowserCookies", {})
    ui.enter_room(lea_page, lea, path)
    wait_until(
        boss,
        lambda d: lea.public_name in cofacilitator_options(d),
        "Léa, who just came in, cannot be chosen as co-facilitator",
    )
    assert gardens_name.get_attribute("value") == "Jardins et vergers"
    assert focused(boss)["id"] == f"workshops-edit-name-{gardens.pk}"

    # Remove Jardins (in preparation): asked first; then gone from the page and the database.
    part(boss, "Jardins", ".workshop-remove").click()
    assert text_of(boss, "confirm-text") == say(strings["workshops_confirm_remove"], name="Jardins")
    confirm(boss)
    wait_until(boss, lambda d: card(d, "Jardins") is None, "the removed workshop's card stayed")
    assert not Workshop.objects.filter(pk=gardens.pk).exists()
    assert not Room.objects.filter(pk=gardens.room_id).exists(), "its breakout room went with it"
    wait_until(
        boss,
        lambda d: text_of(d, "workshops-run-status") == say(strings["workshops_removed"], name="Jardins"),
        "the removal was not confirmed",
    )
    assert focused(boss)["id"] == "workshops-overview-heading", "the focus goes to the list, not the top"

    # Add a workshop: it gets its card; the form is ready for the next one.
    boss.find_element(By.CSS_SELECTOR, "#workshops-add summary").click()
    boss.find_element(By.ID, "workshops-add-name").send_keys("Budget participatif")
    boss.find_element(By.ID, "workshops-add-topic").send_keys("Quels projets financer ?")
    boss.find_element(By.ID, "workshops-add-capacity").send_keys("4")
    boss.find_element(By.ID, "workshops-add-submit").click()
    wait_until(boss, lambda d: card(d, "Budget participatif"), "the new workshop has no card")
    budget = Workshop.objects.get(session=session, name="Budget participatif")
    assert (budget.topic, budget.capacity) == ("Quels projets financer ?", 4)
    assert Room.objects.get(pk=budget.room_id).parent_id == plenary.pk
    wait_until(
        boss,
        lambda d: text_of(d, "workshops-run-status") == say(strings["workshops_added"], name="Budget participatif"),
        "the addition was not confirmed",
    )
    assert boss.find_element(By.ID, "workshops-add-name").get_attribute("value") == ""
    assert focused(boss)["id"] == "workshops-add-name"
    assert [h.text for h in boss.find_elements(By.CSS_SELECTOR, "#workshops-overview h4")] == [
        "Mobilité douce",
        "Budget participatif",
    ]

    # Léa co-facilitates Mobilité douce: chosen among the members here, not the facilitator herself.
    select = boss.find_element(By.ID, cofacilitator_select)
    label = boss.find_element(By.CSS_SELECTOR, f"label[for={cofacilitator_select}]")
    assert label.text == strings["workshops_cofacilitator_label"]
    options = [o.text for o in Select(select).options]
    assert options[0] == strings["workshops_no_cofacilitator"]
    assert sorted(options[1:]) == sorted([lea.public_name, marc.public_name])
    Select(select).select_by_visible_text(lea.public_name)
    wait_until(
        boss,
        lambda d: text_of(d, "workshops-run-status")
        == say(strings["workshops_cofacilitator_set"], person=lea.public_name, name="Mobilité douce"),
        "the co-facilitator was not confirmed",
    )
    assert Workshop.objects.get(pk=mobility.pk).cofacilitator_id == lea.pk
    assert Select(boss.find_element(By.ID, cofacilitator_select)).first_selected_option.text == lea.public_name
    assert focused(boss)["id"] == cofacilitator_select

    # Budget participatif is for the group "Jardin partagé" (the draw by group sends its members).
    change = open_change(boss, "Budget participatif")
    legend = change.find_element(By.CSS_SELECTOR, "fieldset legend")
    assert legend.text == strings["workshops_groups_legend"]
    boxes = change.find_elements(By.CSS_SELECTOR, "fieldset input[type=checkbox]")
    labels = [boss.find_element(By.CSS_SELECTOR, f"label[for='{b.get_attribute('id')}']").text for b in boxes]
    assert labels == ["Jardin partagé", "Rue des Lilas"], "the council's groups, not another council's"
    checkbox_id = f"workshops-group-{budget.pk}-{gardeners.pk}"
    boss.find_element(By.ID, checkbox_id).click()
    wait_until(
        boss,
        lambda d: part(d, "Budget participatif", ".workshop-groups").text
        == say(strings["workshops_groups_of"], names="Jardin partagé"),
        "the card does not say which group it is for",
    )
    assert list(Workshop.objects.get(pk=budget.pk).groups.all()) == [gardeners]
    assert boss.find_element(By.ID, checkbox_id).is_selected()
    assert focused(boss)["id"] == checkbox_id
    assert_accessible(boss, "facilitator's panel with a workshop's Change section open")

    # The session's settings: participants choose, with followers, five proposals, 45 minutes.
    boss.find_element(By.CSS_SELECTOR, "#workshops-settings summary").click()
    assert Select(boss.find_element(By.ID, "workshops-settings-mode")).first_selected_option.get_attribute("value") == "manual"
    assert boss.find_element(By.ID, "workshops-settings-duration").get_attribute("value") == "20"
    assert not boss.find_element(By.ID, "workshops-settings-followers").is_selected()
    Select(boss.find_element(By.ID, "workshops-settings-mode")).select_by_value("choice")
    for field_id, value in (
        ("workshops-settings-duration", "45"),
        ("workshops-settings-grace", "30"),
        ("workshops-settings-proposals", "5"),
    ):
        field = boss.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(value)
    boss.find_element(By.ID, "workshops-settings-followers").click()
    boss.find_element(By.ID, "workshops-settings-save").click()
    wait_until(
        boss,
        lambda d: text_of(d, "workshops-run-status") == strings["workshops_settings_saved"],
        "the settings were not confirmed",
    )
    saved = WorkshopSession.objects.get(pk=session.pk)
    assert (saved.mode, saved.duration_seconds, saved.grace_seconds, saved.max_proposals, saved.include_followers) == (
        "choice",
        45 * 60,
        30,
        5,
        True,
    )
    assert boss.find_element(By.ID, "workshops-settings-followers").is_selected()
    # Members now see the workshops to choose from (in their Workshops tab).
    ui.show_tab(marc_page, "workshops")
    wait_until(
        marc_page,
        lambda d: [b.text for b in d.find_elements(By.CSS_SELECTOR, "#workshops-choices button")]
        == [say(strings["workshops_choose"], name=n) for n in ("Mobilité douce", "Budget participatif")],
        "Marc cannot choose now that participants choose",
    )
    # A number out of range is stopped by the form, not sent.
    proposals = boss.find_element(By.ID, "workshops-settings-proposals")
    proposals.clear()
    proposals.send_keys("11")
    boss.find_element(By.ID, "workshops-settings-save").click()
    assert boss.execute_script("return arguments[0].validity.rangeOverflow", proposals)
    assert WorkshopSession.objects.get(pk=session.pk).max_proposals == 5
    assert_accessible(boss, "facilitator's panel with the session's settings open")

    # The outputs and exports of the session, one link away.
    link = boss.find_element(By.ID, "workshops-outputs")
    assert link.text == "Outputs and exports"
    assert link.get_attribute("href") == f"{ui.url}/c/{council.slug}/workshops/{session.pk}/"
    link.click()
    wait_until(boss, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Outputs of Ateliers", "no outputs page")


def test_a_workshop_that_has_met_is_kept_and_the_reason_shown(browser, ui, meeting):
    path, plenary = meeting["path"], meeting["room"]
    marc, fatou = meeting["member"], meeting["facilitator"]
    session = services.session_create(
        actor=fatou,
        room_id=plenary.pk,
        title="Ateliers",
        workshops=[{"name": "Mobilité"}, {"name": "Jardins"}, {"name": "Budget"}],
        mode="manual",
    )
    mobility, gardens, budget = session.workshops.order_by("position")
    services.session_open(actor=fatou, session_id=session.pk)
    LogEntry.objects.create(session=session, kind=LogEntry.Kind.ENTERED, user=marc, workshop=mobility)
    boss = browser()
    ui.enter_room(boss, fatou, path)
    ui.show_tab(boss, "workshops")  # the facilitator's panel is a tab
    strings = ui.strings(boss)
    wait_until(boss, lambda d: card(d, "Budget"), "no cards")

    # While the workshops run, workshops can be changed but not removed.
    open_change(boss, "Jardins")
    assert part(boss, "Jardins", ".workshop-edit-name").is_displayed()
    assert not part(boss, "Jardins", ".workshop-remove").is_displayed()
    name = part(boss, "Jardins", ".workshop-edit-name")
    # as a person retypes a field: select all, then type (clear() fires no input event, so a live
    # update arriving in between would put the old name back under the typing)
    name.send_keys(Keys.CONTROL, "a")
    name.send_keys("Jardins partagés")
    name.send_keys(Keys.ENTER)
    wait_until(boss, lambda d: card(d, "Jardins partagés"), "a running workshop could not be renamed")
    assert Workshop.objects.get(pk=gardens.pk).name == "Jardins partagés"

    # Close at once.
    grace = boss.find_element(By.ID, "workshops-grace")
    grace.clear()
    grace.send_keys("0")
    boss.find_element(By.ID, "workshops-close").click()
    confirm(boss)
    wait_until(boss, lambda d: d.find_element(By.ID, "workshops-closed-block").is_displayed(), "never closed")

    # Mobilité met (Marc was in it): the server keeps it and the page says why, as an alert.
    open_change(boss, "Mobilité")
    remove = part(boss, "Mobilité", ".workshop-remove")
    wait_until(boss, lambda d: remove.is_displayed(), "no Remove button once closed")
    remove.click()
    confirm(boss)
    wait_until(boss, lambda d: "has met" in text_of(d, "room-alert"), "the refusal was not shown")
    assert boss.find_element(By.ID, "room-alert").get_attribute("role") == "alert"
    assert Workshop.objects.filter(pk=mobility.pk).exists()
    assert card(boss, "Mobilité") is not None
    assert focused(boss)["text"] == strings["workshops_remove"], "the focus is back on the button"

    # Budget never met: it can go; the success takes the old error away.
    open_change(boss, "Budget")
    part(boss, "Budget", ".workshop-remove").click()
    confirm(boss)
    wait_until(boss, lambda d: card(d, "Budget") is None, "Budget stayed")
    assert not Workshop.objects.filter(pk=budget.pk).exists()
    wait_until(boss, lambda d: text_of(d, "room-alert") == "", "the old error stayed")
    assert_accessible(boss, "facilitator's panel of closed workshops")


def choices(driver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, "#workshops-choices li")


def test_member_chooses_a_workshop_within_its_places(browser, ui, meeting):
    path, plenary = meeting["path"], meeting["room"]
    marc, lea, fatou = meeting["member"], meeting["other_member"], meeting["facilitator"]
    session = services.session_create(
        actor=fatou,
        room_id=plenary.pk,
        title="Ateliers",
        workshops=[
            {"name": "Mobilité", "capacity": 1},
            {"name": "Jardins", "topic": "Quel jardin ?", "capacity": 3},
        ],
        mode="choice",
    )
    mobility, gardens = session.workshops.order_by("position")
    services.assignment_set(actor=fatou, session_id=session.pk, user_id=lea.pk, workshop_id=mobility.pk)
    marc_page = browser()
    ui.enter_room(marc_page, marc, path)
    strings = ui.strings(marc_page)
    ui.show_tab(marc_page, "workshops")
    wait_until(marc_page, lambda d: d.find_elements(By.CSS_SELECTOR, "#workshops-choices li"), "nothing to choose")
    assert text_of(marc_page, "workshops-assigned") == strings["workshops_choose_prompt"]
    # The list is drawn again on every change (someone comes in…): each step looks it up anew.
    assert [i.find_element(By.CSS_SELECTOR, ".workshop-name").text for i in choices(marc_page)] == [
        "Mobilité",
        "Jardins",
    ]
    assert strings["workshops_places_left"]["other"].replace("%(count)s", "3") in choices(marc_page)[1].text

    # Mobilité is full (Léa took its only place): its button says so and does nothing.
    full = choices(marc_page)[0].find_element(By.TAG_NAME, "button")
    assert full.get_attribute("aria-disabled") == "true"
    reason = marc_page.find_element(By.ID, full.get_attribute("aria-describedby"))
    assert reason.text == strings["workshops_full"]
    marc_page.execute_script("arguments[0].focus()", full)
    press(marc_page, Keys.ENTER)
    wait_until(
        marc_page,
        lambda d: text_of(d, "workshops-mine-status") == say(strings["workshops_full_reason"], name="Mobilité"),
        "pressing a full workshop's button said nothing",
    )
    assert not Assignment.objects.filter(session=session, user=marc).exists()
    assert_accessible(marc_page, "member choosing a workshop")

    # Jardins with the keyboard: stored, confirmed, and the focus on where Marc will go.
    choose = choices(marc_page)[1].find_element(By.TAG_NAME, "button")
    assert choose.text == say(strings["workshops_choose"], name="Jardins")
    marc_page.execute_script("arguments[0].focus()", choose)
    press(marc_page, Keys.ENTER)
    wait_until(
        marc_page,
        lambda d: text_of(d, "workshops-mine-status") == say(strings["workshops_chosen"], name="Jardins"),
        "the choice was not confirmed",
    )
    assert marc_page.find_element(By.ID, "workshops-mine-status").get_attribute("role") == "status"
    assert Assignment.objects.get(session=session, user=marc).workshop_id == gardens.pk
    wait_until(
        marc_page,
        lambda d: text_of(d, "workshops-assigned") == say(strings["workshops_assigned_to"], name="Jardins"),
        "Marc is not told where he goes",
    )
    chosen = choices(marc_page)[1]
    assert strings["workshops_your_choice"] in chosen.text
    assert strings["workshops_places_left"]["other"].replace("%(count)s", "2") in chosen.text
    now = focused(marc_page)
    assert now["id"] == "workshops-assigned", f"the focus went to the confirmation, not the top: {now}"
    assert_focus_visible(now)

    # The facilitator sends Léa back to the plenary: Mobilité has a place again, Marc takes it.
    boss = browser()
    ui.enter_room(boss, fatou, path)
    ui.show_tab(boss, "workshops")  # the facilitator's panel is a tab
    Select(boss.find_element(By.ID, f"workshops-assign-{lea.pk}")).select_by_value("")
    wait_until(
        marc_page,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#workshops-choices li button")[0].get_attribute("aria-disabled")
        is None,
        "Mobilité stayed full for Marc",
    )
    marc_page.find_elements(By.CSS_SELECTOR, "#workshops-choices li button")[0].click()
    wait_until(
        marc_page,
        lambda d: text_of(d, "workshops-mine-status") == say(strings["workshops_chosen"], name="Mobilité"),
        "the new choice was not confirmed",
    )
    assert Assignment.objects.get(session=session, user=marc).workshop_id == mobility.pk
    wait_until(
        boss,
        lambda d: marc.public_name in part(d, "Mobilité", ".workshop-members").text,
        "the facilitator does not see Marc's choice",
    )
