"""The room page's panels: what a meeting module adds to the live room's page.

rooms owns the page shell (stage, side panel, toolbar); a module registers, in its
`apps.py`, each panel it adds: a template rendered in the side panel as a tab, an ES
module that the room's script loads and mounts, its translated strings (delivered as one
JSON data block per panel, `<name>-strings`), and optionally what only some people get
(`data`, as `<name>-data`) and a template shown on the stage itself (countdowns, dialogs).
Tabs follow the order of registration after the room's own (chat, participants).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template import Template
from django.templatetags.static import static

StringsFactory = Callable[[], dict[str, Any]]
DataFactory = Callable[[HttpRequest, Any], Any]


@dataclass(frozen=True)
class Panel:
    name: str
    label: Callable[[], str]
    template: str | Template  # a template's name, or a Template (tests, example modules)
    script: str
    strings: StringsFactory
    data: DataFactory | None = None
    stage_template: str | None = None


_panels: dict[str, Panel] = {}


def register_panel(
    name: str,
    template: str | Template,
    script: str,
    strings: StringsFactory,
    *,
    label: Callable[[], str],
    data: DataFactory | None = None,
    stage_template: str | None = None,
) -> None:
    """Add a panel to every room page; registering a name twice is a mistake, not an update."""
    if name in _panels and _panels[name] != Panel(
        name, label, template, script, strings, data, stage_template
    ):
        raise ValueError(f"room panel {name!r} is already registered")
    _panels[name] = Panel(name, label, template, script, strings, data, stage_template)


def unregister_panel(name: str) -> None:
    """Remove a panel (tests and example modules)."""
    _panels.pop(name, None)


def registered_panels() -> list[Panel]:
    return list(_panels.values())


def panels_for(request: HttpRequest, plenary: Any) -> list[dict[str, Any]]:
    """What room_detail renders for each panel, strings translated for this request."""
    return [
        {
            "name": panel.name,
            "label": panel.label(),
            "template": panel.template,
            "stage_template": panel.stage_template,
            "strings": panel.strings(),
            "strings_id": f"{panel.name}-strings",
            "data": panel.data(request, plenary) if panel.data else None,
            "data_id": f"{panel.name}-data",
            "script": static(panel.script),
        }
        for panel in _panels.values()
    ]
