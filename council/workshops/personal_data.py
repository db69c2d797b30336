"""What workshops hold about a person: assignments, help requests, speaking turns, facilitation."""

from django.utils.translation import gettext_lazy as _

from council.core.personal_data import DELETE
from council.core.personal_data import FORGET
from council.core.personal_data import holds_personal_data

holds_personal_data(
    "workshops.Assignment", "user", policy=DELETE, title=_("Workshops you were assigned to"),
    fields=("session__title", "workshop__name", "assigned_at"),
)
holds_personal_data("workshops.Assignment", "assigned_by", policy=FORGET, title=_("Assignments you made"), fields=("workshop__name",))
holds_personal_data(
    "workshops.HelpRequest", "user", policy=DELETE, title=_("Help requested"), fields=("workshop__name", "created_at"),
)
holds_personal_data("workshops.HelpRequest", "answered_by", policy=FORGET, title=_("Help given"), fields=("workshop__name",))
holds_personal_data(
    "workshops.SpeakingTurn", "user", policy=DELETE, title=_("Speaking turns"),
    fields=("room__name", "started_at", "ended_at"),
)
holds_personal_data("workshops.SpeakingTurn", "given_by", policy=FORGET, title=_("Speaking turns given"), fields=("room__name",))
holds_personal_data("workshops.LogEntry", "user", policy=FORGET, title=_("Workshop log"), fields=("kind", "at"))
holds_personal_data("workshops.LogEntry", "actor", policy=FORGET, title=_("Workshop log"), fields=("kind", "at"))
holds_personal_data("workshops.WorkshopSession", "created_by", policy=FORGET, title=_("Workshop sessions prepared"), fields=("title",))
holds_personal_data("workshops.Workshop", "cofacilitator", policy=FORGET, title=_("Workshops co-facilitated"), fields=("name",))
holds_personal_data("workshops.Report", "updated_by", policy=FORGET, title=_("Workshop reports written"), fields=("workshop__name", "summary"))
