// The ballot of a participatory budget (and the officials' paper entry): the running total,
// what is left and the limits, said in a polite live region as the voter chooses. The form
// works without this script: the server checks it and says what is wrong.
import { $, setText } from "../core/dom.js";
import { fmt, loadStrings, plural } from "../core/i18n.js";

const strings = loadStrings("budget-strings");
const form = $("ballot-form");
const status = $("ballot-total");

// As the server writes amounts (explain.money): grouped digits, then the currency's symbol.
function money(value) {
  const digits = Number.isInteger(value) ? 0 : 2;
  const number = new Intl.NumberFormat(strings.language, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  return `${number}\u00a0${strings.currency}`;
}

function whole(input) {
  const value = Number.parseInt(input.value, 10);
  return Number.isNaN(value) ? 0 : value;
}

function summary() {
  const items = [...form.querySelectorAll(".ballot-item")];
  const max = strings.max_projects;
  if (strings.kind === "knapsack" || strings.kind === "approval") {
    const chosen = items.filter((item) => item.querySelector("input[type=checkbox]").checked);
    const parts = [`${plural(strings.chosen, chosen.length)}.`];
    let over = false;
    if (strings.kind === "knapsack") {
      const amount = Number(strings.amount);
      const total = chosen.reduce((sum, item) => sum + Number(item.dataset.cost), 0);
      parts.push(fmt(strings.spent, { total: money(total), amount: money(amount), left: money(Math.max(0, amount - total)) }));
      if (total > amount) {
        parts.push(fmt(strings.over, { over: money(total - amount) }));
        over = true;
      }
    }
    if (max !== null && chosen.length > max) {
      parts.push(fmt(strings.too_many, { max }));
      over = true;
    }
    return { text: parts.join(" "), over };
  }
  if (strings.kind === "cumulative") {
    const given = items.reduce((sum, item) => sum + Math.max(0, whole(item.querySelector("input"))), 0);
    if (strings.max_points === null) return { text: plural(strings.points_left, given), over: false };
    const left = strings.max_points - given;
    if (left < 0) return { text: fmt(strings.points_over, { over: -left }), over: true };
    return { text: plural(strings.points_left, left), over: false };
  }
  const ranked = items.filter((item) => item.querySelector("input").value.trim() !== "").length;
  return { text: plural(strings.ranked, ranked), over: false };
}

function update() {
  const { text, over } = summary();
  setText(status, text);
  status.classList.toggle("over", over);
  for (const item of form.querySelectorAll(".ballot-item")) {
    const box = item.querySelector("input[type=checkbox]");
    if (box) item.classList.toggle("chosen", box.checked);
  }
}

if (form && status) {
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
  form.dataset.ready = "1"; // the running total is on (tests wait for it)
}
