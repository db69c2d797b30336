"""The layers hold: a lower app never imports a higher one (it offers a registry instead).

From the ground: core < accounts < councils < groups < rooms (the host) < meeting modules.
Read from the source with `ast`, as a reader would check with grep.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "council"
LAYERS = ["core", "accounts", "councils", "groups", "rooms"]
MODULES = ["workshops", "voting", "consultation", "budgeting", "identity", "demo"]  # the meeting modules, and the demo data seeded from the top
# What the modules name their permissions and events with (their apps' labels).
MODULE_PREFIXES = [*MODULES, "polls", "questions", "ballots", "assembly"]


def _imported(app: str) -> set[tuple[str, str]]:
    """(file, imported module) for every import of council.* in `app`, strings given to include() too."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("council."):
                names = [node.value]
            found |= {(str(path.relative_to(ROOT)), name) for name in names if name.startswith("council.")}
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_no_layer_imports_a_layer_above_it(app):
    above = LAYERS[LAYERS.index(app) + 1 :] + MODULES
    wrong = sorted(
        (path, name) for path, name in _imported(app) if name.split(".")[1] in above
    )
    assert wrong == []


def test_the_host_asks_no_module_permission_by_name():
    asked = sorted(
        (str(path.relative_to(ROOT)), node.value)
        for path in (ROOT / "rooms").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(node.value.startswith(f"{module}.") for module in MODULE_PREFIXES)
    )
    assert asked == []
