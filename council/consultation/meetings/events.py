"""The meeting's event of consultation (documented in docs/asyncapi.yaml)."""

STAGE_CHANGED = "consultation.stage_changed"  # the whole meeting: the contribution on its stage, or none
RESULTS_STAGE_CHANGED = "consultation.results_stage_changed"  # the whole meeting: the questionnaire results on its stage, or none
