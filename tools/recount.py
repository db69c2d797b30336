#!/usr/bin/env python3
"""Recount a published Council ballot box, without trusting Council.

This script is an independent implementation, on purpose: it imports nothing from Council
and uses only Python's standard library, so that anyone can read it in one sitting and re-run
the count of a closed vote on their own computer.

    python3 tools/recount.py box.json            # or "-" to read the box from stdin
    python3 tools/recount.py box.json --tracker K7Q-2MX-9PA

It checks that the box has the expected format; re-computes every link of the hash chain
(sha256 of the previous hash followed by the ballot's canonical JSON, starting from
sha256("council-ballot-box/1:" + vote id)) and the head; checks that trackers are unique and
that there are as many ballots as voters who took part; then recounts every ballot with the
vote's method and compares the figures, rounds, winners and tie with the published result.
With --tracker it says whether that receipt is in the box, and with which content.

Exit status: 0 when everything agrees, 1 with each disagreement listed, 2 if the file cannot
be read.
"""

import argparse
import collections
import hashlib
import json
import sys

FORMAT = "council-ballot-box/1"
LISTS = {"approval": "approved", "instant_runoff": "ranking"}


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def kind(vote, content):
    """'blank', 'valid' or 'invalid' (a spoilt ballot: counted, but not a vote cast)."""
    keys, method = [option["key"] for option in vote["options"]], vote["method"]
    if not isinstance(content, dict):
        return "invalid"
    if list(content) == ["blank"] and content["blank"] is True:
        return "blank"
    if method in LISTS:
        picked = content.get(LISTS[method])
        lowest = 1 if vote["min_choices"] is None else vote["min_choices"]
        highest = len(keys) if vote["max_choices"] is None else vote["max_choices"]
        ok = (
            list(content) == [LISTS[method]]
            and isinstance(picked, list)
            and all(isinstance(key, str) and key in keys for key in picked)
            and len(set(picked)) == len(picked)
            and lowest <= len(picked) <= highest
        )
    elif method == "majority_judgment":
        given = content.get("grades")
        ok = (
            list(content) == ["grades"]
            and isinstance(given, dict)
            and sorted(given) == sorted(keys)
            and all(type(g) is int and 0 <= g < len(vote["grades"]) for g in given.values())
        )
    else:
        ok = list(content) == ["choice"] and isinstance(content["choice"], str)
        ok = ok and content["choice"] in keys
    return "valid" if ok else "invalid"


def by_tie_break(vote, tied):
    """The tied option the vote's tie-break order (best first) prefers, or None."""
    order = vote["tie_break"] or []
    ranks = sorted((order.index(key) if key in order else len(order), key) for key in tied)
    if ranks[0][0] < len(order) and ranks[0][0] != ranks[1][0]:
        return ranks[0][1]
    return None


def settle(vote, tied, out):
    if len(tied) == 1:
        out["winners"] = tied
    elif by_tie_break(vote, tied):
        out["winners"], out["decided_by"] = [by_tie_break(vote, tied)], "tie_break"
    else:
        out["tie"] = True


def count_choices(vote, keys, cast, out):
    """Single choice and approval: the most votes wins (simple majority, approval), or the
    option reaching more than half (absolute) or at least two thirds (two-thirds) of the votes
    cast; blank and invalid ballots are not votes cast."""
    counts = out["counts"] = dict.fromkeys(keys, 0)
    for content in cast:
        for key in content["approved"] if "approved" in content else [content["choice"]]:
            counts[key] += 1
    top = max(counts.values(), default=0)
    first = [key for key in keys if counts[key] == top]
    if not cast or top == 0:
        return
    if vote["method"] in ("majority_simple", "approval"):
        return settle(vote, first, out)
    n = len(cast)
    need = n // 2 + 1 if vote["method"] == "majority_absolute" else -(-2 * n // 3)
    out["threshold"] = need
    if top >= need:
        out["winners"] = first[:1]
    elif vote["method"] == "majority_absolute" and len(first) == 2 and 2 * top == n:
        settle(vote, first, out)
    elif sorted(keys) == ["against", "for"]:  # a motion short of the majority is rejected
        out["winners"] = ["against"]


def count_runoff(vote, keys, cast, out):
    """Instant runoff: each ballot counts for its first choice still running; more than half
    of the ballots still counting elects; otherwise the fewest votes is eliminated. A tie for
    the fewest: all go if together they stay below everyone else; else the one with fewer votes
    in the latest earlier round where they differed; else the tie-break order; else a tie."""
    rankings = [content["ranking"] for content in cast]
    out["counts"] = {key: sum(1 for r in rankings if r[:1] == [key]) for key in keys}
    running, past = list(keys), []
    while rankings:
        votes = dict.fromkeys(running, 0)
        for ranking in rankings:
            for key in ranking:
                if key in votes:
                    votes[key] += 1
                    break
        active = sum(votes.values())
        this = {"round": len(past) + 1, "counts": votes, "continuing": active,
                "exhausted": len(rankings) - active, "threshold": active // 2 + 1,
                "elected": None, "eliminated": [], "rule": None}  # fmt: skip
        out["rounds"].append(this)
        if active == 0:
            return
        best = max(votes.values())
        if best > active / 2:
            this["elected"] = next(key for key in running if votes[key] == best)
            out["winners"], out["threshold"] = [this["elected"]], this["threshold"]
            return
        low = min(votes.values())
        tied = [key for key in running if votes[key] == low]
        rest = [votes[key] for key in running if key not in tied]
        if len(tied) == 1:
            gone, rule = tied, "fewest_votes"
        elif rest and low * len(tied) < min(rest):
            gone, rule = tied, "bulk"
        else:
            gone, rule = [], None
            for earlier in reversed(past):
                fewest = min(earlier[key] for key in tied)
                tied = [key for key in tied if earlier[key] == fewest]
                if len(tied) == 1:
                    gone, rule = tied, "earlier_round"
                    break
            if not gone:
                order = vote["tie_break"] or []
                ranks = sorted((order.index(k) if k in order else len(order), k) for k in tied)
                if ranks[-1][0] != ranks[-2][0]:
                    gone, rule = [ranks[-1][1]], "tie_break"
                    out["decided_by"] = "tie_break"
        if not gone:
            this["rule"], out["tie"] = "tie", True
            return
        this["eliminated"], this["rule"] = gone, rule
        past.append(votes)
        running = [key for key in running if key not in gone]


def count_judgment(vote, keys, cast, out):
    """Majority judgment: the best median grade wins (the worse middle grade for an even
    number); options tied on it are compared on their medians after taking out the median
    grade, again and again, until they differ (Balinski & Laraki)."""
    scale = len(vote["grades"])
    grades = {key: sorted(content["grades"][key] for content in cast) for key in keys}
    out["grades"] = {key: [grades[key].count(g) for g in range(scale)] for key in keys}
    out["medians"] = {key: g[len(g) // 2] if g else None for key, g in grades.items()}
    if not cast:
        return
    best = min(out["medians"].values())
    tied = [key for key in keys if out["medians"][key] == best]

    def successive_medians(sorted_grades):  # take out the median grade, again and again
        remaining, medians = list(sorted_grades), []
        while remaining:
            medians.append(remaining.pop(len(remaining) // 2))
        return medians

    values = {key: successive_medians(grades[key]) for key in tied}
    top = min(values.values())
    settle(vote, [key for key in tied if values[key] == top], out)


def recount(box):
    vote = box["vote"]
    keys = [option["key"] for option in vote["options"]]
    kinds = [kind(vote, ballot["content"]) for ballot in box["ballots"]]
    cast = [b["content"] for b, k in zip(box["ballots"], kinds, strict=True) if k == "valid"]
    out = {"ballots": len(kinds), "valid": len(kinds) - kinds.count("invalid"),
           "blank": kinds.count("blank"), "invalid": kinds.count("invalid"), "cast": len(cast),
           "rounds": [], "threshold": None, "winners": [], "tie": False, "decided_by": None}  # fmt: skip
    method = {"instant_runoff": count_runoff, "majority_judgment": count_judgment}
    method.get(vote["method"], count_choices)(vote, keys, cast, out)
    return out


def check(box, tracker=None):
    """Every disagreement between the published box and this recount, and the recount."""
    wrong, vote, result = [], box["vote"], box["result"]
    if box["format"] != FORMAT:
        wrong.append(f"format is {box['format']!r}, expected {FORMAT!r}")
    if box["genesis"] != sha256(f"{FORMAT}:{vote['id']}"):
        wrong.append("genesis hash is not the hash of this vote's identifier")
    previous = box["genesis"]
    for number, ballot in enumerate(box["ballots"], 1):
        entry = {"tracker": ballot["tracker"], "content": ballot["content"]}
        if sha256(previous + canonical(entry)) != ballot["hash"]:
            wrong.append(f"ballot {number}: hash does not match its content and the previous hash")
        previous = ballot["hash"]
    if box["head"] != previous:
        wrong.append(f"head is {box['head']}, but the chain ends at {previous}")
    trackers = [ballot["tracker"] for ballot in box["ballots"]]
    seen = collections.Counter(trackers)
    wrong += [f"tracker {t} appears {n} times" for t, n in sorted(seen.items()) if n > 1]
    if len(trackers) != box["participation"]:
        wrong.append(f"{len(trackers)} ballots but a participation of {box['participation']}")
    mine = recount(box)
    for field in ("method", "options"):
        expected = vote[field] if field == "method" else [o["key"] for o in vote["options"]]
        if result.get(field) != expected:
            wrong.append(f"result {field}: published {result.get(field)!r}, vote says {expected!r}")
    for field, value in mine.items():
        published = result.get(field)
        if field == "rounds" and isinstance(published, list) and len(published) == len(value):
            for row, mine_row in zip(published, value, strict=True):
                shown = {key: row.get(key) for key in mine_row}  # a publisher may add fields
                if shown != mine_row:
                    wrong.append(f"round {mine_row['round']}: published {json.dumps(shown)}, "
                                 f"recounted {json.dumps(mine_row)}")  # fmt: skip
        elif published != value:
            wrong.append(
                f"{field}: published {json.dumps(published)}, recounted {json.dumps(value)}"
            )
    if tracker is not None and tracker not in trackers:
        wrong.append(f"tracker {tracker} is not in the box")
    return wrong, mine


def summary(box, mine, tracker):
    vote = box["vote"]
    lines = [f"Vote {vote['id']}: {vote['title']}", f"Method: {vote['method']}",
             f"Ballots: {mine['ballots']} (blank {mine['blank']}, invalid {mine['invalid']}), "
             f"votes cast {mine['cast']}, participation {box['participation']}",
             f"Head of the chain: {box['head']}"]  # fmt: skip
    for row in mine["rounds"]:
        counts = ", ".join(f"{key} {n}" for key, n in row["counts"].items())
        done = (
            f"elected {row['elected']}"
            if row["elected"]
            else f"eliminated {', '.join(row['eliminated']) or 'nobody'}"
        )
        lines.append(
            f"Round {row['round']}: {counts}; exhausted {row['exhausted']}; {done} ({row['rule'] or 'majority'})"
        )
    if "counts" in mine and not mine["rounds"]:
        lines.append("Counts: " + ", ".join(f"{k} {n}" for k, n in mine["counts"].items()))
    if "medians" in mine:
        names = [
            f"{k} {'-' if g is None else vote['grades'][g]}" for k, g in mine["medians"].items()
        ]
        lines.append("Majority (median) grades: " + ", ".join(names))
    outcome = "tie" if mine["tie"] else ", ".join(mine["winners"]) or "none"
    lines.append(f"Winner: {outcome}" + (" (by the tie-break order)" if mine["decided_by"] else ""))
    found = [
        b["content"] for b in box["ballots"] if tracker is not None and b["tracker"] == tracker
    ]
    lines += [f"Tracker {tracker} is in the box: {canonical(content)}" for content in found]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Recount a published Council ballot box.")
    parser.add_argument("box", help="the published box (JSON file), or - for stdin")
    parser.add_argument("--tracker", help="a ballot tracker (receipt) to look for")
    args = parser.parse_args(argv)
    try:
        if args.box == "-":
            box = json.load(sys.stdin)
        else:
            with open(args.box, encoding="utf-8") as source:
                box = json.load(source)
        wrong, mine = check(box, args.tracker)
        text = summary(box, mine, args.tracker)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        print(f"Cannot read this ballot box: {error!r}", file=sys.stderr)
        return 2
    print(text)
    if wrong:
        print(f"\nThe published box DISAGREES with this recount ({len(wrong)} problem(s)):")
        print("\n".join(f"- {problem}" for problem in wrong))
        return 1
    print("\nEverything agrees: the chain, the trackers, the participation and the result.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
