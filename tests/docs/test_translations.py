"""French is the default language and every string shown is translated; English is one click away."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils.translation.template import templatize

from council.councils.models import Role

ROOT = Path(__file__).resolve().parents[2]
FRENCH_PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
FRENCH_MO = FRENCH_PO.with_suffix(".mo")
ENGLISH_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TEMPLATE_MSGID = re.compile(r"\bgettext\((u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\")\)")


@pytest.fixture(scope="module")
def french() -> polib.POFile:
    return polib.pofile(str(FRENCH_PO))


def source_msgids() -> set[str]:
    """Strings marked for translation in council/** (Python) and in every template."""
    msgids = set()
    for path in (ROOT / "council").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in GETTEXT_FUNCTIONS:
                continue
            argument = node.args[1] if name.startswith("pgettext") else node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                msgids.add(argument.value)
    templates = [
        *(ROOT / "templates").rglob("*.html"),
        *(ROOT / "council").rglob("templates/**/*.html"),
    ]
    for path in templates:
        for literal in TEMPLATE_MSGID.findall(templatize(path.read_text(encoding="utf-8"))):
            msgids.add(ast.literal_eval(literal))
    return msgids


def test_french_catalogue_has_no_untranslated_fuzzy_or_obsolete_entry(french):
    assert not french.metadata_is_fuzzy
    assert french.metadata["Language"] == "fr"
    assert [e.msgid for e in french.untranslated_entries()] == []
    assert [e.msgid for e in french.fuzzy_entries()] == []
    assert [e.msgid for e in french.obsolete_entries()] == []


def test_plural_entries_have_every_form(french):
    # French: nplurals=2, "0 membre, 1 membre, 2 membres"
    assert french.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    plurals = [e for e in french if e.msgid_plural]
    assert len(plurals) >= 20
    incomplete = [e.msgid for e in plurals if sorted(e.msgstr_plural) != [0, 1] or not all(e.msgstr_plural.values())]
    assert incomplete == []


NBSP = "\u00a0"


def test_french_typography(french):
    """One apostrophe (U+2019), and a non-breaking space before ; : ! ? » and after « (docs/glossary.md)."""
    faults = []
    for entry in french.translated_entries():
        for msgstr in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            if (
                "'" in msgstr
                or re.search(rf"[^{NBSP}][;:!?](\s|$|»)", msgstr)
                or re.search(rf"«[^{NBSP}]|[^{NBSP}]»", msgstr)
            ):
                faults.append(msgstr)
    assert faults == []


def test_numbers_before_a_noun_go_through_ngettext(french):
    """"1 membres" is wrong: a count followed by a word is a plural entry (units excepted)."""
    not_nouns = {"s", "min", "Ko", "Mo", "Kio", "octets", "caractères", "de", "sur"}  # units of limits and clocks; "et 3 de plus"
    singular_only = []
    for entry in french.translated_entries():
        if entry.msgid_plural:
            continue
        for word in re.findall(r"%\((?:count|n|size|done|assigned|seconds|minutes)\)[sd] (\w+)", entry.msgstr):
            if word not in not_nouns:
                singular_only.append(entry.msgid)
    assert singular_only == []


def test_makemessages_finds_nothing_the_catalogue_lacks(tmp_path):
    """Run makemessages on a copy of the code: every msgid (plurals, contexts, blocktranslate) is in the .po."""
    for name in ("council", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=tmp_path, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///:memory:"},
    )
    extracted = polib.pofile(str(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid, e.msgid_plural) for e in polib.pofile(str(FRENCH_PO))}
    missing = sorted(
        f"{e.msgid} | {e.msgid_plural}" for e in extracted if (e.msgctxt, e.msgid, e.msgid_plural) not in committed
    )
    assert missing == [], f"add these to {FRENCH_PO.name} (at the end) and translate them: {missing}"
    stale = committed - {(e.msgctxt, e.msgid, e.msgid_plural) for e in extracted}
    assert sorted(stale, key=str) == [], "the code no longer says these: remove them from the catalogue"


def test_french_translations_keep_their_placeholders(french):
    for entry in french.translated_entries():
        if entry.msgid_plural:  # the plural form carries the number; the singular may spell it ("une")
            expected = set(PLACEHOLDER.findall(entry.msgid_plural))
            assert set(PLACEHOLDER.findall(entry.msgstr_plural[1])) == expected, entry.msgid
            assert set(PLACEHOLDER.findall(entry.msgstr_plural[0])) <= expected, entry.msgid
            continue
        assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid


def test_every_string_in_the_code_and_templates_is_translated(french):
    msgids = source_msgids()
    # the collector sees the room script's strings and the templates' strings
    assert {"Raise my hand", "Live rooms", "Skip to content", "Your role: %(role)s"} <= msgids
    translated = {e.msgid for e in french.translated_entries()}
    missing = sorted(msgids - translated)
    assert missing == [], (
        f"run makemessages -l fr -l en, translate the new entries and compilemessages: {missing}"
    )


def test_compiled_french_catalogue_is_up_to_date(french):
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(FRENCH_MO))}
    expected = {e.msgid: e.msgstr for e in french.translated_entries()}
    stale = {k for k, v in expected.items() if compiled.get(k) != v}
    assert stale == set(), f"run compilemessages: {sorted(stale)}"


def test_english_catalogue_falls_back_to_the_source_strings():
    english = polib.pofile(str(ENGLISH_PO))
    assert english.metadata["Language"] == "en"
    assert [e.msgid for e in english if e.msgstr] == []


@pytest.mark.django_db
def test_council_page_is_in_french_by_default_and_in_english_after_switching(
    client, council, room, user_with_role
):
    member = user_with_role(Role.MEMBER, council)
    client.force_login(member)
    url = reverse("council-detail", args=[council.slug])

    page = client.get(url).content.decode()
    assert '<html lang="fr">' in page
    assert "Salles en direct" in page
    assert "Votre rôle\u00a0: Membre" in page
    assert "Se déconnecter" in page
    assert "Live rooms" not in page

    response = client.post(reverse("set_language"), {"language": "en", "next": url}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == url
    assert '<html lang="en">' in page
    assert "Live rooms" in page
    assert "Your role: Member" in page
    assert "Salles en direct" not in page

    response = client.post(reverse("set_language"), {"language": "fr", "next": url}, follow=True)
    assert "Salles en direct" in response.content.decode()


@pytest.mark.django_db
def test_room_page_gives_its_script_french_strings(client, council, room, user_with_role):
    client.force_login(user_with_role(Role.FACILITATOR, council))

    page = client.get(reverse("room-detail", args=[council.slug, room.pk])).content.decode()

    assert "Lever la main" in page  # the template
    assert "Baisser la main" in page  # room_strings(), read by the room script
    assert "Verrouiller la salle" in page
    assert "Raise my hand" not in page
