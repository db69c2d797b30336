"""Translations the browser needs in more than one form."""

from collections.abc import Callable


def plural_forms(pick: Callable[[int], str]) -> dict[str, str]:
    """The forms of a counted string, keyed by `Intl.PluralRules` category, for the browser.

    `pick` is a lambda calling ngettext with literal strings, so that makemessages finds them.
    ngettext at 1 gives the "one" form and at 2 the "other" form; the browser picks by its own
    rules (French counts 0 as "one", English does not), which fit the languages we ship (fr, en).
    """
    return {"one": pick(1), "other": pick(2)}
