from django.contrib import admin

from council.councils.admin import CouncilScopedAdmin
from council.councils.admin import ScopedChoicesMixin
from council.councils.admin import may_administer
from council.workshops.models import AgendaItem
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession


class WorkshopInline(ScopedChoicesMixin, admin.TabularInline):
    model = Workshop
    fields = ["position", "name", "topic", "capacity", "cofacilitator"]
    readonly_fields = ["cofacilitator"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # a workshop comes with its breakout room: created from the room page

    # Django would ask the model permission "workshops.view_workshop", which is a rule about
    # one workshop (council/workshops/permissions.py), with the session: ask the admin's own.
    def has_view_permission(self, request, obj=None):
        return may_administer(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return may_administer(request.user, obj)


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(CouncilScopedAdmin):
    """Sessions stay after the meeting: their reports and log are the meeting's record."""

    list_display = ["title", "room", "status", "mode", "round", "opened_at", "closed_at"]
    list_filter = ["room__council", "status", "mode"]
    search_fields = ["title", "room__name"]
    readonly_fields = ["room", "status", "seed", "round", "opened_at", "ends_at", "closes_at", "closed_at", "created_by"]
    inlines = [WorkshopInline]

    def has_add_permission(self, request):
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(CouncilScopedAdmin):
    list_display = ["title", "room", "position", "planned_minutes", "started_at", "ended_at"]
    list_filter = ["room__council"]
