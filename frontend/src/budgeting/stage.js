// A budget's results announced project by project on the meeting's stage
// (templates/budgeting/_stage.html) and its tab (templates/budgeting/_stage_panel.html).
//
// mount({ client, root, t, data }): a panel of the room page (council/budgeting/apps.py).
// `rooms.room_synced` brings `budget_announcement` (the projects revealed so far, or null) and
// `budgeting.announcement_changed` replaces it whole, so a missed event is repaired by the next
// one or a resync. Each newly revealed project is said once in a status region. Those who may
// announce (data.budgets, the budgets whose results they may announce) start, reveal and end
// from the tab; the server checks the right again.
import { $, element, setText } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";

export function mount({ client, root, t, data }) {
  const stage = $("budget-stage");
  const list = $("budget-stage-projects");
  const announcer = $("budget-stage-announcer");
  const state = root.querySelector("#budget-announce-state");
  const controls = root.querySelector("#budget-announce-controls");
  const choice = root.querySelector("#budget-announce-choice");
  const start = root.querySelector("#budget-announce-start");
  const next = root.querySelector("#budget-announce-next");
  const end = root.querySelector("#budget-announce-end");
  const alert = root.querySelector("#budget-announce-error");
  const budgets = (data && data.budgets) || [];
  let current = null;

  const money = (amount, currency) => {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "currency", currency }).format(Number(amount));
    } catch (error) {
      return `${amount} ${currency}`;
    }
  };

  if (budgets.length) {
    controls.hidden = false;
    for (const budget of budgets) choice.append(element("option", { text: budget.title, attrs: { value: String(budget.id) } }));
  }

  function render(announcement, { speak }) {
    const before = current;
    current = announcement;
    stage.hidden = !announcement;
    start.disabled = false;
    next.disabled = !announcement || announcement.revealed >= announcement.total;
    end.disabled = !announcement;
    if (!announcement) {
      list.replaceChildren();
      setText(state, budgets.length || !before ? t.none : t.ended);
      if (speak && before) setText(announcer, t.ended);
      return;
    }
    setText($("budget-stage-heading"), fmt(t.heading, { title: announcement.title }));
    const progress = plural(t.progress, announcement.revealed, { total: announcement.total });
    setText($("budget-stage-progress"), `${progress} · ${fmt(t.spent, {
      spent: money(announcement.spent, announcement.currency), amount: money(announcement.amount, announcement.currency),
    })}`);
    setText(state, progress);
    list.replaceChildren(...announcement.projects.map((project) => element("li", {
      text: `${project.title} (${money(project.cost, announcement.currency)})`,
    })));
    if (!speak) return;
    const sameBudget = before && before.budget_id === announcement.budget_id;
    const newest = announcement.projects[announcement.revealed - 1];
    if (sameBudget && newest && announcement.revealed > before.revealed) {
      setText(announcer, fmt(t.revealed, { title: newest.title, cost: money(newest.cost, announcement.currency) }));
    } else if (!sameBudget) {
      setText(announcer, fmt(t.started, { title: announcement.title }));
    }
  }

  async function send(type, payload, button) {
    alert.textContent = "";
    button.disabled = true;
    try {
      await client.send(type, payload);
    } catch (refused) {
      if (refused && refused.code !== "closed") alert.textContent = fmt(t.error, { message: refused.message || String(refused) });
    } finally {
      render(current, { speak: false });
      // a disabled button lost the focus: back to it, or to the next control that still acts
      [button, next, end, start].find((candidate) => !candidate.disabled)?.focus();
    }
  }

  start.addEventListener("click", () => send("budgeting.announce", { budget_id: Number(choice.value) }, start));
  next.addEventListener("click", () => send("budgeting.reveal_next", {}, next));
  end.addEventListener("click", () => send("budgeting.announce", { budget_id: null }, end));

  client.on("rooms.room_synced", (payload) => render(payload.budget_announcement || null, { speak: false }));
  client.on("budgeting.announcement_changed", (payload) => render(payload.announcement, { speak: true }));
  if (!budgets.length) setText(state, t.none);
}
