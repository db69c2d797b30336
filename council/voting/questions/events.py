"""The Q&A's events (documented in docs/asyncapi.yaml) and who hears each.

- `questions.question_changed`: a question as everyone may see it. To the meeting when it is
  approved or answered; to its author alone while it waits for approval.
- `questions.question_removed`: a question left the public list (hidden, withdrawn, merged).
- `questions.question_moderated`: a question as the facilitation team sees it (status, real
  author, reason), to the meeting's facilitators' group only, after every change.
- `questions.votes_changed`: the exact counts of the meeting's visible questions, coalesced.
- `questions.shown_changed`: the question on the projector (or none).
- `questions.settings_changed`: open or closed, moderated, anonymous questions allowed.
"""

QUESTION_CHANGED = "questions.question_changed"
QUESTION_REMOVED = "questions.question_removed"
QUESTION_MODERATED = "questions.question_moderated"
VOTES_CHANGED = "questions.votes_changed"
SHOWN_CHANGED = "questions.shown_changed"
SETTINGS_CHANGED = "questions.settings_changed"

ALL = (QUESTION_CHANGED, QUESTION_REMOVED, QUESTION_MODERATED, VOTES_CHANGED, SHOWN_CHANGED, SETTINGS_CHANGED)


def votes_key(room_id: int) -> str:
    """The coalescing key of a meeting's vote counts (council/core/coalesce.py)."""
    return f"questions.votes.{room_id}"
