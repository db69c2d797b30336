"""Keyboard helpers for browser tests: press keys, read where the focus went, check it shows."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

#: what the focused element is, and whether its focus can be seen
FOCUSED = """
const el = document.activeElement;
const style = getComputedStyle(el);
return {
  id: el.id, tag: el.tagName.toLowerCase(), cls: el.className, text: el.textContent.trim().slice(0, 40),
  outline: style.outlineStyle, outlineWidth: style.outlineWidth, visible: el.checkVisibility(),
};
"""


def press(driver, *keys) -> dict:
    """Send `keys`; return the element that has the focus afterwards."""
    ActionChains(driver).send_keys(*keys).perform()
    return driver.execute_script(FOCUSED)


def chord(driver, modifier, key) -> dict:
    """Press `key` with `modifier` held down; return the element that has the focus afterwards."""
    ActionChains(driver).key_down(modifier).send_keys(key).key_up(modifier).perform()
    return driver.execute_script(FOCUSED)


def assert_focus_visible(focused: dict) -> None:
    assert focused["visible"], f"focus went to an invisible element: {focused}"
    assert focused["outline"] != "none", f"no visible focus indicator on {focused}"
    assert focused["outlineWidth"] != "0px", f"no visible focus indicator on {focused}"


def tab_until(driver, predicate, limit: int = 40) -> list[dict]:
    """Press Tab until `predicate(focused)`; return every stop, each checked for a visible focus."""
    stops = []
    for _ in range(limit):
        focused = press(driver, Keys.TAB)
        assert_focus_visible(focused)
        stops.append(focused)
        if predicate(focused):
            return stops
    raise AssertionError(
        f"never reached the element; tab stops: {[s['id'] or s['text'] for s in stops]}"
    )
