"""Exports written row by row: ODS (a zip of XML, streamed), CSV (formula-escaped) and JSON.

The ODS is written by hand rather than with odfpy, whose document tree holds every cell in
memory: 100,000 comments of seven cells made it a minute of work and a gigabyte. Every cell is
a typed cell: numbers as floats, the rest as strings, which a spreadsheet never evaluates.
CSV (a zip of one file per sheet): cells that a spreadsheet would read as a formula (= + - @, tab, carriage return first)
are prefixed with an apostrophe (OWASP "CSV injection").
JSON is for programs, not spreadsheets: no escaping (a title starting with "=" stays as written),
stable English keys and codes rather than the translated headers and labels.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

CONTENT_START = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
"""
CONTENT_END = "</office:spreadsheet></office:body></office:document-content>\n"

Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def _ods_cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    lines = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
    return f'<table:table-cell office:value-type="string">{lines}</table:table-cell>'


def _ods_row(values: Sequence[Any]) -> str:
    return "<table:table-row>" + "".join(_ods_cell(value) for value in values) + "</table:table-row>\n"


def write_ods(sheets: Iterable[Sheet], on_row: Any = None) -> bytes:
    """An ODS file of these sheets (name, header, rows); `on_row()` is called after each row."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE)  # first and stored: how the type is told
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        with archive.open("content.xml", "w") as raw:
            content = io.TextIOWrapper(raw, encoding="utf-8")
            content.write(CONTENT_START)
            for name, header, rows in sheets:
                content.write(f"<table:table table:name={quoteattr(name)}>\n")
                content.write(_ods_row(header))
                for row in rows:
                    content.write(_ods_row(row))
                    if on_row is not None:
                        on_row()
                content.write("</table:table>\n")
            content.write(CONTENT_END)
            content.flush()
            content.detach()
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def write_csv(sheets: Iterable[Sheet], on_row: Any = None) -> bytes:
    """A zip of one CSV per sheet (`<name>.csv`, UTF-8 with a byte order mark, for spreadsheets)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, header, rows in sheets:
            with archive.open(f"{name}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text)
                writer.writerow(header)
                for row in rows:
                    writer.writerow([_csv_cell(value) for value in row])
                    if on_row is not None:
                        on_row()
                text.flush()
                text.detach()
    return buffer.getvalue()


def write_json(
    about: dict[str, Any], sheets: Iterable[Sheet], keys: Mapping[str, Sequence[str]], on_row: Any = None
) -> bytes:
    """One JSON object: `about`, then each sheet as a list of objects named by `keys[sheet]`,
    written row by row (UTF-8, one row a line, so a large export never becomes one big string)."""
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8")
    text.write("{\n" + ",\n".join(f"{json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}" for name, value in about.items()))
    for name, _header, rows in sheets:
        text.write(f",\n{json.dumps(name)}: [")
        first = True
        for row in rows:
            text.write("\n" if first else ",\n")
            text.write(json.dumps(dict(zip(keys[name], row, strict=True)), ensure_ascii=False, default=str))
            first = False
            if on_row is not None:
                on_row()
        text.write("\n]")
    text.write("\n}\n")
    text.flush()
    return buffer.getvalue()
