"""Text of workshops and agendas that people write (see council.core.text_fields)."""

from council.core.text_fields import JSON
from council.core.text_fields import written_by_people

# The seed is published with the draw and a facilitator may type their own.
written_by_people("workshops.WorkshopSession", "title", "seed")
written_by_people("workshops.WorkshopSession", "strata", holds=JSON)
written_by_people("workshops.Workshop", "name", "topic")
# The log keeps the messages facilitators broadcast to every workshop.
written_by_people("workshops.LogEntry", "text")
written_by_people("workshops.Notes", "text")
written_by_people("workshops.Report", "summary")
written_by_people("workshops.Report", "proposals", holds=JSON)
written_by_people("workshops.AgendaItem", "title")
