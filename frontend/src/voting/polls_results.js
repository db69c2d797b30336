// A poll's results as a table whose numbers are text ("12 answers (40 %)"), the bars only
// showing them, and the full-screen view a facilitator projects: the question, the results
// when everyone may see them, the QR code and the short link (its text alternative).

import { $, element } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";
import { openDialog } from "../core/dialog.js";

/** The label of a row: an option, a scale's value, or yes / no / abstain in this page's words. */
export function rowLabel(t, label, kind) {
  return kind === "yes_no" && t[label] ? t[label] : label;
}

/** "40 %" in French, "40%" in English: the page's language says how. */
function percentText(percent) {
  return new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" }).format(percent / 100);
}

/** Replace `container`'s content with the results table of `poll` (kind) and `results`. */
export function renderResults(container, t, kind, results) {
  if (!results) {
    container.replaceChildren();
    return;
  }
  const table = element("table", { className: "data-table poll-results" });
  table.append(element("caption", { text: plural(t.results_caption, results.respondents) }));
  const head = element("tr");
  head.append(
    element("th", { text: t.option, attrs: { scope: "col" } }),
    element("th", { text: results.method === "points" ? t.points : t.answers, attrs: { scope: "col" } }),
  );
  const body = element("tbody");
  for (const row of results.rows) {
    const line = element("tr");
    const cell = element("td");
    const bar = element("span", { className: "poll-bar", attrs: { "aria-hidden": "true" } });
    bar.style.setProperty("--share", `${row.percent}%`);
    const forms = results.method === "points" ? t.row_points : t.row_count;
    cell.append(bar, element("span", { text: plural(forms, row.count, { percent: percentText(row.percent) }) }));
    line.append(element("th", { text: rowLabel(t, row.label, kind), attrs: { scope: "row" } }), cell);
    body.append(line);
  }
  table.append(element("thead"), body);
  table.tHead.append(head);
  const parts = [table];
  if (results.mean !== null && results.mean !== undefined) {
    parts.push(element("p", { text: fmt(t.mean, { mean: results.mean }) }));
  }
  container.replaceChildren(...parts);
}

/** Whether everyone may see this poll's results now (what a projector may show). */
export function resultsArePublic(poll) {
  return poll.status === "closed" || poll.visibility === "live";
}

/**
 * The full-screen view: open(poll) shows it modally (focus returns to the opener), update(poll)
 * follows new tallies while it is open. onClosed(poll) is called when it closes.
 */
export function createFullScreen({ t, origin, onClosed }) {
  const dialog = $("polls-fullscreen");
  let shown = null;

  function fill(poll) {
    $("polls-fullscreen-question").textContent = poll.question;
    const visible = resultsArePublic(poll);
    $("polls-fullscreen-hidden").hidden = visible;
    renderResults($("polls-fullscreen-results"), t, poll.kind, visible ? poll.results : null);
    const url = `${origin}${poll.link}`;
    const link = $("polls-fullscreen-url");
    link.href = url;
    link.textContent = url;
    const qr = $("polls-fullscreen-qr");
    if (qr.dataset.link !== poll.link) {
      qr.src = `${poll.link}qr.svg`;
      qr.dataset.link = poll.link;
    }
    qr.alt = fmt(t.qr_alt, { url });
  }

  return {
    async open(poll, opener) {
      shown = poll;
      fill(poll);
      await openDialog(dialog, { opener });
      const closed = shown;
      shown = null;
      if (onClosed) onClosed(closed);
    },
    update(poll) {
      if (shown && shown.id === poll.id) {
        shown = poll;
        fill(poll);
      }
    },
    get poll() {
      return shown;
    },
  };
}
