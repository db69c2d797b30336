// The facilitators' part of the polls tab: prepare polls, keep them in order, launch, close,
// and project one full screen. What they may do is the server's answer (`can_manage` in the
// snapshot); the drafts come only to them (`polls.polls_changed`, the facilitators' group).

import { $, element, replaceKeepingFocus } from "../core/dom.js";
import { button } from "../core/buttons.js";
import { fmt } from "../core/i18n.js";

const WITH_OPTIONS = ["single", "multiple", "ranking"];

export function createManage({ t, send, confirmAction, announce, state, fullScreen }) {
  const form = $("polls-form");
  const kind = $("polls-kind");

  function showKindFields() {
    $("polls-options-field").hidden = !WITH_OPTIONS.includes(kind.value);
    $("polls-choices-field").hidden = kind.value !== "multiple";
    $("polls-scale-field").hidden = kind.value !== "scale";
  }
  kind.addEventListener("change", showKindFields);
  showKindFields();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.elements[name].value;
    const payload = {
      question: value("question").trim(),
      kind: kind.value,
      visibility: value("visibility"),
      allow_anonymous: form.elements.allow_anonymous.checked,
      label: value("label").trim(),
    };
    if (WITH_OPTIONS.includes(kind.value)) {
      payload.options = value("options").split("\n").map((line) => line.trim()).filter(Boolean);
    }
    if (kind.value === "multiple") {
      payload.min_choices = Number(value("min_choices"));
      payload.max_choices = Number(value("max_choices"));
    }
    if (kind.value === "scale") {
      payload.scale_min = Number(value("scale_min"));
      payload.scale_max = Number(value("scale_max"));
      payload.scale_min_label = value("scale_min_label").trim();
      payload.scale_max_label = value("scale_max_label").trim();
    }
    try {
      await send("polls.create", payload);
    } catch {
      form.elements.question.focus();
      return;
    }
    form.reset();
    showKindFields();
    announce(t.prepared, { now: true });
    form.elements.question.focus();
  });

  $("polls-close").addEventListener("click", async (event) => {
    const poll = state.open;
    if (!poll || !(await confirmAction(fmt(t.confirm_close, { question: poll.question }), event.currentTarget))) return;
    await send("polls.close", { poll_id: poll.id }).catch(() => {});
  });
  $("polls-full-screen").addEventListener("click", (event) => {
    if (state.open) fullScreen.open(state.open, event.currentTarget);
  });

  function draftItem(poll, index, drafts) {
    const item = element("li", { className: "polls-item" });
    item.dataset.focusKey = `draft-${poll.id}`;
    item.dataset.position = `${index}:${poll.position}`; // a move changes the node, so its buttons are new
    const text = poll.label ? `${poll.label} — ${poll.question}` : poll.question;
    item.append(element("span", { className: "polls-item-question", text }));
    item.append(element("span", { className: "help", text: ` (${t[`kind_${poll.kind}`]})` }));
    const actions = element("span", { className: "polls-actions" });
    const launch = button(t.launch, async () => {
      await send("polls.open", { poll_id: poll.id }).catch(() => {});
    }, { className: "button small", ariaLabel: `${t.launch} : ${poll.question}` });
    launch.disabled = Boolean(state.open);
    const swap = (other) => async () => {
      await send("polls.update", { poll_id: poll.id, position: other.position });
      await send("polls.update", { poll_id: other.id, position: poll.position });
    };
    const up = button(t.move_up, swap(drafts[index - 1]), {
      className: "button secondary small", ariaLabel: fmt(t.move_up_label, { option: poll.question }),
    });
    up.disabled = index === 0;
    const down = button(t.move_down, swap(drafts[index + 1]), {
      className: "button secondary small", ariaLabel: fmt(t.move_down_label, { option: poll.question }),
    });
    down.disabled = index === drafts.length - 1;
    const remove = button(t.delete, async (node) => {
      if (!(await confirmAction(fmt(t.confirm_delete, { question: poll.question }), node))) return;
      await send("polls.delete", { poll_id: poll.id }).catch(() => {});
    }, { className: "button secondary small", ariaLabel: `${t.delete} : ${poll.question}` });
    actions.append(launch, up, down, remove);
    item.append(actions);
    return item;
  }

  return {
    render() {
      $("polls-manage").hidden = !state.canManage;
      $("polls-open-actions").hidden = !state.canManage;
      if (!state.canManage) return;
      const drafts = [...state.drafts].sort((a, b) => a.position - b.position || a.id - b.id);
      $("polls-drafts-empty").hidden = drafts.length > 0;
      replaceKeepingFocus($("polls-drafts"), drafts.map((poll, index) => draftItem(poll, index, drafts)), () =>
        $("polls-question"),
      );
    },
  };
}
