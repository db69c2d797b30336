"""axe-core audits for the browser tests: one way to run them, one way to report them."""

import json
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(driver) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the current page; return serious and critical violations."""
    return [v for v in violations(driver) if v["impact"] in ("serious", "critical")]


def violations(driver) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the current page; return every violation, any impact."""
    assert AXE.exists(), "run `cd frontend && npm ci` to install axe-core"
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then((r) => done(JSON.stringify({violations: r.violations})))
          .catch((e) => done(JSON.stringify({error: String(e)})));
        """,
        WCAG_TAGS,
    )
    report = json.loads(result)
    assert "error" not in report, report
    return report["violations"]


def describe(violations: list[dict]) -> str:
    """Say which rule failed where, for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_axe_clean(driver, state):
    """No violation at all, whatever its impact, in this state of the page."""
    found = violations(driver)
    assert found == [], f"{state}:\n{describe(found)}"
