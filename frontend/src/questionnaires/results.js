// A questionnaire's results page, live while it takes answers: consultation.questionnaire_results_changed
// (docs/asyncapi.yaml) arrives coalesced over the consultation's socket, only for those who may read
// the results, and redraws the counts, charts and tables, and the breakdown shown, whose cells under
// the threshold the server already hid. Without script the page is the same, as of its loading.
// consultation.capabilities_changed (a role, a group, the questionnaire's settings or a phase changed
// while the page is open) hides the results at once when the person may no longer read them, and
// reloads the page when they may again.
import { RealtimeClient } from "../realtime/client.js";
import { $, setText } from "../core/dom.js";
import { plural, loadStrings } from "../core/i18n.js";
import { barRows, binRows, breakdownRows, chartRows, histogramSvg, matrixRows, pieFigure, summary } from "./charts.js";

const root = $("questionnaire-results");
const t = loadStrings("results-strings");

function apply(payload) {
  if (String(payload.questionnaire_id) !== root.dataset.questionnaire) return;
  const respondents = plural(t.respondents, payload.respondents);
  const changed = $("respondents").textContent !== respondents;
  setText($("respondents"), respondents);
  for (const result of payload.questions) {
    const section = root.querySelector(`[data-question="${result.id}"]`);
    if (!section) continue;
    setText(section.querySelector("[data-summary]"), summary(result, t));
    const chart = section.querySelector("[data-chart]");
    if (chart && result.bars) chart.replaceChildren(...chartRows(result.bars));
    const bars = section.querySelector("[data-bars]");
    if (bars && result.bars) bars.replaceChildren(...barRows(result.kind, result.bars));
    const pie = section.querySelector("[data-pie-chart]");
    if (pie && result.pie) pie.replaceChildren(pieFigure(result.pie, t));
    const histogram = section.querySelector("[data-histogram-chart]");
    if (histogram && result.histogram) histogram.replaceChildren(histogramSvg(result.histogram, t));
    const bins = section.querySelector("[data-bins]");
    if (bins && result.histogram) bins.replaceChildren(...binRows(result.histogram.bins));
    const matrix = section.querySelector("[data-matrix]");
    if (matrix && result.matrix) matrix.replaceChildren(...matrixRows(result.matrix));
  }
  const shown = $("breakdown");
  if (shown) {
    const found = payload.breakdowns.find((b) => String(b.question_id) === shown.dataset.question && b.by === shown.dataset.by);
    if (found) shown.querySelector("tbody").replaceChildren(...breakdownRows(found.rows, t, payload.threshold));
  }
  if (changed) setText($("results-live"), `${t.updated} ${respondents}`);
}

let withdrawn = false;

function rights(capabilities) {
  if (capabilities.view_results === false && !withdrawn) {
    withdrawn = true;
    for (const part of document.querySelectorAll("[data-results]")) part.hidden = true;
    setText($("results-withdrawn"), t.withdrawn);
  } else if (capabilities.view_results && withdrawn) {
    window.location.reload();  // the results as they stand now, from the server
  }
}

// Bars or a pie for single choices: the reader's choice, kept for the next results page they open.
const CHART_KEY = "council.results_chart";
function chooseChart(kind) {
  for (const radio of document.querySelectorAll(`[data-chart-switch] input[value="${kind}"]`)) radio.checked = true;
}
try {
  if (localStorage.getItem(CHART_KEY) === "pie") chooseChart("pie");
} catch { /* storage refused: bars, as the page comes */ }
document.addEventListener("change", (event) => {
  if (!event.target.closest || !event.target.closest("[data-chart-switch]")) return;
  chooseChart(event.target.value);
  try { localStorage.setItem(CHART_KEY, event.target.value); } catch { /* not kept */ }
});

if (root && root.dataset.socket) {
  const client = new RealtimeClient(root.dataset.socket);
  client.on("consultation.consultation_synced", (payload) => {
    root.dataset.synced = "1";
    rights(payload.capabilities || {});
  });
  client.on("consultation.capabilities_changed", (payload) => rights(payload.capabilities));
  client.on("consultation.questionnaire_results_changed", apply);
  client.connect();
}
