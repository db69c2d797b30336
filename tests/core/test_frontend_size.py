"""The front end stays readable: no file over about 700 lines, and rooms' scripts import no module."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "frontend" / "src"
MAX_LINES = 700


def test_no_front_end_file_is_over_700_lines():
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(SRC.rglob("*"))
        if path.suffix in {".js", ".css"}
    }

    assert "rooms/room.js" in sizes
    assert {name: lines for name, lines in sizes.items() if lines > MAX_LINES} == {}


def test_the_room_page_scripts_import_no_meeting_module():
    """rooms is the host: the meeting modules' scripts are loaded from the panel registry."""
    imports = {
        str(path.relative_to(SRC)): re.findall(r'from "([^"]+)"', path.read_text(encoding="utf-8"))
        for path in sorted((SRC / "rooms").glob("*.js"))
    }

    assert "rooms/room.js" in imports
    assert {name: [i for i in found if "workshops" in i] for name, found in imports.items()} == {
        name: [] for name in imports
    }
