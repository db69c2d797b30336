"""What each phase of a consultation allows (adhocracy4 style): the rules read it, nothing else.

Outside every phase (before the first, between two, after the last) only reading is allowed.
"""

from council.consultation.models import PhaseKind

#: submitting, editing one's own contributions within the edit window
SUBMITTING = frozenset({PhaseKind.CONTRIBUTIONS})
#: endorsing and commenting: the discussion goes on while the questionnaire runs
DISCUSSING = frozenset({PhaseKind.CONTRIBUTIONS, PhaseKind.QUESTIONNAIRE})
