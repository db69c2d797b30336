"""Records kept by law are deleted once their retention (KEPT_RECORD_RETENTION_DAYS) is over."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.core.retention import kept_records_purge
from council.core.tasks import kept_records_purge_task
from council.councils.models import AuditEntry
from council.voting.assembly.models import HallPresence
from council.voting.assembly.models import Proxy
from council.voting.assembly.models import Sitting
from council.voting.ballots.models import Elector
from council.voting.ballots.models import Vote

SIX_YEARS = timedelta(days=2192)
NOTHING = {"audit_log": 0, "budget_paper_ballots": 0, "proxies": 0, "sittings": 0, "votes": 0}


@pytest.fixture
def ended(everywhere):
    """Every kept record of `everywhere` ended at the same moment, returned."""
    at = timezone.now()
    Sitting.objects.filter(pk=everywhere.sitting.pk).update(closed_at=at)
    Proxy.objects.update(revoked_at=at)
    Vote.objects.filter(pk=everywhere.vote.pk).update(status=Vote.Status.CLOSED, closes_at=at)
    Budget.objects.filter(pk=everywhere.budget.pk).update(vote_ends_at=at)
    BudgetBallot.objects.create(
        budget=everywhere.budget, entered_by=everywhere.official, paper_number=1, external_voter_id="paper-1"
    )
    AuditEntry.objects.update(at=at)
    return at


def kept():
    return {
        "sittings": Sitting.objects.count(),
        "sign-ins": HallPresence.objects.count(),
        "proxies": Proxy.objects.count(),
        "votes": Vote.objects.count(),
        "electors": Elector.objects.count(),
        "paper ballots entered by someone": BudgetBallot.with_drafts.filter(entered_by__isnull=False).count(),
        "budget ballots": BudgetBallot.with_drafts.count(),
        "audit entries": AuditEntry.objects.count(),
    }


@pytest.mark.django_db
def test_kept_six_years_by_default_then_deleted(settings, ended):
    settings.KEPT_RECORD_RETENTION_DAYS = {}
    before = kept()
    assert before["sign-ins"] == before["proxies"] == before["votes"] == 1
    assert before["audit entries"] > 0

    assert kept_records_purge(now=ended + SIX_YEARS - timedelta(seconds=1)) == NOTHING
    assert kept() == before

    removed = kept_records_purge(now=ended + SIX_YEARS + timedelta(seconds=1))

    assert kept() == {
        "sittings": 0, "sign-ins": 0, "proxies": 0, "votes": 0, "electors": 0,
        "paper ballots entered by someone": 0, "budget ballots": 2, "audit entries": 0,
    }
    assert removed["proxies"] == 1
    assert removed["budget_paper_ballots"] == 1
    assert removed["audit_log"] == before["audit entries"]
    assert kept_records_purge(now=ended + SIX_YEARS + timedelta(seconds=2)) == NOTHING  # idempotent


@pytest.mark.django_db
def test_each_kind_has_its_own_retention(settings, ended):
    settings.KEPT_RECORD_RETENTION_DAYS = {"audit_log": 30, "proxies": 31}
    before = kept()

    assert kept_records_purge_task.delay().get() == NOTHING  # the daily task: nothing is due today
    removed = kept_records_purge(now=ended + timedelta(days=30, seconds=1))

    assert removed == {**NOTHING, "audit_log": before["audit entries"]}
    assert kept() == {**before, "audit entries": 0}


@pytest.mark.django_db
@pytest.mark.parametrize("setting", [{"audit_logs": 30}, {"votes": 0}, {"votes": "6 years"}])
def test_a_wrong_setting_is_refused_and_deletes_nothing(settings, ended, setting):
    settings.KEPT_RECORD_RETENTION_DAYS = setting
    before = kept()

    with pytest.raises(ImproperlyConfigured):
        kept_records_purge(now=ended + SIX_YEARS * 2)
    assert kept() == before
