from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "council.voting.ballots"
    label = "ballots"
    verbose_name = _("Binding votes")

    def ready(self) -> None:
        from council.voting.ballots import permissions  # noqa: F401 - registers the ballots.* rules
        from council.voting.ballots import refusals  # noqa: F401 - what its refusals tell

        _register_tenancy()


def _register_tenancy() -> None:
    from council.councils import tenancy
    from council.voting.ballots import models

    tenancy.register(models.Vote, "council")
    for model in (
        models.VoteOption, models.Elector, models.Participation, models.PendingBallot, models.BoxEntry,
        models.PaperBallot,
    ):
        tenancy.register(model, "vote__council")
