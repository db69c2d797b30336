"""frontend/src/verifications/requirement.js under Node words a requirement as the server does.

Sockets carry requirements as data; the page words them with requirement_strings(). Both must
say the same (Requirement.describe), in each language.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from council.verifications.requirements import Requirement
from council.verifications.requirements import requirement_strings

SRC = Path(__file__).resolve().parents[2] / "frontend" / "src"

REQUIREMENTS = [
    Requirement(),
    Requirement(("code",)),
    Requirement(("census", "franceconnect"), "all"),
    Requirement(("email", "census", "code"), "any"),
]


def describe_in_node(tmp_path: Path, strings: dict, requirements: list[dict]) -> list[str]:
    for part in ("core/i18n.js", "verifications/requirement.js"):
        (tmp_path / part).parent.mkdir(exist_ok=True)
        shutil.copy(SRC / part, tmp_path / part)
    (tmp_path / "package.json").write_text('{"type": "module"}')
    script = tmp_path / "scenario.js"
    script.write_text(
        'import { describeRequirement } from "./verifications/requirement.js";\n'
        f"const strings = {json.dumps(strings)};\n"
        f"console.log(JSON.stringify({json.dumps(requirements)}.map((r) => describeRequirement(r, strings))));\n"
    )
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_page_words_requirements_as_the_server(tmp_path, language):
    with translation.override(language):
        strings = requirement_strings()
        expected = [requirement.describe() for requirement in REQUIREMENTS]

    worded = describe_in_node(tmp_path, strings, [r.as_json() for r in REQUIREMENTS])

    assert worded == expected
    if language == "fr":
        assert worded[2] == "Liste des habitants et FranceConnect"
        assert worded[3] == "Adresse e-mail vérifiée, Liste des habitants ou Code remis par le conseil"
