"""Text of binding votes that people write, and what only looks like text (see council.core.text_fields)."""

from council.core.text_fields import JSON
from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("ballots.Vote", "title", "text", "tie_break_reason")
written_by_people("ballots.Vote", "grades", holds=JSON)
# The sitting as it stood at opening carries the president's display name (the minutes show it).
written_by_people("ballots.Vote", "sitting", holds=JSON)
written_by_people("ballots.VoteOption", "label")
# Named votes publish each ballot with its voter's name (a copy of their display name).
written_by_people("ballots.BoxEntry", "voter_name")

not_written_by_people("ballots.VoteOption", "key", reason="slugified from the label: letters, digits, - and _")
not_written_by_people("ballots.Vote", "tie_break", reason="option keys, checked against the vote's options")
not_written_by_people("ballots.Vote", "electorate_fingerprint", reason="a sha256 the server computes")
not_written_by_people("ballots.Vote", "head", reason="a sha256 the server computes")
not_written_by_people("ballots.Vote", "result", reason="the count: numbers, option keys and explanation codes")
not_written_by_people("ballots.BoxEntry", "hash", reason="a sha256 the server computes")
for model in ("ballots.PendingBallot", "ballots.BoxEntry"):
    not_written_by_people(model, "tracker", reason="refused unless 26 characters of A-Z and 2-7")
    not_written_by_people(model, "content", reason="a ballot refused unless it names the vote's option keys and grade numbers")
not_written_by_people("ballots.PaperBallot", "content", reason="a ballot refused unless it names the vote's option keys and grade numbers")
not_written_by_people(
    "ballots.PendingBallot", "voter_name", reason="a copy of the voter's display name, shown once in the box (BoxEntry)"
)
not_written_by_people("ballots.Vote", "verification_requirement", reason="kinds and a mode, checked by council.verifications")
