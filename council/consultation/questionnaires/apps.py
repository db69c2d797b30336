from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "council.consultation.questionnaires"
    label = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        from council.consultation.parts import register_part
        from council.consultation.questionnaires import permissions  # noqa: F401 - registers the questionnaires.* rules
        from council.consultation.questionnaires import personal_data  # noqa: F401 - declares what it holds about people
        from council.consultation.questionnaires import refusals  # noqa: F401 - what its refusals tell
        from council.consultation.questionnaires import text_fields  # noqa: F401 - declares its text fields
        from council.consultation.questionnaires.segments import answered_questionnaire
        from council.consultation.questionnaires.segments import council_questionnaires
        from council.consultation.questionnaires.selectors import consultation_part
        from council.groups.segments import register_behaviour

        register_behaviour(
            "answered_questionnaire",
            answered_questionnaire,
            label=_("Answered the questionnaire (not anonymous ones)"),
            choices=council_questionnaires,
        )
        register_part("questionnaire", template="questionnaires/_part.html", context=consultation_part)
        _register_live_results()
        _register_tenancy()


def _register_tenancy() -> None:
    from council.consultation.questionnaires import models
    from council.councils import tenancy

    tenancy.register(models.Questionnaire, "consultation__council")
    for of_questionnaire in (models.Question, models.Response, models.Participation):
        tenancy.register(of_questionnaire, "questionnaire__consultation__council")


def _register_live_results() -> None:
    from council.consultation import sockets
    from council.consultation.questionnaires import events
    from council.consultation.questionnaires import live

    sockets.register_audience(live.socket_rights)
    sockets.register_event(events.QUESTIONNAIRE_RESULTS_CHANGED)
