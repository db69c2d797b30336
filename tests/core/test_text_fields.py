"""Every text field of the project is declared as written by people or not, with a reason.

The browser test (tests/browser/test_stored_script.py) stores script in every field
declared written; a new field left out of both lists would escape it, so this fails.
"""

from django.apps import apps
from django.db import models

from council.core.text_fields import JSON
from council.core.text_fields import TEXT
from council.core.text_fields import not_written_fields
from council.core.text_fields import written_fields

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def project_text_fields() -> dict[str, models.Field]:
    """Text fields of council's own models, but those limited to a fixed list of choices."""
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("council."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS) and not field.choices:
                found[f"{model._meta.label}.{field.name}"] = field
    return found


def test_every_text_field_is_declared():
    declared = {f.label for f in written_fields()} | set(not_written_fields())

    assert sorted(set(project_text_fields()) - declared) == []


def test_declarations_name_real_text_fields_once():
    written = [f.label for f in written_fields()]
    fields = project_text_fields()

    assert sorted(set(written) & set(not_written_fields())) == []
    assert sorted(set(written) - set(fields)) == []
    assert sorted(set(not_written_fields()) - set(fields)) == []
    assert all(reason.strip() for reason in not_written_fields().values())


def test_json_fields_are_declared_as_json():
    fields = project_text_fields()

    assert {
        f.label: f.holds for f in written_fields()
    } == {
        label: JSON if isinstance(fields[label], models.JSONField) else TEXT
        for label in (f.label for f in written_fields())
    }


def test_known_fields_are_covered():
    """The fields of the issue that ran script are among those the browser test fills."""
    written = {f.label for f in written_fields()}

    assert {
        "groups.Zone.name",
        "rooms.Message.text",
        "workshops.Workshop.name",
        "workshops.Report.proposals",
        "groups.NeighbourhoodGroup.rule",
    } <= written
