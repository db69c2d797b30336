"""The meeting's event of consultation (documented in docs/asyncapi.yaml)."""

STAGE_CHANGED = "consultation.stage_changed"  # the whole meeting: the contribution on its stage, or none
