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
written_by_people("budgeting.ProjectUpdate", "text", "photo_description")
not_written_by_people("budgeting.BudgetResult", "error", reason="a failure's code (council/budgeting/results.py FAILURES)")
not_written_by_people("budgeting.BudgetResult", "progress", reason="numbers written by the computation")
not_written_by_people("budgeting.BudgetResult", "selected", reason="project numbers chosen by the rules")
not_written_by_people("budgeting.BudgetResult", "mes", reason="numbers and project numbers from the rules")
not_written_by_people("budgeting.BudgetResult", "shares", reason="voters' and projects' numbers and amounts")
not_written_by_people("budgeting.BudgetResult", "scores", reason="project numbers and their votes")
not_written_by_people("budgeting.Budget", "verification_requirement", reason="kinds and a mode, checked by council.verifications")
