"""axe-core audits (WCAG 2.0/2.1 A and AA) of the log-in page and the live room."""

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from council.councils.models import Council
from council.councils.models import Role
from council.rooms.models import Room

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.exists(), "run `cd frontend && npm ci` to install axe-core"
    return AXE.read_text()


def audit(driver, axe_source: str) -> list[dict]:
    """Run axe on the current page; return the serious and critical violations."""
    driver.execute_script(axe_source)
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then((r) => done(JSON.stringify({violations: r.violations, passes: r.passes.length})))
          .catch((e) => done(JSON.stringify({error: String(e)})));
        """,
        WCAG_TAGS,
    )
    report = json.loads(result)
    assert "error" not in report, report
    return [v for v in report["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


def test_login_page_has_no_serious_violation(browser, ui, axe_source, transactional_db):
    driver = browser()
    driver.get(f"{ui.url}/accounts/login/")
    assert driver.find_elements(By.NAME, "login")
    violations = audit(driver, axe_source)
    assert not violations, "\n" + describe(violations)

    # A failed log-in shows its error; the page must stay accessible then too.
    driver.find_element(By.NAME, "login").send_keys("personne@example.org")
    driver.find_element(By.NAME, "password").send_keys("wrong password")
    driver.find_element(By.CSS_SELECTOR, "form:has(input[name=login]) button[type=submit]").click()
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".errorlist, [role=alert]")
    )
    violations = audit(driver, axe_source)
    assert not violations, "\n" + describe(violations)


def _room_with_a_message(driver, ui, user, path: str) -> None:
    ui.enter_room(driver, user, path)
    driver.find_element(By.ID, "chat-input").send_keys("Le compte rendu est en ligne.")
    driver.find_element(By.ID, "chat-send").click()
    ui.wait_for_message(driver, "Le compte rendu est en ligne.")


def test_room_page_has_no_serious_violation(browser, ui, axe_source, meeting):
    member = browser()
    _room_with_a_message(member, ui, meeting["member"], meeting["path"])
    member.find_element(By.ID, "hand-toggle").click()
    WebDriverWait(member, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hands-list li"))
    violations = audit(member, axe_source)
    assert not violations, "member's view:\n" + describe(violations)

    # The facilitator's view adds Delete buttons, moderation tools and the hands queue controls.
    facilitator = browser()
    ui.enter_room(facilitator, meeting["facilitator"], meeting["path"])
    WebDriverWait(facilitator, 10).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, "#chat-log .delete-message")
            and d.find_elements(By.CSS_SELECTOR, "#hands-list button")
        )
    )
    violations = audit(facilitator, axe_source)
    assert not violations, "facilitator's view:\n" + describe(violations)


def test_light_yellow_brand_keeps_contrast(browser, ui, axe_source, transactional_db):
    """Any brand colour a council picks must leave text readable: here a light yellow."""
    council = Council.objects.create(
        slug="sud", name="Conseil de quartier Sud", brand_colour="#f4c430"
    )
    room = Room.objects.create(council=council, name="Atelier budget")
    facilitator = ui.make_person(council, "sofia@example.org", "Sofia Sud", Role.FACILITATOR)
    path = f"/c/{council.slug}/rooms/{room.pk}/"
    driver = browser()
    _room_with_a_message(driver, ui, facilitator, path)
    header = driver.find_element(By.CSS_SELECTOR, ".site-header")
    brand = header.value_of_css_property("background-color")
    assert brand == "rgba(244, 196, 48, 1)", "the council's own colour is shown"
    violations = audit(driver, axe_source)
    assert not violations, "yellow council's room:\n" + describe(violations)

    driver.get(f"{ui.url}/c/{council.slug}/")
    violations = audit(driver, axe_source)
    assert not violations, "yellow council's page:\n" + describe(violations)
