"""plural() of frontend/src/core/i18n.js under Node: the cases a counted string meets on the room page.

French puts a million under "many" (Intl.PluralRules), for which the server sends no form; a
string that is not counted stays as it is; a counted string may have more placeholders than
the count (the workshops' capacity: "%(size)s of %(capacity)s places taken").
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "frontend" / "src" / "core" / "i18n.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

SCRIPT = """
globalThis.document = { documentElement: { lang: "%s" } };
const { plural } = await import("./i18n.mjs");
const places = { one: "%%(count)s place", other: "%%(count)s places" };
const taken = { one: "%%(size)s sur %%(capacity)s place prise", other: "%%(size)s sur %%(capacity)s places prises" };
console.log(JSON.stringify({
  places: [0, 1, 2, 1000000].map((n) => plural(places, n)),
  plain: plural("Mains levées", 3),
  taken: [1, 4].map((n) => plural(taken, n, { size: n, capacity: 5 })),
}));
"""


def run(tmp_path: Path, lang: str) -> object:
    shutil.copy(I18N, tmp_path / "i18n.mjs")
    (tmp_path / "run.mjs").write_text(SCRIPT % lang)
    result = subprocess.run(["node", "run.mjs"], cwd=tmp_path, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_french_counts_zero_and_one_as_singular_and_a_million_as_plural(tmp_path):
    assert run(tmp_path, "fr") == {
        "places": ["0 place", "1 place", "2 places", "1000000 places"],
        "plain": "Mains levées",
        "taken": ["1 sur 5 place prise", "4 sur 5 places prises"],
    }


def test_english_counts_only_one_as_singular(tmp_path):
    assert run(tmp_path, "en")["places"] == ["0 places", "1 place", "2 places", "1000000 places"]
