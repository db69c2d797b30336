"""The questionnaire's event on the consultation socket (documented in docs/asyncapi.yaml)."""

QUESTIONNAIRE_RESULTS_CHANGED = "consultation.questionnaire_results_changed"  # the results as they stand, coalesced


def results_group(consultation_id: int) -> str:
    """The consultation's sockets of people who may read its questionnaire's results (joined on connect)."""
    return f"consultation.{consultation_id}.results"


def results_key(questionnaire_id: int) -> str:
    """The coalescing key of a questionnaire's results (council/core/coalesce.py)."""
    return f"questionnaires.results.{questionnaire_id}"
