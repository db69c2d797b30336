"""frontend/src/core/i18n.js under Node: one placeholder syntax, plural forms by the page's language."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "frontend" / "src" / "core" / "i18n.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

MEMBERS = {"one": "%(count)s membre", "other": "%(count)s membres"}
MEMBERS_EN = {"one": "%(count)s member", "other": "%(count)s members"}


def run(tmp_path: Path, lang: str, expression: str) -> object:
    shutil.copy(I18N, tmp_path / "i18n.mjs")
    script = tmp_path / "scenario.mjs"
    script.write_text(
        f"globalThis.document = {{ documentElement: {{ lang: {json.dumps(lang)} }} }};\n"
        'import("./i18n.mjs").then(({ fmt, plural }) => {\n'
        f"  console.log(JSON.stringify({expression}));\n"
        "});\n"
    )
    done = subprocess.run(
        ["node", str(script)], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_french_counts_zero_and_one_as_singular(tmp_path):
    forms = json.dumps(MEMBERS)

    result = run(tmp_path, "fr", f"[0, 1, 2, 12].map((n) => plural({forms}, n))")

    assert result == ["0 membre", "1 membre", "2 membres", "12 membres"]


def test_english_counts_only_one_as_singular(tmp_path):
    forms = json.dumps(MEMBERS_EN)

    result = run(tmp_path, "en", f"[0, 1, 2].map((n) => plural({forms}, n))")

    assert result == ["0 members", "1 member", "2 members"]


def test_placeholders_are_filled_by_name_and_missing_ones_left_empty(tmp_path):
    result = run(
        tmp_path,
        "fr",
        'fmt("Notes de %(name)s : %(count)s, %(missing)s.", { name: "l\\u2019atelier 1", count: 3 })',
    )

    assert result == "Notes de l\u2019atelier 1 : 3, ."
