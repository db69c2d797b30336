"""Exports: staff only, written by the Celery task with its progress, opened to check their content."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from odf import opendocument
from odf.table import Table
from odf.table import TableCell
from odf.table import TableRow
from odf.text import P

from council.consultation import moderation
from council.consultation import services
from council.consultation.exports import services as exports
from council.consultation.models import ConsultationExport

pytestmark = pytest.mark.django_db


def _url(consultation, name, *ids):
    return reverse(name, args=[consultation.council.slug, consultation.pk, *ids])


def _sheets(content: bytes) -> dict[str, list[list[str]]]:
    document = opendocument.load(io.BytesIO(content))
    return {
        table.getAttribute("name"): [
            ["\n".join(str(line) for line in cell.getElementsByType(P)) for cell in row.getElementsByType(TableCell)]
            for row in table.getElementsByType(TableRow)
        ]
        for table in document.spreadsheet.getElementsByType(Table)
    }


@pytest.fixture
def discussed(consultation, submit, resident, moderator, user_with_role):
    idea = submit(consultation, title="=HYPERLINK(\"http://evil\")", body="Des arbres\nrue Haute")
    services.contribution_endorse(actor=user_with_role("resident", consultation.council), contribution_id=idea.pk)
    services.comment_post(actor=resident, contribution_id=idea.pk, body="D'accord", stance="for")
    hidden = services.comment_post(actor=resident, contribution_id=idea.pk, body="Insulte")
    moderation.comment_hide(actor=moderator, comment_id=hidden.pk, reason="Injurieux")
    return idea


def test_the_staff_exports_an_ods_with_progress_and_downloads_it(client, consultation, discussed, moderator, resident, django_capture_on_commit_callbacks):
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(_url(consultation, "consultation-exports"), {"format": "ods"})
    export = ConsultationExport.objects.get()
    progress = client.get(_url(consultation, "consultation-export-progress", export.pk)).json()
    download = client.get(_url(consultation, "consultation-export-download", export.pk))
    sheets = _sheets(download.content)

    assert asked.url == _url(consultation, "consultation-export-detail", export.pk)
    assert progress == {"export_id": export.pk, "done": 2, "total": 2, "status": "done"}  # a contribution, a visible comment
    assert download["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    contribution = sheets["contributions"][1]
    assert contribution[:3] == [str(discussed.pk), '=HYPERLINK("http://evil")', "Des arbres\nrue Haute"]
    assert contribution[4:7] == ["Publié", "", resident.public_name]
    assert contribution[10:12] == ["1", "1"]  # one support, one visible comment
    assert [row[5] for row in sheets["comments"][1:]] == ["D'accord"]


def test_the_csv_is_formula_escaped(consultation, discussed, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.export_request(actor=moderator, consultation_id=consultation.pk, format="csv")
    export.refresh_from_db()

    with zipfile.ZipFile(io.BytesIO(bytes(export.content))) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("contributions.csv").decode("utf-8-sig"))))

    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")"


def test_nobody_else_sees_or_downloads_an_export(client, consultation, discussed, moderator, resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.export_request(actor=moderator, consultation_id=consultation.pk, format="ods")
    client.force_login(resident)

    codes = [
        client.get(_url(consultation, name, *ids)).status_code
        for name, ids in [
            ("consultation-exports", ()), ("consultation-export-detail", (export.pk,)),
            ("consultation-export-progress", (export.pk,)), ("consultation-export-download", (export.pk,)),
        ]
    ]
    client.logout()

    assert codes == [404, 404, 404, 404]
    assert client.get(_url(consultation, "consultation-export-download", export.pk)).status_code == 404


def test_the_json_export_is_for_programs_and_keeps_private_data_out(client, consultation, discussed, moderator, resident, django_capture_on_commit_callbacks):
    """Stable keys and codes, texts as written (no formula escaping: no spreadsheet reads it), public names only."""
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(_url(consultation, "consultation-exports"), {"format": "json"})
    export = ConsultationExport.objects.get()
    progress = client.get(_url(consultation, "consultation-export-progress", export.pk)).json()
    download = client.get(_url(consultation, "consultation-export-download", export.pk))
    data = json.loads(download.content)

    assert asked.status_code == 302
    assert progress == {"export_id": export.pk, "done": 2, "total": 2, "status": "done"}
    assert (download["Content-Type"], download["Content-Disposition"]) == (
        "application/json", f'attachment; filename="consultation-{consultation.pk}-{export.pk}.json"'
    )
    assert data["consultation"] == {"id": consultation.pk, "title": consultation.title, "council": consultation.council.name}
    [contribution] = data["contributions"]
    assert contribution["id"] == discussed.pk
    assert (contribution["title"], contribution["body"]) == ('=HYPERLINK("http://evil")', "Des arbres\nrue Haute")
    assert (contribution["status"], contribution["author"], contribution["endorsements"], contribution["comments"]) == (
        "published", resident.public_name, 1, 1
    )
    assert [(c["contribution"], c["stance"], c["body"]) for c in data["comments"]] == [(discussed.pk, "for", "D'accord")]
    assert resident.email not in download.content.decode()
    assert "Insulte" not in download.content.decode()  # the hidden comment
