from django.contrib import admin

from council.councils.admin import CouncilScopedAdmin
from council.workshops.models import AgendaItem
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession


class WorkshopInline(admin.TabularInline):
    model = Workshop
    fields = ["position", "name", "topic", "capacity", "cofacilitator"]
    readonly_fields = ["cofacilitator"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # a workshop comes with its breakout room: created from the room page


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(CouncilScopedAdmin):
    """Sessions stay after the meeting: their reports and log are the meeting's record."""

    council_path = "room__council"
    list_display = ["title", "room", "status", "mode", "round", "opened_at", "closed_at"]
    list_filter = ["room__council", "status", "mode"]
    search_fields = ["title", "room__name"]
    readonly_fields = ["room", "status", "seed", "round", "opened_at", "ends_at", "closes_at", "closed_at", "created_by"]
    inlines = [WorkshopInline]

    def has_add_permission(self, request):
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(CouncilScopedAdmin):
    council_path = "room__council"
    list_display = ["title", "room", "position", "planned_minutes", "started_at", "ended_at"]
    list_filter = ["room__council"]
