"""The questionnaire builder: in the admin, beside the consultations, for the council's administrators.

A question may be shown only when an earlier one is answered a certain way (`show_if`);
the model's `clean` checks the condition names an earlier choice question of the same
questionnaire and one of its answers. Answers are never shown here: the results page
counts them (and an anonymous questionnaire has nothing to show per person anyway).
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from council.consultation.live import rights_changed_on_commit
from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire
from council.councils.admin import CouncilScopedAdmin
from council.councils.admin import ScopedChoicesMixin
from council.councils.admin import may_administer


class QuestionInline(ScopedChoicesMixin, admin.StackedInline):  # type: ignore[misc, type-arg]  # as the other scoped inlines
    model = Question
    extra = 0
    fields = [
        ("position", "kind", "required"), "text", "help_text", "options", "rows", ("min_choices", "max_choices", "scale_max"),
        ("show_if", "show_if_value"),
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "show_if":  # the questions of this questionnaire only
            questionnaire_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Question.objects.filter(questionnaire_id=questionnaire_id) if questionnaire_id else Question.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[no-untyped-call]

    # Django would ask model permissions no role grants: ask the admin's own.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user, obj)


@admin.register(Questionnaire)
class QuestionnaireAdmin(CouncilScopedAdmin):
    list_display = ["title", "consultation", "is_anonymous", "results_public"]
    list_filter = ["consultation__council", "is_anonymous"]
    search_fields = ["title"]
    fields = ["consultation", "title", "intro", "is_anonymous", "results_public"]
    inlines = [QuestionInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Whether the results are public decides who may read them: open pages learn it live."""
        super().save_related(request, form, formsets, change)
        rights_changed_on_commit(form.instance.consultation_id)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """Once someone answered, whether it is anonymous is settled: their answers were stored so."""
        if obj is not None and obj.participations.exists():
            return ["consultation", "is_anonymous"]
        return []
