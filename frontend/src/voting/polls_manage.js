// The facilitators' part of the polls tab: prepare polls, keep them in order, launch, close,
// and project one full screen. What they may do is the server's answer (`can_manage` in the
// snapshot); the drafts come only to them (`polls.polls_changed`, the facilitators' group).

import { $, element, replaceKeepingFocus } from "../core/dom.js";
import { button } from "../core/buttons.js";
import { fmt } from "../core/i18n.js";
import { describeRequirement } from "../verifications/requirement.js";

const WITH_OPTIONS = ["single", "multiple", "ranking"];

/** "Required to answer: FranceConnect", in a help span; null when answering requires nothing. */
function requirementNote(poll, t) {
  const kinds = describeRequirement(poll.verification_requirement, t.requirement);
  return kinds ? element("span", { className: "help polls-requirement", text: fmt(t.required_to_answer, { kinds }) }) : null;
}

/** Where a poll sits in the meeting: its agenda item's title, an item deleted since, or the free label. */
export function moment(poll, t) {
  if (poll.agenda_item !== null && poll.agenda_item !== undefined) return poll.agenda_title || t.unknown_item;
  return poll.label || "";
}

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
    };
    // the verifications answering requires (the shared chooser: kinds ticked, any or all)
    const kinds = [...form.querySelectorAll('input[name="verification_requirement_0"]:checked')].map((box) => box.value);
    const mode = form.querySelector('input[name="verification_requirement_1"]:checked');
    payload.verification_requirement = { kinds, mode: mode ? mode.value : "any" };
    // an item of the meeting's agenda when it has one; the free label otherwise
    if (state.agenda.length) {
      if (value("agenda_item")) payload.agenda_item = Number(value("agenda_item"));
    } else {
      payload.label = value("label").trim();
    }
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
    const where = moment(poll, t);
    const text = where ? `${where} — ${poll.question}` : poll.question;
    item.append(element("span", { className: "polls-item-question", text }));
    item.append(element("span", { className: "help", text: ` (${t[`kind_${poll.kind}`]})` }));
    const requirement = requirementNote(poll, t);
    if (requirement) item.append(" ", requirement);
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

  /** The agenda's items in the form's select, keeping the choice being made. */
  function renderAgendaSelect() {
    const select = $("polls-agenda-item");
    const chosen = select.value;
    const none = select.options[0];
    const options = state.agenda.map((item) =>
      element("option", { text: `${item.position + 1}. ${item.title}`, attrs: { value: String(item.id) } }),
    );
    select.replaceChildren(none, ...options);
    const current = state.agenda.find((item) => item.current);
    if (state.agenda.some((item) => String(item.id) === chosen)) select.value = chosen;
    else if (current && !form.elements.question.value) select.value = String(current.id);
    $("polls-agenda-field").hidden = state.agenda.length === 0;
    $("polls-label-field").hidden = state.agenda.length > 0;
  }

  /** The prepared polls of the item under way, offered on the stage to launch (none while one is open). */
  function renderOffer() {
    const current = state.agenda.find((item) => item.current);
    const offered = current && !state.open ? state.drafts.filter((poll) => poll.agenda_item === current.id) : [];
    $("polls-offer").hidden = offered.length === 0;
    if (!offered.length) {
      $("polls-offer-list").replaceChildren();
      return;
    }
    $("polls-offer-item").textContent = current.title;
    const items = offered.map((poll) => {
      const li = element("li");
      li.dataset.focusKey = `offer-${poll.id}`;
      li.append(
        button(fmt(t.launch_question, { question: poll.question }), async () => {
          state.focusCardOnOpen = true; // the offer goes away: the focus goes to the launched poll's card
          await send("polls.open", { poll_id: poll.id }).catch(() => {
            state.focusCardOnOpen = false;
          });
        }, { className: "button small" }),
      );
      const requirement = requirementNote(poll, t);
      if (requirement) li.append(" ", requirement);
      return li;
    });
    replaceKeepingFocus($("polls-offer-list"), items, () => $("polls-card-toggle"));
  }

  return {
    render() {
      if (!state.canManage) {
        $("polls-offer").hidden = true;
      } else {
        renderAgendaSelect();
        renderOffer();
      }
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
