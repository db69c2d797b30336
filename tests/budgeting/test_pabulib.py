"""Pabulib `.pb` files: the sample files (tests/data/pabulib, see its README) read, written back
exactly, refused with the line and the reason when malformed, and their results computed and
compared with pabutools and, for Assen 2024, with the city's own selection."""

from pathlib import Path

import pytest
from pabutools.election import Cost_Sat
from pabutools.rules.budgetallocation import BudgetAllocation
from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
from pabutools.tiebreaking import lexico_tie_breaking

from council.budgeting.pabulib import PbError
from council.budgeting.pabulib import read_pb
from council.budgeting.pabulib import read_pb_file
from council.budgeting.pabulib import write_pb
from council.budgeting.rules import greedy
from council.budgeting.rules import mes
from council.budgeting.rules import mes_add_one
from council.budgeting.rules import mes_greedy_completion
from tests.budgeting.pabutools_bridge import ScoreSat
from tests.budgeting.pabutools_bridge import pabutools_greedy
from tests.budgeting.pabutools_bridge import pabutools_mes
from tests.budgeting.pabutools_bridge import pabutools_mes_greedy
from tests.budgeting.pabutools_bridge import to_pabutools

DATA = Path(__file__).resolve().parents[1] / "data" / "pabulib"
SAMPLES = sorted(DATA.glob("*.pb"))
# Where pabutools' add-one, stepping one unit per voter, is too slow to run whole (Budapest: about
# 153,000 steps; Toulouse 2019: 1,494 voters): it is run over the last steps only.
SLOW_ADD_ONE = {"Hungary_Budapest_2022_VIII_Jozsefvaros.pb", "France_Toulouse_2019.pb"}


def test_the_sample_is_there():
    assert len(SAMPLES) == 10
    assert (DATA / "README.md").exists()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_a_sample_file_reads_and_writes_back_exactly(path):
    pb = read_pb_file(path)
    assert len(pb.projects) == int(pb.meta["num_projects"])
    assert len(pb.votes) == int(pb.meta["num_votes"])
    text = write_pb(pb)
    again = read_pb(text)
    assert again == pb
    assert write_pb(again) == text


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_greedy_and_mes_agree_with_pabutools_on_a_sample_file(path):
    pb = read_pb_file(path)
    instance, profile = pb.instance(), pb.profile()
    assert sorted(greedy(instance, profile)) == pabutools_greedy(instance, profile)
    assert sorted(mes(instance, profile).selected) == pabutools_mes(instance, profile)
    assert sorted(mes_greedy_completion(instance, profile).selected) == pabutools_mes_greedy(instance, profile)
    result = mes_add_one(instance, profile)
    assert instance.cost(result.selected) <= instance.budget
    if path.name in SLOW_ADD_ONE:
        # pabutools from a few steps before the increment we stopped at: every earlier step's
        # outcome was feasible and not exhaustive, so it must end on the same outcome.
        pinstance, pprofile = to_pabutools(instance, profile)
        sat = Cost_Sat if profile.kind == "approval" else ScoreSat
        start = pinstance.budget_limit / pprofile.num_ballots() + max(0, result.increment - 20)
        theirs = method_of_equal_shares_scheme(
            pinstance, pprofile, pprofile.as_sat_profile(sat), start, BudgetAllocation(),
            lexico_tie_breaking, voter_budget_increment=1, binary_sat=profile.kind == "approval",
        )
        assert sorted(result.selected) == sorted(p.name for p in theirs)
    else:
        assert sorted(result.selected) == pabutools_mes(instance, profile, add_one=True)


def test_assen_2024_gets_the_selection_the_city_made():
    # The file records the city's selection, made by MES with add-one completion (rule
    # equalshares/add1). (Budapest's recorded selection counts paper votes the file lacks: not checked.)
    pb = read_pb_file(DATA / "Netherlands_Assen_2024.pb")
    assert pb.meta["rule"] == "equalshares/add1"
    assert sorted(mes_add_one(pb.instance(), pb.profile()).selected, key=int) == sorted(pb.selected(), key=int)
    assert sorted(pb.selected(), key=int) == ["2", "3", "5", "6", "9", "11", "12", "13", "14"]


GOOD = """META
key;value
budget;100
vote_type;approval
num_projects;2
num_votes;2
PROJECTS
project_id;cost;name
1;60;"Bancs; fontaine"
2;40;Arbres
VOTES
voter_id;vote
a;1,2
b;2
"""


def test_a_small_file_reads_with_quoted_fields():
    pb = read_pb(GOOD)
    assert pb.projects[0]["name"] == "Bancs; fontaine"
    assert pb.profile().ballots == (frozenset({"1", "2"}), frozenset({"2"}))
    assert read_pb(write_pb(pb)) == pb


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (("META\n", ""), 1, "must start with META"),
        (("budget;100", "budget;cent"), 3, "budget 'cent' is not a non-negative number"),
        (("vote_type;approval", "vote_type;veto"), 4, "unknown vote_type 'veto'"),
        (("2;40;Arbres", "2;-40;Arbres"), 10, "cost '-40' is not a non-negative number"),
        (("2;40;Arbres", "1;40;Arbres"), 10, "project 1 given twice"),
        (("2;40;Arbres", "2;40"), 10, "2 fields where the header (line 8) has 3"),
        (("a;1,2", "a;1,3"), 13, "voter a votes for unknown project 3"),
        (("a;1,2", "a;1,1"), 13, "voter a names a project twice"),
        (("b;2", "a;2"), 14, "voter a given twice"),
        (("num_votes;2", "num_votes;3"), 6, "META says num_votes 3 but the file has 2 votes"),
        (("VOTES\nvoter_id;vote\na;1,2\nb;2\n", ""), 11, "missing section VOTES"),
        (("PROJECTS\n", "VOTES\n"), 7, "section VOTES out of place"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line_and_reason(change, line, reason):
    text = GOOD.replace(*change)
    with pytest.raises(PbError) as refused:
        read_pb(text)
    assert refused.value.line == line
    assert reason in refused.value.reason


def test_cumulative_points_must_match_the_projects():
    text = GOOD.replace("approval", "cumulative").replace("voter_id;vote", "voter_id;vote;points")
    text = text.replace("a;1,2", "a;1,2;3").replace("b;2\n", "b;2;1\n")
    with pytest.raises(PbError) as refused:
        read_pb(text)
    assert (refused.value.line, refused.value.reason) == (13, "voter a: 2 projects but 1 points")
