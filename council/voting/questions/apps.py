from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "council.voting.questions"
    label = "questions"
    verbose_name = _("Live questions")

    def ready(self) -> None:
        from council.voting.questions import commands
        from council.voting.questions import permissions  # noqa: F401 - registers the questions.* rules
        from council.voting.questions import personal_data  # noqa: F401 - declares what it holds about people
        from council.voting.questions import refusals  # noqa: F401 - what its refusals tell
        from council.voting.questions import text_fields  # noqa: F401 - declares its text fields

        commands.register()
        _register_with_the_host()
        _register_tenancy()


def _register_with_the_host() -> None:
    """Events relayed to whoever is in the group they went to, the snapshot section and the tab."""
    from council.rooms import host
    from council.rooms.panels import register_panel
    from council.voting.questions import events
    from council.voting.questions import strings
    from council.voting.questions.selectors import questions_section
    from council.voting.questions.selectors import questions_wave_remember
    from council.voting.questions.views import questions_panel_data

    for event in events.ALL:
        host.register_event(event)
    host.register_section("questions", questions_section, perm="rooms.view_room")
    host.register_wave(remember_facts=questions_wave_remember)
    register_panel(
        "questions",
        "questions/_questions.html",
        "voting/questions.js",
        strings.panel_strings,
        label=lambda: gettext("Questions"),
        data=questions_panel_data,
    )


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.voting.questions import models

    for model in (models.QaSettings, models.Question, models.ModerationEntry):
        tenancy.register(model, "room__council")
    tenancy.register(models.Upvote, "question__room__council")
