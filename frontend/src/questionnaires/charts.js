// A questionnaire's results drawn from the live payload (docs/asyncapi.yaml,
// QuestionnaireQuestionResult): the same bars and tables as templates/questionnaires/results.html,
// for the results page (results.js) and a meeting's stage (consultation/stage.js). The bars are
// for the eye (aria-hidden); each table says the same in text. Text nodes only.
import { element } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";

/** A decimal as the page's language writes it (Django localises the server-drawn page the same way). */
function decimal(value, digits) {
  return Number(value).toLocaleString(document.documentElement.lang || undefined, { minimumFractionDigits: digits, maximumFractionDigits: 2 });
}

/** "12 answers. Mean: 3.5." */
export function summary(result, t) {
  let text = plural(t.answers, result.answered);
  if (result.mean !== undefined && result.mean !== null) text += ` ${fmt(t.mean, { mean: decimal(result.mean, 1) })}`;
  if (result.median !== undefined && result.median !== null) text += ` ${fmt(t.median, { median: decimal(result.median, 0) })}`;
  return text;
}

export function chartRows(bars) {
  return bars.map((bar) => {
    const row = element("div", { className: "result-bar-row" });
    const track = element("span", { className: "result-bar-track" });
    const fill = element("span", { className: "result-bar" });
    fill.style.width = `${Number(bar.width).toFixed(1)}%`;
    track.append(fill);
    row.append(element("span", { className: "result-bar-label", text: bar.label }), track, element("span", { className: "result-bar-count", text: String(bar.count) }));
    return row;
  });
}

export function barRows(kind, bars) {
  return bars.map((bar) => {
    const row = element("tr");
    const last = kind === "ranking" ? (bar.mean_rank === null || bar.mean_rank === undefined ? "–" : decimal(bar.mean_rank, 1)) : `${decimal(bar.percent, 1)} %`;
    row.append(element("th", { text: bar.label, attrs: { scope: "row" } }), element("td", { text: String(bar.count) }), element("td", { text: String(last) }));
    return row;
  });
}

export function matrixRows(matrix) {
  return matrix.map((line) => {
    const row = element("tr");
    row.append(element("th", { text: line.row, attrs: { scope: "row" } }), ...line.counts.map((count) => element("td", { text: String(count) })));
    return row;
  });
}

/** The rows of a breakdown: a count under the threshold is null, and said so. */
export function breakdownRows(rows, t, threshold) {
  return rows.map((line) => {
    const row = element("tr");
    row.append(element("th", { text: line.label, attrs: { scope: "row" } }), element("td", { text: line.total === null ? fmt(t.fewer, { threshold }) : String(line.total) }));
    for (const cell of line.cells) {
      const td = element("td");
      td.append(cell === null ? element("span", { className: "suppressed", text: t.hidden }) : String(cell));
      row.append(td);
    }
    return row;
  });
}

function table(caption, headings, rows) {
  const node = element("table", { className: "result-table" });
  const head = element("tr");
  head.append(...headings.map((text) => element("th", { text, attrs: { scope: "col" } })));
  const thead = element("thead");
  thead.append(head);
  const tbody = element("tbody");
  tbody.append(...rows);
  node.append(element("caption", { text: caption }), thead, tbody);
  return node;
}

/** One question's whole result (a meeting's stage): heading, summary, chart and table. */
export function questionBlock(result, index, t, headingTag = "h3") {
  const block = element("section", { className: "question-result" });
  block.append(element(headingTag, { text: `${index + 1}. ${result.text}` }), element("p", { text: summary(result, t) }));
  if (result.bars && result.bars.length) {
    const chart = element("div", { className: "result-chart", attrs: { "aria-hidden": "true" } });
    chart.append(...chartRows(result.bars));
    const ranking = result.kind === "ranking";
    block.append(chart, table(ranking ? t.caption_ranking : t.caption_options, [t.answer, ranking ? t.points : t.people, ranking ? t.mean_rank : t.share], barRows(result.kind, result.bars)));
  }
  if (result.matrix && result.matrix.length) block.append(table(t.caption_matrix, [t.row, ...result.columns], matrixRows(result.matrix)));
  return block;
}

const SVG = "http://www.w3.org/2000/svg";

function svgNode(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A single choice's pie (templates/questionnaires/_pie.html), from the slices the server drew (council/core/charts.py). */
export function pieFigure(slices, t) {
  const said = slices.map((s) => `${s.label} ${decimal(s.percent, 0)} %`).join(", ") || t.no_answer;
  const svg = svgNode("svg", { viewBox: "0 0 100 100", role: "img", "aria-label": `${t.pie}: ${said}` });
  svg.append(...slices.map((s) => svgNode("path", { d: s.path, class: `pie-shade-${s.shade}` })));
  for (const s of slices) {
    svg.append(svgNode("circle", { cx: s.x, cy: s.y, r: 5, class: "pie-tag" }), svgNode("text", { x: s.x, y: s.y, class: "pie-number" }, String(s.number)));
  }
  const legend = element("ol", { className: "pie-legend", attrs: { "aria-hidden": "true" } });
  legend.append(...slices.map((s) => {
    const item = element("li");
    item.append(element("span", { className: `pie-key pie-shade-${s.shade}`, text: String(s.number) }), ` ${s.label}, ${decimal(s.percent, 0)} %`);
    return item;
  }));
  const figure = element("figure", { className: "result-pie", attrs: { "data-pie": "" } });
  figure.append(svg, legend);
  return figure;
}

/** A scale's or a number's distribution (templates/questionnaires/_histogram.html), the mean and median marked. */
export function histogramSvg(histogram, t) {
  const bins = histogram.bins.map((b) => `${b.label}: ${b.count}`).join(", ") || t.no_answer;
  const marks = histogram.marks.map((m) => ` ${m.kind === "mean" ? t.mean_name : t.median_name} ${decimal(m.value, 0)}.`).join("");
  const svg = svgNode("svg", { class: "result-histogram", viewBox: "0 0 100 70", role: "img", "data-histogram": "", "aria-label": `${t.distribution}: ${bins}.${marks}` });
  for (const b of histogram.bins) {
    svg.append(svgNode("rect", { class: "histogram-bin", x: b.x, width: b.w, y: b.y, height: b.h }), svgNode("text", { class: "histogram-label", x: b.tx, y: 66 }, b.label));
  }
  svg.append(svgNode("line", { class: "histogram-floor", x1: 0, x2: 100, y1: 60, y2: 60 }));
  for (const m of histogram.marks) {
    const top = m.kind === "mean" ? 4 : 9;
    svg.append(
      svgNode("line", { class: `histogram-${m.kind}`, x1: m.x, x2: m.x, y1: top, y2: 60 }),
      svgNode("text", { class: "histogram-mark", x: m.x, y: top - 0.5 }, m.kind === "mean" ? t.mean_mark : t.median_mark),
    );
  }
  return svg;
}

export function binRows(bins) {
  return bins.map((bin) => {
    const row = element("tr");
    row.append(element("th", { text: bin.label, attrs: { scope: "row" } }), element("td", { text: String(bin.count) }));
    return row;
  });
}
