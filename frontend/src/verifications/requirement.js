// A verification requirement worded in the page's language, as Requirement.describe() words it
// on the server (council/verifications/requirements.py). Sockets carry requirements as data
// ({"kinds": [...], "mode": "any" | "all"}, `{}` for none) because one event reaches people of
// several languages; `strings` is requirement_strings(): the kinds' labels, "and", "or".

import { fmt } from "../core/i18n.js";

/** "FranceConnect or Census check"; "" when nothing is required. */
export function describeRequirement(requirement, strings) {
  const labels = ((requirement && requirement.kinds) || []).map((kind) => strings.kinds[kind] || kind);
  if (labels.length < 2) return labels.join("");
  const joined = requirement.mode === "all" ? strings.all : strings.any;
  return fmt(joined, { first: labels.slice(0, -1).join(", "), last: labels[labels.length - 1] });
}
