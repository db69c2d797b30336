"""Every stored text a person writes, declared by its app, so that tests can try script in each.

A name, a chat message or a report reaches other people's pages, some of them in
other councils (all share one origin). Each app declares, in its `text_fields.py`
imported from `AppConfig.ready`, which of its text fields a person writes, and which
text fields are not written by people, with the reason. A test fails on a text field
of the project declared in neither list, and the browser test stores script in every
written field and checks that no page runs it.
"""

from dataclasses import dataclass

#: "app_label.Model.field" -> how its value holds text
_written: dict[str, str] = {}
#: "app_label.Model.field" -> why no person writes free text there
_not_written: dict[str, str] = {}

TEXT = "text"  # a string
JSON = "json"  # JSON whose strings (list items, dict values) are shown


@dataclass(frozen=True)
class WrittenField:
    model: str  # "app_label.Model"
    field: str
    holds: str  # TEXT or JSON

    @property
    def label(self) -> str:
        return f"{self.model}.{self.field}"


def written_by_people(model: str, *fields: str, holds: str = TEXT) -> None:
    """Declare fields of `model` ("app_label.Model") whose text a person chooses."""
    for field in fields:
        _written[f"{model}.{field}"] = holds


def not_written_by_people(model: str, field: str, *, reason: str) -> None:
    """Declare a text field whose value no person writes freely, and say why."""
    _not_written[f"{model}.{field}"] = reason


def written_fields() -> list[WrittenField]:
    fields = []
    for label, holds in sorted(_written.items()):
        model, field = label.rsplit(".", 1)
        fields.append(WrittenField(model=model, field=field, holds=holds))
    return fields


def not_written_fields() -> dict[str, str]:
    return dict(_not_written)
