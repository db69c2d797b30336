"""scripts/run --reset (or RESET_DEMO=1) starts the demo again from an empty database.

The script runs in a copy of the project whose Python, npm and Daphne are stand-ins that
write down what they were asked, so nothing is installed or served.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/usr/bin/env bash
# manage.py <command>: note the command, and whether the demo database existed at that moment
if [ -f var/council.sqlite3 ]; then state=present; else state=absent; fi
echo "$2 database=$state" >> calls.log
if [ "$2" = migrate ]; then echo "migrated" > var/council.sqlite3; fi
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    (tmp_path / "requirements.txt").write_text("django\n")
    (tmp_path / "frontend").mkdir()
    (tmp_path / "frontend" / "package-lock.json").write_text("{}\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in {"python": FAKE_PYTHON, "daphne": "#!/usr/bin/env bash\necho daphne >> calls.log\n", "npm": "#!/bin/sh\n"}.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    # what ensure_python and ensure_node_packages take as "already installed"
    digest = subprocess.run(
        "cat requirements*.txt | sha256sum | cut -d' ' -f1", shell=True, cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    (tmp_path / ".venv" / ".stamp-requirements.txt").write_text(digest)
    (tmp_path / "frontend" / "node_modules").mkdir()
    lock_digest = subprocess.run(
        ["sha256sum", "frontend/package-lock.json"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split()[0]
    (tmp_path / "frontend" / "node_modules" / ".stamp").write_text(lock_digest + "\n")
    (tmp_path / "var" / "media" / "councils").mkdir(parents=True)
    (tmp_path / "var" / "council.sqlite3").write_text("old demo data")
    (tmp_path / "var" / "media" / "councils" / "logo.png").write_text("old logo")
    return tmp_path


def _run(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "RESET_DEMO")
    }
    environment["PATH"] = f"{project / '.venv' / 'bin'}:{environment['PATH']}"
    environment.update(env)
    return subprocess.run(
        ["bash", str(project / "scripts" / "run"), *args], cwd=project, env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(("args", "env"), [(["--reset"], {}), ([], {"RESET_DEMO": "1"})])
def test_reset_deletes_the_demo_before_migrating(project, args, env):
    result = _run(project, *args, **env)

    assert result.returncode == 0, result.stderr
    assert (project / "calls.log").read_text().splitlines() == [
        "migrate database=absent",
        "seed_demo database=present",
        "daphne",
    ]
    assert (project / "var" / "council.sqlite3").read_text() == "migrated\n"
    assert not (project / "var" / "media").exists()


def test_without_reset_the_demo_is_kept(project):
    result = _run(project)

    assert result.returncode == 0, result.stderr
    assert (project / "calls.log").read_text().splitlines()[0] == "migrate database=present"
    assert (project / "var" / "media" / "councils" / "logo.png").exists()


def test_reset_refuses_a_database_named_by_database_url(project):
    result = _run(project, "--reset", DATABASE_URL="postgres://localhost/council")

    assert result.returncode == 2
    assert "DATABASE_URL is set, so nothing was deleted" in result.stderr
    assert (project / "var" / "council.sqlite3").read_text() == "old demo data"
    assert not (project / "calls.log").exists()


def test_an_unknown_argument_is_refused(project):
    result = _run(project, "--rest")

    assert (result.returncode, result.stderr) == (2, "usage: scripts/run [--reset]\n")
    assert (project / "var" / "council.sqlite3").read_text() == "old demo data"
