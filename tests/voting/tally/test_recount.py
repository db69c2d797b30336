"""tools/recount.py run as a citizen would: on a published box file, in its own process."""

import ast
import copy
import json
import subprocess
import sys

import pytest

from council.voting.tally.chain import canonical
from council.voting.tally.chain import genesis
from council.voting.tally.chain import head
from council.voting.tally.chain import link
from tests.voting.tally.boxes import GRADES
from tests.voting.tally.boxes import RECOUNT
from tests.voting.tally.boxes import VOTE_ID
from tests.voting.tally.boxes import make_box

IRV_BALLOTS = [
    *[{"ranking": ["a"]}] * 6,
    *[{"ranking": ["b", "c"]}] * 5,
    *[{"ranking": ["c", "b"]}] * 4,
    *[{"ranking": ["d", "c"]}] * 2,
    {"ranking": ["d"]},
    {"blank": True},
    {"ranking": ["a", "a"]},
]
BOXES = {
    "majority_simple": ("majority_simple", ["for", "against"], [{"choice": "for"}] * 3 + [{"choice": "against"}] * 3, {"tie_break": ["for"], "tie_break_reason": "president"}),
    "majority_absolute": ("majority_absolute", ["a", "b", "c"], [{"choice": "a"}] * 5 + [{"choice": "b"}] * 4 + [{"blank": True}, {"choice": "z"}], {}),
    "majority_two_thirds": ("majority_two_thirds", ["for", "against"], [{"choice": "for"}] * 4 + [{"choice": "against"}] * 2, {}),
    "approval": ("approval", ["a", "b", "c"], [{"approved": ["a", "b"]}, {"approved": ["b"]}, {"approved": ["a", "b", "c"]}], {"max_choices": 2}),
    "instant_runoff": ("instant_runoff", ["a", "b", "c", "d"], IRV_BALLOTS, {}),
    "majority_judgment": ("majority_judgment", ["x", "y"], [{"grades": {"x": 1, "y": 0}}, {"grades": {"x": 1, "y": 2}}, {"grades": {"x": 2, "y": 2}}, {"grades": {"x": 3, "y": 2}}], {"grades": GRADES}),
}  # fmt: skip


def run(tmp_path, box, *args, stdin=None):
    path = tmp_path / "box.json"
    path.write_text(box if isinstance(box, str) else json.dumps(box, ensure_ascii=False), "utf-8")
    source = "-" if stdin is not None else str(path)
    return subprocess.run(
        [sys.executable, str(RECOUNT), source, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


@pytest.fixture
def irv_box():
    return make_box(*BOXES["instant_runoff"][:3], **BOXES["instant_runoff"][3])


@pytest.mark.parametrize("name", list(BOXES))
def test_a_genuine_box_agrees(tmp_path, name):
    method, options, contents, rules = BOXES[name]
    box = make_box(method, options, contents, **rules)
    done = run(tmp_path, box)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Everything agrees" in done.stdout
    winners = box["result"]["winners"]
    assert f"Winner: {', '.join(winners) or 'tie'}" in done.stdout


def test_the_summary_shows_the_rounds(tmp_path, irv_box):
    done = run(tmp_path, irv_box)
    assert "Round 1: a 6, b 5, c 4, d 3; exhausted 0; eliminated d (fewest_votes)" in done.stdout
    assert "Ballots: 20 (blank 1, invalid 1), votes cast 18, participation 20" in done.stdout
    assert "Winner: c" in done.stdout


def tampered(box, change):
    box = copy.deepcopy(box)
    change(box)
    return box


def rehash(box):
    """Rebuild the chain and head after a change, as a forger with the software would."""
    previous = genesis(VOTE_ID)
    for ballot in box["ballots"]:
        previous = link(previous, {"tracker": ballot["tracker"], "content": ballot["content"]})
        ballot["hash"] = previous
    box["head"] = previous


def _set_content(box):
    box["ballots"][2]["content"] = {"ranking": ["c"]}


def _remove(box):
    del box["ballots"][4]


def _swap(box):
    box["ballots"][3], box["ballots"][4] = box["ballots"][4], box["ballots"][3]


def _head(box):
    box["head"] = "0" * 64


def _count(box):
    box["result"]["counts"]["a"] += 1


def _round(box):
    box["result"]["rounds"][1]["exhausted"] = 0


def _winner(box):
    box["result"]["winners"] = ["a"]


def _duplicate_tracker(box):
    box["ballots"][5]["tracker"] = box["ballots"][1]["tracker"]
    rehash(box)


def _participation(box):
    box["participation"] += 1


def _forged_and_rehashed(box):
    box["ballots"][0]["content"] = {"ranking": ["c"]}
    rehash(box)


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        (_set_content, ["ballot 3: hash does not match"]),
        (_remove, ["ballot 5: hash does not match", "19 ballots but a participation of 20"]),
        (_swap, ["ballot 4: hash does not match", "ballot 5: hash does not match"]),
        (_head, ["head is 0000"]),
        (_count, ['counts: published {"a": 7']),
        (_round, ["round 2: published"]),
        (_winner, ['winners: published ["a"], recounted ["c"]']),
        (_duplicate_tracker, ["tracker K001-919 appears 2 times"]),
        (_participation, ["20 ballots but a participation of 21"]),
        (_forged_and_rehashed, ["counts: published", "tie: published false, recounted true"]),
    ],
)
def test_each_tampering_is_named(tmp_path, irv_box, change, problems):
    done = run(tmp_path, tampered(irv_box, change))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DISAGREES" in done.stdout
    for problem in problems:
        assert f"- {problem}" in done.stdout


def test_a_receipt_is_found_with_its_content(tmp_path, irv_box):
    done = run(tmp_path, irv_box, "--tracker", "K002-838")
    assert done.returncode == 0
    assert 'Tracker K002-838 is in the box: {"ranking":["a"]}' in done.stdout
    missing = run(tmp_path, irv_box, "--tracker", "NOT-THERE")
    assert missing.returncode == 1
    assert "- tracker NOT-THERE is not in the box" in missing.stdout


def test_reads_the_box_from_stdin(tmp_path, irv_box):
    done = run(tmp_path, "", stdin=json.dumps(irv_box))
    assert done.returncode == 0
    assert "Everything agrees" in done.stdout


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"format": "council-ballot-box/1"}'])
def test_an_unreadable_box_exits_with_2(tmp_path, text):
    done = run(tmp_path, text)
    assert done.returncode == 2
    assert "Cannot read this ballot box" in done.stderr


def test_a_missing_file_exits_with_2(tmp_path):
    done = subprocess.run(
        [sys.executable, str(RECOUNT), str(tmp_path / "nowhere.json")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2


def test_the_script_imports_only_the_standard_library():
    tree = ast.parse(RECOUNT.read_text("utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0
            imported.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            raise AssertionError("no dynamic import")
    assert imported
    assert "council" not in imported
    assert imported <= sys.stdlib_module_names


def test_the_chain_is_the_published_definition():
    entry = {"tracker": "K000-000", "content": {"choice": "é"}}
    assert canonical(entry) == '{"content":{"choice":"é"},"tracker":"K000-000"}'
    assert genesis("v") == "54affc1e3cd76b8cccb070ed4b51137cfb23b63db6dd3941adfe18df756e8601"
    assert head("v", []) == genesis("v")
    assert head("v", [entry]) == link(genesis("v"), entry)
    assert link(genesis("v"), entry) == (
        "bb94315e6837e01b9c08a035ee335ebfeac076aca005f2513f81c3b5b8d2cad4"
    )


def test_the_package_is_plain_python():
    """The counting package imports only the standard library and itself: no Django."""
    package = RECOUNT.parents[1] / "council" / "voting" / "tally"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                )
                for name in names:
                    assert name.split(".")[0] in sys.stdlib_module_names or name.startswith(
                        "council.voting.tally"
                    ), (path.name, name)
