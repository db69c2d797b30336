"""Translations the browser needs in more than one form."""

from django.utils.translation import ngettext


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """The forms of a counted string, keyed by `Intl.PluralRules` category, for the browser.

    ngettext gives the form for 1 and for many; the browser picks by its own rules (French
    counts 0 as "one", English does not), which fit the two-form languages we ship (fr, en).
    """
    return {"one": ngettext(singular, plural, 1), "other": ngettext(singular, plural, 2)}
