"""No code turns a string into markup: the browser builds text nodes, templates keep autoescaping.

tests/browser/test_stored_script.py proves it page by page with hostile stored text; this
keeps the ways in closed where that test does not look (a new script, a new template, a
new view), at the cost of a grep.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Browser APIs that parse a string as HTML (Leaflet's string tooltips and popups too).
JS_SINKS = re.compile(
    r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment"
    r"|parseFromString|\.setContent\(\s*[`'\"]|bind(Tooltip|Popup)\(\s*[`'\"]"
)
TEMPLATE_SINKS = re.compile(r"\|\s*safe\b|\|\s*safeseq\b|{%\s*autoescape\s+off")
PYTHON_SINKS = re.compile(r"\bmark_safe\(|\bSafeString\(|\bSafeText\(|\bhtml_safe\b")

# Where the sink is the point, with why.
ALLOWED = {
    # a plain-text e-mail: escaping would show "&#x27;" in a parent's name
    "templates/youth/email/parental_consent_message.txt",
    # admin read-only help: a constant "<br>" between format_html_join's escaped rows
    "council/identity/admin.py",
}


def _sinks(paths, pattern):
    found = {}
    for path in paths:
        name = str(path.relative_to(ROOT))
        hits = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if pattern.search(line)]
        if hits and name not in ALLOWED:
            found[name] = hits
    return found


def test_the_browser_code_never_parses_a_string_as_html():
    scripts = sorted((ROOT / "frontend" / "src").rglob("*.js"))

    assert len(scripts) > 20
    assert _sinks(scripts, JS_SINKS) == {}


def test_templates_never_turn_autoescaping_off():
    templates = sorted(path for path in (ROOT / "templates").rglob("*") if path.suffix in {".html", ".txt"})

    assert len(templates) > 100
    assert _sinks(templates, TEMPLATE_SINKS) == {}


def test_python_marks_no_string_safe():
    modules = sorted(path for path in (ROOT / "council").rglob("*.py") if "migrations" not in path.parts)

    assert _sinks(modules, PYTHON_SINKS) == {}


def test_the_guard_sees_a_sink():
    """The patterns are not dead: each catches the shape it is for."""
    assert JS_SINKS.search('node.innerHTML = `<b>${name}</b>`;')
    assert JS_SINKS.search('marker.bindPopup(`<a href="${url}">${title}</a>`)')
    assert TEMPLATE_SINKS.search("{{ contribution.body|safe }}")
    assert TEMPLATE_SINKS.search("{% autoescape off %}")
    assert PYTHON_SINKS.search("return mark_safe(f'<b>{name}</b>')")
