"""docs/personal-data.md lists every record kept after a deletion, as declared in the code."""

from pathlib import Path

from council.core.personal_data import KEEP
from council.core.personal_data import personal_data

DOC = Path(__file__).resolve().parents[2] / "docs" / "personal-data.md"


def test_every_kept_record_is_in_the_docs():
    """A row of the table names the model, and the link as `app.Model.link` or `.link` after it."""
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    missing = [
        entry.label
        for entry in personal_data()
        if entry.policy == KEEP
        and not any(f"`{entry.label}`" in row or (f"`{entry.model}." in row and f"`.{entry.person}`" in row) for row in rows)
    ]
    assert missing == []


def test_the_readme_links_to_it():
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")

    assert "](docs/personal-data.md)" in readme
