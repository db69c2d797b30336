// Counted strings: the server sends both forms of each ({one, other}, built with ngettext in
// council/rooms/strings.py); the page picks one by the CLDR rules of its language.
// French says "0 place, 1 place, 2 places" where English says "0 places": a hand-written
// `n === 1 ? … : …` gets French wrong at 0.

const pageLanguage = globalThis.document?.documentElement?.lang || "fr";

/** The form of `forms` ({one, other} or a plain string) that fits the number `n`. */
export function plural(forms, n, language = pageLanguage) {
  if (typeof forms === "string") return forms;
  // "many" (French millions) and any other category fall back on "other"
  return forms[new Intl.PluralRules(language).select(n)] ?? forms.other;
}
