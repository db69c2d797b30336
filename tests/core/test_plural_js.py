"""frontend/src/core/plural.js under Node: the form of a counted string follows the language's rules."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLURAL = ROOT / "frontend" / "src" / "core" / "plural.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

SCRIPT = """
import { plural } from "./plural.mjs";
const places = { one: "%(count)s place", other: "%(count)s places" };
const out = {};
for (const language of ["fr", "en"])
  out[language] = [0, 1, 2, 1000000].map((n) => plural(places, n, language));
out.plain = plural("Mains levées", 3, "fr");
console.log(JSON.stringify(out));
"""


def test_french_counts_zero_and_one_as_singular_english_only_one(tmp_path):
    shutil.copy(PLURAL, tmp_path / "plural.mjs")
    (tmp_path / "run.mjs").write_text(SCRIPT)

    result = subprocess.run(["node", "run.mjs"], cwd=tmp_path, capture_output=True, text=True, check=True)

    assert json.loads(result.stdout) == {
        "fr": ["%(count)s place", "%(count)s place", "%(count)s places", "%(count)s places"],
        "en": ["%(count)s places", "%(count)s place", "%(count)s places", "%(count)s places"],
        "plain": "Mains levées",
    }
