// Translated strings on every page: one way to deliver them, one placeholder syntax.
//
// The server renders each module's strings (gettext) into a JSON data block of its own,
// `<script type="application/json" id="…-strings">` (CSP allows data blocks, not inline code).
// A string is either text with `%(name)s` placeholders (the syntax gettext already uses, so
// translators see one syntax everywhere) or, where it depends on a number, an object of plural
// forms keyed by the categories of `Intl.PluralRules` ({"one": "1 membre", "other": "%(count)s
// membres"}); French puts 0 and 1 under "one", English only 1, and the browser knows both.

const rules = new Map();

function pluralRules(lang) {
  if (!rules.has(lang)) rules.set(lang, new Intl.PluralRules(lang || undefined));
  return rules.get(lang);
}

/** Put `values` into `template`'s `%(name)s` placeholders (missing values become ""). */
export function fmt(template, values = {}) {
  return String(template ?? "").replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
}

/** Pick the plural form of `forms` for `count` in the page's language, then fill it. */
export function plural(forms, count, values = {}) {
  if (typeof forms === "string") return fmt(forms, { count, ...values });
  const category = pluralRules(document.documentElement.lang).select(Number(count));
  return fmt(forms[category] ?? forms.other, { count, ...values });
}

/** The strings of the JSON block `id` (an empty object if the page has none). */
export function loadStrings(id) {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : {};
}
