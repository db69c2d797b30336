"""Properties over many random votes: order never matters, and the independent recount agrees."""

import json
import random

import pytest

from council.voting.tally import count
from tests.voting.tally.boxes import load_recount
from tests.voting.tally.boxes import make_box
from tests.voting.tally.boxes import random_vote

SEEDS = range(400)


@pytest.fixture(scope="module")
def recount():
    return load_recount()


def test_shuffling_the_ballots_never_changes_the_result():
    rng = random.Random(2026)
    for _ in SEEDS:
        method, options, contents, rules = random_vote(rng)
        expected = count(method, options, contents, **rules).to_dict()
        for _ in range(3):
            shuffled = rng.sample(contents, len(contents))
            assert count(method, options, shuffled, **rules).to_dict() == expected


def test_the_independent_recount_agrees_on_every_random_vote(recount):
    rng = random.Random(12)
    outcomes = set()
    for _ in SEEDS:
        method, options, contents, rules = random_vote(rng)
        box = json.loads(json.dumps(make_box(method, options, contents, **rules)))
        wrong, _mine = recount.check(box)
        assert wrong == [], (method, options, contents, rules)
        outcomes.add((method, box["result"]["tie"], box["result"]["decided_by"]))
    # The random votes did reach ties, broken or not, for every method.
    assert len(outcomes) >= 15
