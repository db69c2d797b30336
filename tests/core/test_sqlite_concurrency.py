"""The embedded default (SQLite) takes concurrent writes from several sockets without failing."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_chat_writes_racing_with_disconnects_all_succeed(tmp_path):
    # Before IMMEDIATE transactions, about 3 in 4 of these posts failed with "database is locked".
    result = subprocess.run(
        [sys.executable, "-m", "tests.core.sqlite_writers", str(tmp_path / "race.sqlite3")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])

    assert outcome["errors"] == []
    assert outcome["posted"] == 160
    assert outcome["seqs_without_gap"] is True
