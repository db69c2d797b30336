from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "council.voting.ballots"
    label = "ballots"
    verbose_name = _("Binding votes")

    def ready(self) -> None:
        from council.voting.ballots import commands
        from council.voting.ballots import permissions  # noqa: F401 - registers the ballots.* rules
        from council.voting.ballots import personal_data  # noqa: F401 - declares what it holds about people
        from council.voting.ballots import refusals  # noqa: F401 - what its refusals tell
        from council.voting.ballots import text_fields  # noqa: F401 - declares its text fields

        commands.register()
        _register_deadlines()
        _register_with_the_host()
        _register_tenancy()


def _register_deadlines() -> None:
    from council.core.deadlines import register_deadlines
    from council.voting.ballots.deadlines import votes_apply
    from council.voting.ballots.deadlines import votes_next

    register_deadlines(apply=votes_apply, next_at=votes_next)


def _register_with_the_host() -> None:
    """A vote held in a meeting: its state in the room's snapshot, its events relayed to the meeting."""
    from council.rooms import host
    from council.voting.ballots import events
    from council.voting.ballots.selectors import meeting_votes

    host.register_event(events.PARTICIPATION_CHANGED)
    host.register_event(events.VOTE_CHANGED)
    host.register_section("votes", meeting_votes)
    _register_panel()
    _register_agenda_links()


def _register_agenda_links() -> None:
    """A vote held in a meeting may be attached to an item of its agenda (through the host)."""
    from council.rooms import agenda_links
    from council.voting.ballots.models import Vote
    from council.voting.ballots.selectors import agenda_attachments

    agenda_links.register_attachments(
        "vote",
        attached=agenda_attachments,
        strings=lambda: {"kind": str(_("Binding vote")), "statuses": {s.value: str(s.label) for s in Vote.Status}},
    )


def _register_panel() -> None:
    """The meeting's votes as a tab of the room page, and the open vote's ballot card on the stage."""
    from django.urls import reverse

    from council.rooms.panels import register_panel
    from council.voting.ballots.strings import meeting_strings

    register_panel(
        "votes",
        "ballots/_meeting.html",
        "ballots/meeting.js",
        meeting_strings,
        label=lambda: str(_("Votes")),
        data=lambda request, plenary: {
            "votes_url": reverse("vote-list", args=[plenary.council.slug]),
            "can_manage": request.user.has_perm("ballots.manage_vote", plenary.council),
        },
        stage_template="ballots/_stage.html",
    )


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.voting.ballots import models

    tenancy.register(models.Vote, "council")
    for model in (
        models.VoteOption, models.Elector, models.Participation, models.PendingBallot, models.BoxEntry,
        models.PaperBallot,
    ):
        tenancy.register(model, "vote__council")
