"""The import page (administrators: a .pb file, refused with its line and reason, nothing kept)
and the export download, round trip through the pages; the follow-up of selected projects."""

from datetime import date
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from council.budgeting import followup
from council.budgeting import import_views
from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.budgeting.models import ProjectFollowUp
from council.budgeting.pabulib import read_pb
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry
from council.councils.models import Role

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data" / "pabulib"
ASSEN = "Netherlands_Assen_2024.pb"


@pytest.fixture
def administrator(user_with_role, council):
    return user_with_role(Role.ADMINISTRATOR, council)


def _import(client, council, text: str, name: str = "budget.pb"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
    return client.post(reverse("budgeting:import", args=[council.slug]), {"file": upload, "title": ""})


def test_an_administrator_imports_a_file_and_downloads_it_back_the_same(client, council, administrator):
    text = (DATA / ASSEN).read_text(encoding="utf-8")
    client.force_login(administrator)

    imported = _import(client, council, text)
    budget = Budget.objects.get()
    exported = client.get(reverse("budgeting:export", args=[council.slug, budget.pk]))
    again = _import(client, council, exported.content.decode())

    assert imported.status_code == 302
    assert imported.url == reverse("budgeting:results", args=[council.slug, budget.pk])
    assert exported.status_code == 200
    assert exported["Content-Disposition"].endswith('.pb"')
    assert read_pb(exported.content.decode()) == read_pb(text)
    assert again.status_code == 302
    copy = Budget.objects.exclude(pk=budget.pk).get()
    assert (copy.projects.count(), copy.ballots.count()) == (14, 84)
    assert set(AuditEntry.objects.filter(council=council).values_list("action", flat=True)) == {
        AuditEntry.Action.ROLE_GRANTED, AuditEntry.Action.BUDGET_IMPORTED, AuditEntry.Action.BUDGET_EXPORTED,
    }


def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_imported(client, council, administrator):
    text = (DATA / ASSEN).read_text(encoding="utf-8").replace("\n3;7200;", "\n3;sept mille;", 1)
    client.force_login(administrator)

    page = _import(client, council, text)

    assert page.status_code == 200
    assert "20" in page.context["form"].errors["file"][0]
    assert "sept mille" in page.context["form"].errors["file"][0]
    assert not Budget.objects.exists()


def test_a_file_too_large_or_not_utf8_is_refused(client, council, administrator, monkeypatch):
    client.force_login(administrator)
    monkeypatch.setattr(import_views, "MAX_BYTES", 1024)

    large = _import(client, council, "META\n" + "x" * 2000)
    latin = client.post(
        reverse("budgeting:import", args=[council.slug]),
        {"file": SimpleUploadedFile("b.pb", "META\nkey;value\ndescription;Énergie\n".encode("latin-1"))},
    )

    assert large.context["form"].errors["file"]
    assert latin.context["form"].errors["file"]
    assert not Budget.objects.exists()


def test_a_facilitator_cannot_import_and_a_resident_cannot_export(client, council, user_with_role):
    budget = Budget.objects.create(council=council, title="B", amount=10)
    client.force_login(user_with_role(Role.FACILITATOR, council))
    assert client.get(reverse("budgeting:import", args=[council.slug])).status_code == 404
    client.force_login(user_with_role(Role.RESIDENT, council))
    assert client.get(reverse("budgeting:export", args=[council.slug, budget.pk])).status_code == 404


# -- follow-up ----------------------------------------------------------------------------------


@pytest.fixture
def published(council):
    now = timezone.now()
    budget = Budget.objects.create(
        council=council, title="B", amount=Decimal(1000), vote_starts_at=now - timedelta(days=9),
        vote_ends_at=now - timedelta(days=1),
    )
    chosen = budget.projects.create(title="Arbres", cost=600, feasibility="feasible")
    left_out = budget.projects.create(title="Bancs", cost=900, feasibility="feasible")
    BudgetResult.objects.create(
        budget=budget, status=BudgetResult.Status.DONE, rule=budget.rule, published_at=now,
        selected={rule: [chosen.pk] for rule in Budget.Rule.values},
    )
    return budget, chosen, left_out


def test_an_official_updates_a_selected_project_and_everyone_sees_it(client, council, published, user_with_role):
    budget, chosen, _left_out = published
    official = user_with_role(Role.FACILITATOR, council)
    client.force_login(official)
    url = reverse("budgeting:follow-up-edit", args=[council.slug, budget.pk, chosen.pk])

    saved = client.post(url, {
        "form": "state", "state-status": "under_way", "state-progress": "40", "state-starts_on": "2026-03-01",
        "state-ends_on": "2026-09-30", "state-spent": "250",
    })
    noted = client.post(url, {"form": "update", "update-on": "2026-04-02", "update-text": "Les arbres sont plantés."})
    client.logout()
    public = client.get(reverse("budgeting:follow-up", args=[council.slug, budget.pk])).content.decode()

    assert (saved.status_code, noted.status_code) == (302, 302)
    follow_up = ProjectFollowUp.objects.get(project=chosen)
    assert (follow_up.status, follow_up.progress, follow_up.spent) == ("under_way", 40, Decimal(250))
    assert "Les arbres sont plantés." in public
    assert 'value="40"' in public
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.FOLLOW_UP_CHANGED, target_id=chosen.pk)
    assert entries.count() == 2
    assert entries.last().details == {
        "status": "under_way", "progress": "40", "starts_on": "2026-03-01", "ends_on": "2026-09-30", "spent": "250",
    }


def test_only_selected_projects_are_followed_and_only_by_officials(council, published, user_with_role):
    _budget, chosen, left_out = published
    official = user_with_role(Role.FACILITATOR, council)
    resident = user_with_role(Role.RESIDENT, council)
    fields = {"status": "delivered", "progress": 100, "starts_on": None, "ends_on": None, "spent": None}

    with pytest.raises(InvalidInput):
        followup.follow_up_change(actor=official, project_id=left_out.pk, council_id=council.pk, **fields)
    with pytest.raises(AccessDenied):
        followup.follow_up_change(actor=resident, project_id=chosen.pk, council_id=council.pk, **fields)
    with pytest.raises(InvalidInput):
        followup.follow_up_change(actor=official, project_id=chosen.pk, council_id=council.pk,
                                  **(fields | {"starts_on": date(2026, 5, 1), "ends_on": date(2026, 4, 1)}))

    assert not ProjectFollowUp.objects.exists()


def test_an_update_with_a_photo_needs_its_description(client, council, published, user_with_role, settings, tmp_path):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    budget, chosen, _left_out = published
    client.force_login(user_with_role(Role.FACILITATOR, council))
    url = reverse("budgeting:follow-up-edit", args=[council.slug, budget.pk, chosen.pk])

    def photo():
        data = io.BytesIO()
        Image.new("RGB", (4, 4), "green").save(data, format="PNG")
        return SimpleUploadedFile("arbres.png", data.getvalue(), content_type="image/png")

    fields = {"form": "update", "update-on": "2026-04-02", "update-text": "Plantation."}
    undescribed = client.post(url, fields | {"update-photo": photo()})
    described = client.post(url, fields | {"update-photo": photo(), "update-photo_description": "Six jeunes tilleuls"})
    page = client.get(reverse("budgeting:follow-up", args=[council.slug, budget.pk])).content.decode()

    assert undescribed.status_code == 200
    assert described.status_code == 302
    assert 'alt="Six jeunes tilleuls"' in page


def test_an_oversized_update_photo_is_refused_with_its_size_and_the_update_not_saved(client, council, published, user_with_role, settings, tmp_path):
    import io

    from PIL import Image

    from council.budgeting.models import ProjectUpdate

    settings.MEDIA_ROOT = tmp_path
    budget, chosen, _left_out = published
    client.force_login(user_with_role(Role.FACILITATOR, council))
    url = reverse("budgeting:follow-up-edit", args=[council.slug, budget.pk, chosen.pk])
    data = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(data, format="PNG")
    oversized = SimpleUploadedFile("arbres.png", data.getvalue() + b"\0" * (5 * 1024 * 1024), content_type="image/png")

    response = client.post(url, {"form": "update", "update-on": "2026-04-02", "update-text": "Plantation.",
                                 "update-photo": oversized, "update-photo_description": "Six jeunes tilleuls"})

    assert response.status_code == 200
    assert list(response.context["update_form"].errors) == ["photo"]
    assert "The file is too large (5.1 MiB); the limit is 5 MiB." in response.content.decode()
    assert not ProjectUpdate.objects.exists()
