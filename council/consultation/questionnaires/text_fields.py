"""Text of questionnaires that people write (see council.core.text_fields)."""

from council.core.text_fields import JSON
from council.core.text_fields import written_by_people

written_by_people("questionnaires.Questionnaire", "title", "intro")
written_by_people("questionnaires.Question", "text", "help_text", "options", "rows", "show_if_value")
written_by_people("questionnaires.Response", "answers", holds=JSON)
