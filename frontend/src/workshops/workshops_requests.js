// Breakout workshops on the room page: help and more-time requests, shown to the facilitators and a workshop's co-facilitator.
// Its functions share workshops.js's state and helpers through `ctx`.

import { $, element } from "../core/dom.js";
import { button } from "../core/buttons.js";
import { secondsUntil } from "../core/clock.js";
import { fmt, plural } from "../core/i18n.js";

export function createRequests(ctx) {
  const { w, t, client, confirmAction, people, panelData } = ctx;

  function requestKey(kind, payload) {
    return kind === "help" ? `help-${payload.help_id}` : `more-${payload.workshop.id}`;
  }

  function addRequest(kind, payload) {
    const key = requestKey(kind, payload);
    w.requests.set(key, { kind, payload, key });
    const text = fmt(kind === "help" ? t.workshops_help_requested : t.workshops_more_time_requested, {
      name: payload.by ? payload.by.name : "",
      workshop: payload.workshop.name,
    });
    $("workshops-requests-alert").textContent = text;
    renderRequests();
  }

  function helpAnswered(payload) {
    const key = `help-${payload.help_id}`;
    const request = w.requests.get(key);
    w.requests.delete(key);
    if (request && !(w.me && payload.by && payload.by.id === w.me.id))
      ctx.runStatus(fmt(t.workshops_help_answered, { name: payload.by.name, workshop: request.payload.workshop.name }));
    renderRequests();
  }

  function renderRequests() {
    const list = $("workshops-requests");
    const items = [...w.requests.values()].map(({ kind, payload, key }) => {
      const item = element("li", { className: `workshops-request ${kind}` });
      const names = { name: payload.by ? payload.by.name : "", workshop: payload.workshop.name };
      item.append(
        element("span", {
          text: fmt(kind === "help" ? t.workshops_help_requested : t.workshops_more_time_requested, names),
        }),
      );
      const actions = element("span", { className: "actions" });
      if (!(w.room && w.room.id === payload.workshop.room_id))
        actions.append(
          button(fmt(t.workshops_go_to, names), () => ctx.visit(payload.workshop, false), { focusKey: `${key}-go` }),
        );
      if (kind === "more_time" && ctx.runs() && w.view && w.view.status === "open")
        actions.append(
          button(fmt(t.workshops_give_more_time, names), () => ctx.extend().then(() => dismiss(key)), {
            focusKey: `${key}-more`,
          }),
        );
      actions.append(
        button(
          fmt(t.workshops_answered, names),
          () => {
            if (kind === "help") ctx.send("workshops.answer_help", { help_id: payload.help_id }).then(() => dismiss(key), () => {});
            else dismiss(key);
          },
          { focusKey: `${key}-done` },
        ),
      );
      item.append(" ", actions);
      return item;
    });
    list.hidden = items.length === 0;
    ctx.replaceKeepingFocus(list, items);
  }

  function dismiss(key) {
    w.requests.delete(key);
    renderRequests();
  }

  return { requestKey, addRequest, helpAnswered, renderRequests, dismiss };
}
