"""A budget's results computed by a real Celery worker on this run's Redis broker: the request
returns at once, the progress the officials' page polls goes from waiting to done, and the
stored selection is the one the rules give."""

import secrets
import time
from pathlib import Path

import pytest

from council.accounts.models import User
from council.budgeting import results
from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.budgeting.selectors import budget_results
from council.budgeting.services import budget_import_pb
from council.councils.models import Council
from council.councils.models import Role
from tests.e2e.conftest import make_person
from tests.e2e.conftest import random_id
from tests.e2e.servers import task_on_own_queue
from tests.e2e.test_notification_worker import start_worker
from tests.e2e.test_notification_worker import stop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TASK = "council.budgeting.tasks.result_compute"
BUDAPEST = Path(__file__).resolve().parents[1] / "data" / "pabulib" / "Hungary_Budapest_2022_VIII_Jozsefvaros.pb"


@pytest.fixture
def on_broker():
    """This process publishes the computation to a queue of its own on the run's broker."""
    with task_on_own_queue(TASK, "budget") as queue:
        yield queue


def test_a_worker_computes_the_results_and_the_page_sees_them_done(on_broker, tmp_path, transactional_db):
    council = Council.objects.create(id=random_id(), slug=f"viii-{secrets.token_hex(4)}", name="Józsefváros")
    official = User.objects.get(pk=make_person(council, "ada", "Ada", Role.ADMINISTRATOR).user_id)
    budget = budget_import_pb(actor=official, council=council, text=BUDAPEST.read_text(encoding="utf-8"))
    worker, log = start_worker("budget", on_broker, tmp_path)
    try:
        results.result_compute_request(actor=official, budget_id=budget.pk)
        seen = []
        deadline = time.monotonic() + 60
        while (progress := results.result_progress(results.result_get(budget)))["status"] != "done":
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"not computed:\n{log.read_text()}"
            assert progress["status"] != "failed", log.read_text()
            seen.append(progress["status"])
            time.sleep(0.05)
    finally:
        stop(worker)

    assert set(seen) <= {"queued", "running"}
    assert progress["percent"] == 100
    stored = BudgetResult.objects.get(budget=budget)
    expected = budget_results(budget)
    assert stored.selected == {rule: [p.pk for p in expected[rule]] for rule in Budget.Rule.values}
    assert stored.voters == budget.ballots.count()
    assert "Traceback" not in log.read_text(), log.read_text()
