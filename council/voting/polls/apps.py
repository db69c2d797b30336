from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "council.voting.polls"
    label = "polls"
    verbose_name = _("Live polls")

    def ready(self) -> None:
        from council.voting.polls import commands
        from council.voting.polls import permissions  # noqa: F401 - registers the polls.* rules
        from council.voting.polls import personal_data  # noqa: F401 - declares what it holds about people
        from council.voting.polls import refusals  # noqa: F401 - what its refusals tell
        from council.voting.polls import text_fields  # noqa: F401 - declares its text fields

        commands.register()
        _register_with_the_host()
        _register_tenancy()
        _register_panel()
        _register_agenda_links()


def _register_with_the_host() -> None:
    """Events relayed as sent (each to the audience that may hear it) and the snapshot's section."""
    from council.rooms import host
    from council.voting.polls import events
    from council.voting.polls.selectors import polls_section

    for relayed in (
        events.POLL_OPENED, events.POLL_CLOSED, events.RESULTS_CHANGED, events.RESULTS_SHOWN, events.POLLS_CHANGED,
    ):
        host.register_event(relayed)
    host.register_section("polls", polls_section, perm="rooms.view_room")


def _register_agenda_links() -> None:
    """Polls attach to the meeting's agenda items through the host (the agenda is another module's)."""
    from council.rooms import agenda_links
    from council.voting.polls import services
    from council.voting.polls.selectors import agenda_attachments
    from council.voting.polls.strings import attachment_strings

    agenda_links.register_attachments(
        "poll", attached=agenda_attachments, strings=attachment_strings, agenda_changed=services.agenda_changed
    )


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.voting.polls import models

    tenancy.register(models.Poll, "room__council")
    tenancy.register(models.Answer, "poll__room__council")


def _register_panel() -> None:
    from council.rooms.panels import register_panel
    from council.voting.polls import strings
    from council.voting.polls.panels import polls_panel_data

    register_panel(
        "polls",
        "polls/_polls.html",
        "voting/polls.js",
        strings.polls_strings,
        label=lambda: str(_("Polls")),
        data=polls_panel_data,
        stage_template="polls/_polls_stage.html",
    )
