"""The commands workshops and the agenda add to the room socket: one typed payload each.

Registered with the host (council/rooms/host.py) in WorkshopsConfig.ready(). The socket
validates every payload once against its schema; services take typed values and keep
their domain checks (ranges, lengths, who may).
"""

from typing import Annotated
from typing import Literal

from pydantic import Field

from council.core.commands import NoPayload
from council.core.commands import Payload
from council.rooms.host import part_method
from council.rooms.host import register_command
from council.rooms.host import service_handler
from council.workshops import agenda
from council.workshops import reports
from council.workshops import services
from council.workshops.models import WorkshopSession

# Defaults only type the fields a client may leave out: they are never passed on (Payload.arguments).


Mode = Literal[tuple(WorkshopSession.Mode.values)]  # type: ignore[valid-type]  # one list: the model's
Capacity = Annotated[int, Field(ge=0, le=1000)] | None  # None or 0: no limit
WorkshopName = Annotated[str, Field(max_length=120)]
Topic = Annotated[str, Field(max_length=2000)]


class SessionSettings(Payload):
    title: str = Field("", max_length=160)
    mode: Mode = "random"
    duration_seconds: int = Field(0, ge=60, le=8 * 3600)
    grace_seconds: int = Field(0, ge=0, le=600)
    max_proposals: int = Field(0, ge=1, le=10)
    strata: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list, max_length=5)
    include_followers: bool = False


class WorkshopSpec(Payload):
    name: WorkshopName
    topic: Topic = ""
    capacity: Capacity = None


class CreateSession(SessionSettings):
    workshops: list[WorkshopSpec] = Field(default_factory=list, max_length=services.MAX_WORKSHOPS)


class UpdateSession(SessionSettings):
    session_id: int


class Session(Payload):
    session_id: int


class AddWorkshop(Payload):
    session_id: int
    name: WorkshopName
    topic: Topic = ""
    capacity: Capacity = None


class UpdateWorkshop(Payload):
    workshop_id: int
    name: WorkshopName = ""
    topic: Topic = ""
    capacity: Capacity = None
    group_ids: list[int] = Field(default_factory=list)


class WorkshopRef(Payload):
    workshop_id: int


class SetCofacilitator(Payload):
    workshop_id: int
    user_id: int | None  # None: no co-facilitator


class Assign(Payload):
    session_id: int
    user_id: int
    workshop_id: int | None  # None: in no workshop


class Draw(Payload):
    session_id: int
    mode: Mode | None = None
    seed: str | None = Field(None, max_length=64)


class ImportList(Payload):
    session_id: int
    csv_text: str


class Choose(Payload):
    session_id: int
    workshop_id: int


class Close(Payload):
    session_id: int
    grace_seconds: int | None = Field(None, ge=0, le=600)


class Reopen(Payload):
    session_id: int
    shuffle: bool = False


class Duplicate(Payload):
    session_id: int
    keep_assignments: bool = False


class SetTimer(Payload):
    session_id: int
    seconds_left: int = Field(ge=0, le=8 * 3600)


class Broadcast(Payload):
    session_id: int
    text: str


class AnswerHelp(Payload):
    help_id: int


class Visit(Payload):
    workshop_id: int
    hidden: bool = False


class NotesUpdate(Payload):
    update: str = Field(min_length=1)  # a Yjs update, base64
    workshop_id: int | None = None  # keeps an update typed in one workshop out of the next one


class SaveReport(Payload):
    workshop_id: int
    summary: str = Field("", max_length=reports.MAX_SUMMARY_CHARS)
    proposals: list[Annotated[str, Field(max_length=reports.MAX_PROPOSAL_CHARS)]] = Field(default_factory=list)


AgendaTitle = Annotated[str, Field(max_length=agenda.MAX_TITLE_CHARS)]
PlannedMinutes = Annotated[int, Field(ge=1, le=agenda.MAX_PLANNED_MINUTES)]


class AgendaAdd(Payload):
    title: AgendaTitle
    planned_minutes: PlannedMinutes = 10
    session_id: int | None = None


class AgendaUpdate(Payload):
    item_id: int
    title: AgendaTitle = ""
    planned_minutes: PlannedMinutes = 10
    session_id: int | None = None  # None unlinks the item's workshops; left out, they stay


class AgendaItem(Payload):
    item_id: int


class AgendaReorder(Payload):
    item_ids: list[int]


class GiveTurn(Payload):
    user_id: int


def _plenary(socket) -> int:
    return socket.plenary_id


SERVICES = {
    "workshops.update_session": (UpdateSession, services.session_update),
    "workshops.add_workshop": (AddWorkshop, services.workshop_add),
    "workshops.update_workshop": (UpdateWorkshop, services.workshop_update),
    "workshops.remove_workshop": (WorkshopRef, services.workshop_remove),
    "workshops.set_cofacilitator": (SetCofacilitator, services.cofacilitator_set),
    "workshops.assign": (Assign, services.assignment_set),
    "workshops.draw": (Draw, services.assignments_draw),
    "workshops.import_list": (ImportList, services.assignments_import),
    "workshops.choose": (Choose, services.workshop_choose),
    "workshops.open": (Session, services.session_open),
    "workshops.close": (Close, services.session_close),
    "workshops.reopen": (Reopen, services.session_reopen),
    "workshops.duplicate": (Duplicate, services.session_duplicate),
    "workshops.set_timer": (SetTimer, services.timer_set),
    "workshops.broadcast": (Broadcast, services.broadcast_send),
    "workshops.answer_help": (AnswerHelp, services.help_answer),
}

# The agenda belongs to the plenary: wherever the socket is, its commands act on the plenary.
AGENDA = {
    "workshops.agenda_add": (AgendaAdd, agenda.agenda_item_add),
    "workshops.agenda_update": (AgendaUpdate, agenda.agenda_item_update),
    "workshops.agenda_remove": (AgendaItem, agenda.agenda_item_remove),
    "workshops.agenda_reorder": (AgendaReorder, agenda.agenda_reorder),
    "workshops.agenda_start": (AgendaItem, agenda.agenda_item_start),
    "workshops.agenda_next": (NoPayload, agenda.agenda_next),
    "workshops.agenda_finish": (NoPayload, agenda.agenda_item_finish),
    "workshops.give_turn": (GiveTurn, agenda.speaker_give),
    "workshops.end_turn": (NoPayload, agenda.speaker_end),
}

# Commands that need the socket's state (where it is, the session it follows): methods of
# the part workshops keep on each socket (council/workshops/socket.py).
SOCKET = {
    "workshops.create_session": (CreateSession, "create_session"),
    "workshops.ask_help": (NoPayload, "ask_help"),
    "workshops.ask_more_time": (NoPayload, "ask_more_time"),
    "workshops.visit": (Visit, "visit"),
    "workshops.return": (NoPayload, "return_to_plenary"),
    "workshops.log": (Session, "session_log"),
    "workshops.notes_update": (NotesUpdate, "notes_update"),
    "workshops.save_report": (SaveReport, "save_report"),
    "workshops.reports": (Session, "reports_list"),
}


def register() -> None:
    for type_, (schema, service) in SERVICES.items():
        register_command(type_, schema, service_handler(service))
    for type_, (schema, service) in AGENDA.items():
        register_command(type_, schema, service_handler(service, room_id=_plenary))
    for type_, (schema, name) in SOCKET.items():
        register_command(type_, schema, part_method("workshops", name))
