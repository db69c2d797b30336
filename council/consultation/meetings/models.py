"""What consultation keeps about meetings: the contribution and the questionnaire results on a
meeting's stage, and the contributions and questionnaires put on its agenda (the agenda's item
by plain id: council/rooms/agenda_links.py)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.consultation.models import Contribution
from council.consultation.questionnaires.models import Questionnaire
from council.councils.tenancy import SameCouncilMixin


class ContributionOnStage(SameCouncilMixin, models.Model):
    """The contribution shown on a meeting's stage; stored, so a socket that joins or reconnects sees it."""

    room = models.OneToOneField("rooms.Room", on_delete=models.CASCADE, related_name="contribution_on_stage")
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="+")
    shown_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contribution on a meeting's stage")
        verbose_name_plural = _("contributions on meetings' stages")

    def __str__(self) -> str:
        return f"{self.contribution_id} @ {self.room_id}"


class AgendaContribution(SameCouncilMixin, models.Model):
    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="+")
    item_id = models.PositiveIntegerField()
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contribution on a meeting's agenda")
        verbose_name_plural = _("contributions on meetings' agendas")
        constraints = [models.UniqueConstraint(fields=["room", "contribution"], name="consultation_once_on_an_agenda")]

    def __str__(self) -> str:
        return f"{self.contribution_id} @ {self.room_id}/{self.item_id}"


class ResultsOnStage(SameCouncilMixin, models.Model):
    """The questionnaire whose results a meeting's stage shows; stored, so a socket that joins or reconnects sees them."""

    room = models.OneToOneField("rooms.Room", on_delete=models.CASCADE, related_name="results_on_stage")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    shown_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire results on a meeting's stage")
        verbose_name_plural = _("questionnaire results on meetings' stages")

    def __str__(self) -> str:
        return f"{self.questionnaire_id} @ {self.room_id}"


class AgendaQuestionnaire(SameCouncilMixin, models.Model):
    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="+")
    item_id = models.PositiveIntegerField()
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire results on a meeting's agenda")
        verbose_name_plural = _("questionnaire results on meetings' agendas")
        constraints = [models.UniqueConstraint(fields=["room", "questionnaire"], name="consultation_results_once_on_an_agenda")]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} @ {self.room_id}/{self.item_id}"
