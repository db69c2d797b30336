"""Text of participatory budgets that people write, and what only looks like text (see council.core.text_fields).

An imported Pabulib file is text people wrote too: its META values, its other columns and its
identifiers are kept as they were (for the export)."""

from council.core.text_fields import JSON
from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("budgeting.Budget", "title", "description")
written_by_people("budgeting.Budget", "pabulib_meta", holds=JSON)
written_by_people("budgeting.Project", "title", "description", "category", "rejection_reason", "external_id")
written_by_people("budgeting.Project", "pabulib_extra", holds=JSON)
written_by_people("budgeting.Project", "image_description")
written_by_people("budgeting.BudgetBallot", "external_voter_id")
written_by_people("budgeting.BudgetBallot", "pabulib_extra", holds=JSON)

not_written_by_people("budgeting.Budget", "currency", reason="three characters at most: no room for markup")
