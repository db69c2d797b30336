from django.contrib import admin

from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import Project
from council.councils.admin import CouncilScopedAdmin
from council.councils.admin import ScopedChoicesMixin
from council.councils.admin import may_administer
from council.verifications.forms import RequirementAdminForm


class ProjectInline(ScopedChoicesMixin, admin.TabularInline):
    model = Project
    fields = ["title", "cost", "category", "feasibility", "rejection_reason"]
    extra = 0

    def has_view_permission(self, request, obj=None):
        return may_administer(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return may_administer(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return may_administer(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return may_administer(request.user, obj)


@admin.register(Budget)
class BudgetAdmin(CouncilScopedAdmin):
    form = RequirementAdminForm  # what verifications voting and proposing require: the shared chooser
    list_display = ["title", "council", "amount", "currency", "ballot_kind", "rule", "vote_starts_at", "vote_ends_at"]
    list_filter = ["council", "ballot_kind", "rule"]
    search_fields = ["title"]
    filter_horizontal = ["eligible_groups"]
    exclude = ["pabulib_meta"]
    inlines = [ProjectInline]


@admin.register(Project)
class ProjectAdmin(CouncilScopedAdmin):
    list_display = ["title", "budget", "cost", "category", "feasibility"]
    list_filter = ["budget__council", "feasibility"]
    search_fields = ["title", "budget__title"]
    exclude = ["pabulib_extra"]
    readonly_fields = ["proposer", "proposed_at"]  # set by the proposal form, never chosen here


@admin.register(BudgetBallot)
class BudgetBallotAdmin(CouncilScopedAdmin):
    """Ballots are private: the admin lists who voted in which budget and when, never the choices."""

    list_display = ["budget", "voter", "external_voter_id", "submitted_at", "entered_by"]
    list_filter = ["budget__council"]
    fields = ["budget", "voter", "external_voter_id", "paper_number", "entered_by", "submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
