"""Published ballot boxes built the way the ballots app builds them: chain + count."""

import importlib.util
import random
from pathlib import Path
from types import ModuleType
from typing import Any

from council.voting.tally import count
from council.voting.tally.chain import FORMAT
from council.voting.tally.chain import genesis
from council.voting.tally.chain import link

RECOUNT = Path(__file__).resolve().parents[3] / "tools" / "recount.py"
GRADES = ["Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter"]
VOTE_ID = "0b6f1c2e-5d7a-4c1e-9a53-2f7d8e6b4a10"


def make_box(method: str, options: list[str], contents: list[Any], **rules: Any) -> dict[str, Any]:
    """A closed vote's box as published: `rules` are grades, min/max_choices, tie_break(_reason)."""
    rules = {
        "grades": None,
        "min_choices": None,
        "max_choices": None,
        "tie_break": None,
        "tie_break_reason": None,
        **rules,
    }
    previous = genesis(VOTE_ID)
    ballots = []
    for number, content in enumerate(contents):
        entry = {"tracker": f"K{number:03d}-{number * 7919 % 1000:03d}", "content": content}
        previous = link(previous, entry)
        ballots.append({**entry, "hash": previous})
    return {
        "format": FORMAT,
        "vote": {
            "id": VOTE_ID,
            "title": "Budget du quartier : l'aire de jeux",
            "method": method,
            "options": [{"key": key, "label": key.upper()} for key in options],
            **rules,
            "electorate": {"size": 120, "fingerprint": "ab" * 32},
        },
        "genesis": genesis(VOTE_ID),
        "ballots": ballots,
        "head": previous,
        "participation": len(ballots),
        "result": count(method, options, contents, **rules).to_dict(),
    }


def load_recount() -> ModuleType:
    """The script as a module, to cross-check many boxes without a process each."""
    spec = importlib.util.spec_from_file_location("recount", RECOUNT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_vote(rng: random.Random) -> tuple[str, list[str], list[Any], dict[str, Any]]:
    """A small random vote, ties likely, with a few blank and spoilt ballots."""
    method = rng.choice(
        [
            "majority_simple",
            "majority_absolute",
            "majority_two_thirds",
            "approval",
            "instant_runoff",
            "majority_judgment",
        ]
    )
    options = rng.choice([["for", "against"], ["a", "b", "c"], ["a", "b", "c", "d", "e"]])
    rules: dict[str, Any] = {}
    if method == "majority_judgment":
        rules["grades"] = GRADES[: rng.randrange(2, 7)]
    if rng.random() < 0.5:
        rules["tie_break"] = rng.sample(options, rng.randrange(1, len(options) + 1))
        rules["tie_break_reason"] = rng.choice(["president", "oldest"])
    if method in ("approval", "instant_runoff") and rng.random() < 0.3:
        rules["max_choices"] = rng.randrange(1, len(options) + 1)
    contents = [_random_content(rng, method, options, rules) for _ in range(rng.randrange(0, 25))]
    return method, options, contents, rules


def _random_content(
    rng: random.Random, method: str, options: list[str], rules: dict[str, Any]
) -> Any:
    roll = rng.random()
    if roll < 0.08:
        return {"blank": True}
    if roll < 0.14:
        return rng.choice(
            [None, "a", {}, {"blank": False}, {"choice": "zz"}, {"ranking": ["a", "a"]}]
        )
    if method == "approval":
        return {"approved": rng.sample(options, rng.randrange(0, len(options) + 1))}
    if method == "instant_runoff":
        return {"ranking": rng.sample(options, rng.randrange(1, len(options) + 1))}
    if method == "majority_judgment":
        size = len(rules["grades"]) + (1 if rng.random() < 0.05 else 0)
        return {"grades": {key: rng.randrange(size) for key in options}}
    return {"choice": rng.choice(options)}
