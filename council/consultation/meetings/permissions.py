"""Who may bring a contribution or questionnaire results into a meeting, and turn a report back
into a contribution (docs/permissions.md).

`consultation_meetings.present_contribution` is asked on a `Presentation` (the meeting's plenary
room and the contribution): the meeting's facilitators (rooms' own rule) for a visible
contribution of a published consultation of the same council. `consultation_meetings.
present_results` is asked on a `ResultsPresentation` (the plenary room and a questionnaire): the
meeting's facilitators who may read the results themselves (`questionnaires.view_results`),
for a published consultation of the same council; the stage then shows them to the whole meeting. `consultation_meetings.
receive_report` is asked on a consultation: its moderators, while contributions are open.
"""

from dataclasses import dataclass
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.consultation import phases
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.permissions import VIEW_RESULTS
from council.core.permissions import predicate

PRESENT = "consultation_meetings.present_contribution"
PRESENT_RESULTS = "consultation_meetings.present_results"
RECEIVE_REPORT = "consultation_meetings.receive_report"


@dataclass(frozen=True)
class Presentation:
    room: Any  # the meeting's plenary room
    contribution: Contribution


@dataclass(frozen=True)
class ResultsPresentation:
    room: Any  # the meeting's plenary room
    questionnaire: Questionnaire


@predicate
def runs_the_meeting(user: User | AnonymousUser, presentation: Presentation | ResultsPresentation) -> bool:
    return user.is_authenticated and user.has_perm("rooms.moderate_room", presentation.room)


@predicate
def contribution_is_public_here(user: User | AnonymousUser, presentation: Presentation) -> bool:
    contribution = presentation.contribution
    consultation = contribution.consultation
    return contribution.is_visible and consultation.is_published and consultation.council_id == presentation.room.council_id


@predicate
def reads_results_of_this_council(user: User | AnonymousUser, presentation: ResultsPresentation) -> bool:
    consultation = presentation.questionnaire.consultation
    return (
        consultation.is_published and consultation.council_id == presentation.room.council_id
        and user.has_perm(VIEW_RESULTS, presentation.questionnaire)
    )


@predicate
def moderates_consultation(user: User | AnonymousUser, consultation: Consultation) -> bool:
    return user.has_perm("consultation.moderate_consultation", consultation)


@predicate
def contributions_are_open(user: User | AnonymousUser, consultation: Consultation) -> bool:
    phase = consultation.current_phase
    return consultation.is_published and phase is not None and phase.kind in phases.SUBMITTING


rules.add_perm(PRESENT, runs_the_meeting & contribution_is_public_here)
rules.add_perm(PRESENT_RESULTS, runs_the_meeting & reads_results_of_this_council)
rules.add_perm(RECEIVE_REPORT, moderates_consultation & contributions_are_open)
