from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationMeetingsConfig(AppConfig):
    """Consultation in meetings: a contribution or a questionnaire's results on the live room's
    stage and on its agenda, and a workshop's report back turned into a contribution (a report
    destination of workshops)."""

    name = "council.consultation.meetings"
    label = "consultation_meetings"
    verbose_name = _("Consultation in meetings")

    def ready(self) -> None:
        from council.consultation.meetings import models
        from council.consultation.meetings import permissions  # noqa: F401 - registers the consultation_meetings.* rules
        from council.consultation.meetings import refusals  # noqa: F401 - what its refusals tell
        from council.councils import tenancy

        tenancy.register(models.ContributionOnStage, "room__council")
        tenancy.register(models.AgendaContribution, "room__council")
        tenancy.register(models.ResultsOnStage, "room__council")
        tenancy.register(models.AgendaQuestionnaire, "room__council")
        _register_with_the_host()
        _register_report_destination()


def _register_with_the_host() -> None:
    from council.consultation.meetings import commands
    from council.consultation.meetings import events
    from council.consultation.meetings import results
    from council.consultation.meetings import stage
    from council.consultation.meetings.strings import stage_strings
    from council.consultation.questionnaires import live
    from council.rooms import agenda_links
    from council.rooms import host
    from council.rooms.panels import register_panel

    commands.register()
    host.register_event(events.STAGE_CHANGED)
    host.register_event(events.RESULTS_STAGE_CHANGED)
    host.register_section("consultation_stage", stage.stage_section, perm="rooms.view_room")
    host.register_section("consultation_results_stage", results.stage_section, perm="rooms.view_room")
    agenda_links.register_attachments(
        "contribution", attached=stage.agenda_attachments, strings=stage.attachment_strings
    )
    agenda_links.register_attachments(
        "questionnaire", attached=results.agenda_attachments, strings=results.attachment_strings
    )
    live.on_results_sent(results.results_sent)
    register_panel(
        "consultation-stage",
        "consultation/_stage_panel.html",
        "consultation/stage.js",
        stage_strings,
        label=lambda: str(_("Consultation")),
        data=lambda request, plenary: {
            "contributions": stage.presentable_contributions(request.user, plenary),
            "questionnaires": results.presentable_questionnaires(request.user, plenary),
        },
        stage_template="consultation/_stage.html",
    )


def _register_report_destination() -> None:
    from council.consultation.meetings import reports
    from council.workshops.destinations import register_destination

    register_destination(
        "consultation", label=lambda: str(_("A contribution to a consultation")),
        choices=reports.open_consultations, deliver=reports.report_to_contribution,
    )
