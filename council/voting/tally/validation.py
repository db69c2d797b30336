"""Whether a ballot's content is valid for a vote, and why not.

A content that breaks a rule is a *bulletin nul* (Code électoral, art. L66: ballots that do
not let the voter's choice be known, or that carry more names than allowed, are not counted
as votes cast). The server refuses an invalid electronic ballot; paper entry records it.
"""

from collections.abc import Sequence
from typing import Any

METHODS = (
    "majority_simple",
    "majority_absolute",
    "majority_two_thirds",
    "approval",
    "instant_runoff",
    "majority_judgment",
)
SINGLE_CHOICE = ("majority_simple", "majority_absolute", "majority_two_thirds")

# The reasons, stable codes the pages translate.
NOT_AN_OBJECT = "not_an_object"
MALFORMED = "malformed"
UNKNOWN_OPTION = "unknown_option"
DUPLICATE_OPTION = "duplicate_option"
TOO_MANY = "too_many"
TOO_FEW = "too_few"
MISSING_GRADE = "missing_grade"
GRADE_OUT_OF_RANGE = "grade_out_of_range"
REASONS = (
    NOT_AN_OBJECT,
    MALFORMED,
    UNKNOWN_OPTION,
    DUPLICATE_OPTION,
    TOO_MANY,
    TOO_FEW,
    MISSING_GRADE,
    GRADE_OUT_OF_RANGE,
)
_FIELD = {"approval": "approved", "instant_runoff": "ranking", "majority_judgment": "grades"}


def check_vote(method: str, options: Sequence[str], grades: Sequence[str] | None) -> None:
    """Refuse a vote's definition that cannot be counted (a programming error, not a ballot's)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    if len(set(options)) != len(options) or not all(isinstance(key, str) for key in options):
        raise ValueError("options must be distinct strings")
    if method == "majority_judgment" and not grades:
        raise ValueError("majority judgment needs its list of grades")


def check_rules(
    options: Sequence[str],
    min_choices: int | None,
    max_choices: int | None,
    tie_break: Sequence[str] | None,
) -> None:
    """Refuse limits or a tie-break order that make no sense for these options."""
    lowest = 0 if min_choices is None else min_choices
    highest = len(options) if max_choices is None else max_choices
    if not 0 <= lowest <= highest:
        raise ValueError("min_choices and max_choices must satisfy 0 <= min <= max")
    order = list(tie_break or ())
    if len(set(order)) != len(order) or not set(order) <= set(options):
        raise ValueError("tie_break must list distinct options")


def is_blank(content: Any) -> bool:
    """`{"blank": true}` and nothing else: a blank vote (for a motion, an abstention)."""
    return isinstance(content, dict) and content == {"blank": True} and content["blank"] is True


def validate(
    method: str,
    options: Sequence[str],
    content: Any,
    *,
    grades: Sequence[str] | None = None,
    min_choices: int | None = None,
    max_choices: int | None = None,
) -> list[str]:
    """The reasons this content is invalid, in a stable order; `[]` when it is valid.

    Approval and ranked ballots name at least `min_choices` options (one by default: approving
    or ranking nothing is what the blank vote is for) and at most `max_choices` (all of them).
    """
    check_vote(method, options, grades)
    if not isinstance(content, dict):
        return [NOT_AN_OBJECT]
    if is_blank(content):
        return []
    field = _FIELD.get(method, "choice")
    if set(content) != {field}:
        return [MALFORMED]
    value = content[field]
    if method in SINGLE_CHOICE:
        if not isinstance(value, str):
            return [MALFORMED]
        return [] if value in options else [UNKNOWN_OPTION]
    if method == "majority_judgment":
        return _grade_reasons(options, value, len(grades or ()))
    return _list_reasons(options, value, min_choices, max_choices)


def _list_reasons(
    options: Sequence[str], value: Any, min_choices: int | None, max_choices: int | None
) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        return [MALFORMED]
    reasons = []
    if any(key not in options for key in value):
        reasons.append(UNKNOWN_OPTION)
    if len(set(value)) != len(value):
        reasons.append(DUPLICATE_OPTION)
    lowest = 1 if min_choices is None else min_choices
    highest = len(options) if max_choices is None else max_choices
    if len(value) > highest:
        reasons.append(TOO_MANY)
    if len(value) < lowest:
        reasons.append(TOO_FEW)
    return reasons


def _grade_reasons(options: Sequence[str], value: Any, grade_count: int) -> list[str]:
    if not isinstance(value, dict):
        return [MALFORMED]
    if not all(type(grade) is int for grade in value.values()):
        return [MALFORMED]
    reasons = []
    if any(key not in options for key in value):
        reasons.append(UNKNOWN_OPTION)
    if any(key not in value for key in options):
        reasons.append(MISSING_GRADE)
    if any(not 0 <= grade < grade_count for grade in value.values()):
        reasons.append(GRADE_OUT_OF_RANGE)
    return reasons
