// The answer form of the open poll, one shape per kind, filled with this person's answer.
//
// Single choice, yes/no and scale are radio buttons; multiple choice check boxes; a ranking is
// an ordered list whose items move with "Move up" / "Move down" buttons (keyboard and touch,
// no dragging needed), each move told in the polite status region.

import { element } from "../core/dom.js";
import { button } from "../core/buttons.js";
import { fmt } from "../core/i18n.js";

const YES_NO = ["yes", "no", "abstain"];

function choice(type, name, value, label, checked) {
  const input = element("input", { attrs: { type, name, value: String(value) } });
  input.checked = Boolean(checked);
  const wrapper = element("label", { className: "poll-choice" });
  wrapper.append(input, document.createTextNode(` ${label}`));
  return wrapper;
}

/**
 * Fill `choices` (and `legend`) for `poll`; return `read()`, which gives the command's answer
 * ({kind, …}) or null when nothing is chosen yet.
 */
export function buildAnswerForm({ choices, legend, poll, t, mine, announce }) {
  const name = `poll-${poll.id}`;
  const chosen = new Set(Array.isArray(mine) ? mine : []);

  if (poll.kind === "ranking") return ranking({ choices, legend, poll, t, mine, announce });
  if (poll.kind === "scale") {
    legend.textContent = fmt(t.scale_legend, { min: poll.scale_min, max: poll.scale_max });
    const items = [];
    for (let value = poll.scale_min; value <= poll.scale_max; value += 1) {
      let label = String(value);
      if (value === poll.scale_min && poll.scale_min_label) label += ` (${poll.scale_min_label})`;
      if (value === poll.scale_max && poll.scale_max_label) label += ` (${poll.scale_max_label})`;
      items.push(choice("radio", name, value, label, mine === value));
    }
    choices.replaceChildren(...items);
    return () => {
      const picked = choices.querySelector("input:checked");
      return picked ? { kind: "scale", value: Number(picked.value) } : null;
    };
  }
  if (poll.kind === "yes_no") {
    legend.textContent = t.choose_one;
    choices.replaceChildren(...YES_NO.map((code, index) => choice("radio", name, code, t[code], chosen.has(index))));
    return () => {
      const picked = choices.querySelector("input:checked");
      return picked ? { kind: "yes_no", vote: picked.value } : null;
    };
  }
  const multiple = poll.kind === "multiple";
  legend.textContent = multiple ? fmt(t.choose_between, { min: poll.min_choices, max: poll.max_choices }) : t.choose_one;
  choices.replaceChildren(
    ...poll.options.map((option, index) => choice(multiple ? "checkbox" : "radio", name, index, option, chosen.has(index))),
  );
  return () => {
    const picked = [...choices.querySelectorAll("input:checked")].map((input) => Number(input.value));
    if (multiple) return { kind: "multiple", choices: picked };
    return picked.length ? { kind: "single", choice: picked[0] } : null;
  };
}

function ranking({ choices, legend, poll, t, mine, announce }) {
  legend.textContent = t.ranking_legend;
  let order = Array.isArray(mine) && mine.length === poll.options.length ? [...mine] : poll.options.map((_, i) => i);
  const list = element("ol", { className: "poll-ranking" });

  function move(index, by, focusDirection) {
    const target = index + by;
    if (target < 0 || target >= order.length) return;
    [order[index], order[target]] = [order[target], order[index]];
    render();
    const option = poll.options[order[target]];
    announce(fmt(t.moved, { option, place: target + 1, count: order.length }));
    // the focus follows the option moved, on the same button unless it is now disabled
    const item = list.children[target];
    const again = item.querySelector(`[data-move="${focusDirection}"]`);
    (again && !again.disabled ? again : item.querySelector("button:not(:disabled)")).focus();
  }

  function render() {
    list.replaceChildren(
      ...order.map((option, index) => {
        const label = poll.options[option];
        const item = element("li", { className: "poll-rank" });
        const up = button(t.move_up, () => move(index, -1, "up"), {
          className: "button secondary small",
          ariaLabel: fmt(t.move_up_label, { option: label }),
        });
        const down = button(t.move_down, () => move(index, 1, "down"), {
          className: "button secondary small",
          ariaLabel: fmt(t.move_down_label, { option: label }),
        });
        up.dataset.move = "up";
        down.dataset.move = "down";
        up.disabled = index === 0;
        down.disabled = index === order.length - 1;
        const buttons = element("span", { className: "poll-rank-buttons" });
        buttons.append(up, down);
        item.append(element("span", { className: "poll-rank-label", text: label }), buttons);
        return item;
      }),
    );
  }

  render();
  choices.replaceChildren(list);
  return () => ({ kind: "ranking", order: [...order] });
}
