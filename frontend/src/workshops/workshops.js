// Breakout workshops on the room page: the facilitator's panel and each participant's view.
//
// The server sends the whole session on every change (`workshops.session_updated`, and
// `workshops` in each room snapshot), already cut down to what this person may see, so the
// page renders it whole. Times are the server's: `ends_at` and `closes_at` are compared
// with the server's clock (the offset comes from `server_now`), so every workshop counts
// down together. room.js moves the page between rooms; this module only shows where the
// session stands and sends the facilitators' and participants' commands.
//
// mount(ctx) is called by room.js (a registered panel, council/workshops/apps.py); the
// facilitators' panel, the requests and the log are in workshops_*.js.

import { $, element, replaceKeepingFocus as replaceKept } from "../core/dom.js";
import { button } from "../core/buttons.js";
import { clockText, secondsUntil, syncClock } from "../core/clock.js";
import { fmt, plural } from "../core/i18n.js";

import { createFacilitatorPanel } from "./workshops_facilitator.js";
import { createLog } from "./workshops_log.js";
import { createRequests } from "./workshops_requests.js";
import { isOlder } from "./session_order.js";

const TICK_MS = 1000;
const CLOSING_ANNOUNCEMENTS = [30, 10]; // the closing countdown is spoken then, not every second
const RUNNING = ["open", "closing"];

export function mount({ client, t, data, confirmAction, people }) {
  // Facilitators only (council/workshops/panels.py): the council's groups, the outputs page's address.
  const panelData = data;

  const w = {
    view: null, // this person's view of the session, or null when there is none
    me: null,
    capabilities: {},
    room: null, // the room this page is in now (the plenary or a breakout)
    visiting: false, // a facilitator who went into a workshop by themselves
    ticker: null,
    status: null, // the last status rendered, to notice changes
    closingSpoken: new Set(),
    requests: new Map(), // key -> {kind, payload}: help and more-time requests (facilitators)
    preparing: false, // the facilitator opened the form for new workshops
    lastError: "", // the alert this module showed, cleared by the next success
  };

  // The facilitators' panel, the requests and the log (workshops_*.js) call each other and
  // these functions through `ctx`.
  const ctx = { w, t, client, confirmAction, people, panelData };
  Object.assign(ctx, {
    failed, clearError, runStatus, announce, replaceKeepingFocus, fallbackFocus, send, sessionId, runs,
    inBreakout, currentWorkshop, workshopById, render, tick, currentStatus,
  });
  Object.assign(ctx, createFacilitatorPanel(ctx), createRequests(ctx), createLog(ctx));

  // Small helpers ------------------------------------------------------------------------

  function failed(error) {
    if (!error || error.code === "closed") return;
    w.lastError = fmt(t.error, { message: error.message || String(error) });
    $("room-alert").textContent = w.lastError;
  }

  // A success takes away the error this module showed before (not the room's own alerts).
  function clearError() {
    if (w.lastError && $("room-alert").textContent === w.lastError) $("room-alert").textContent = "";
    w.lastError = "";
  }

  function runStatus(text) {
    clearError();
    $("workshops-run-status").textContent = text;
  }

  function announce(text) {
    $("workshops-announcer").textContent = text;
  }

  function replaceKeepingFocus(container, items, fallback = fallbackFocus) {
    replaceKept(container, items, fallback);
  }

  // The panel's heading when its tab is the one shown, the room's heading otherwise.
  function fallbackFocus() {
    return $("workshops-heading").checkVisibility() ? $("workshops-heading") : $("room-heading");
  }

  function send(type, payload = {}) {
    return client.send(type, payload).catch((error) => {
      failed(error);
      throw error;
    });
  }

  function sessionId() {
    return w.view && w.view.session_id;
  }

  function runs() {
    if (w.view) return Boolean(w.view.can && w.view.can.run);
    return Boolean(w.capabilities.moderate_room && w.room && !w.room.parent_id);
  }

  function inBreakout() {
    return Boolean(w.room && w.room.parent_id);
  }

  function currentWorkshop() {
    if (!w.view || !w.room) return null;
    return w.view.workshops.find((workshop) => workshop.room_id === w.room.id) || null;
  }

  function workshopById(id) {
    return w.view ? w.view.workshops.find((workshop) => workshop.id === id) || null : null;
  }

  // State from the server -------------------------------------------------------------------

  function synced(snapshot) {
    w.me = snapshot.me;
    w.capabilities = { ...snapshot.me.capabilities };
    w.room = snapshot.room;
    if (!inBreakout()) w.visiting = false;
    setView(snapshot.workshops || null);
  }

  function capabilities(caps) {
    w.capabilities = { ...caps };
    render();
  }

  function setView(view) {
    if (isOlder(view, w.view)) return; // sent after a later change (session_order.js)
    const before = w.view;
    w.view = view;
    if (view) syncClock(view.server_now);
    const status = view ? view.status : null;
    if (before && view && before.session_id === view.session_id && w.status !== status) statusChanged(status);
    else if (!before || !view || before.session_id !== view.session_id) w.closingSpoken.clear();
    w.status = status;
    if (view && view.can && view.can.run) w.preparing = w.preparing && view.status === "closed";
    render();
    tick();
  }

  function statusChanged(status) {
    if (status === "closing") {
      w.closingSpoken.clear();
      const seconds = secondsUntil(w.view.closes_at) ?? 0;
      for (const threshold of CLOSING_ANNOUNCEMENTS) if (seconds <= threshold) w.closingSpoken.add(threshold);
      if (concerned()) announce(plural(t.workshops_closing_announce, seconds, { seconds }));
    }
  }

  // People who hear the timers: those in a workshop, and the facilitators.
  function concerned() {
    return inBreakout() || runs();
  }

  // Frames: the room's snapshot and state, then the workshops' own events.
  client.on("rooms.room_synced", synced);
  client.on("rooms.capabilities_changed", (payload) => capabilities(payload.capabilities));
  // The facilitator's lists of people (assignment, co-facilitators) follow who is here.
  client.on("rooms.presence_changed", () => render());
  client.on("workshops.session_updated", setView);
  client.on("rooms.moved", (payload) => {
    w.visiting = runs() && payload.room_id !== payload.plenary_id;
    render();
  });
  client.on("workshops.broadcast_sent", (payload) => {
    $("workshops-broadcast").textContent = fmt(t.workshops_broadcast, {
      name: payload.by ? payload.by.name : "",
      text: payload.text,
    });
  });
  client.on("workshops.help_requested", (payload) => ctx.addRequest("help", payload));
  client.on("workshops.more_time_requested", (payload) => ctx.addRequest("more_time", payload));
  client.on("workshops.help_answered", ctx.helpAnswered);
  client.on("workshops.timer_warning", (payload) => {
    if (!concerned()) return;
    const minutes = Math.round(payload.seconds_left / 60);
    announce(plural(t.workshops_minutes_left, minutes, { minutes }));
  });
  client.on("workshops.time_up", () => {
    if (concerned()) announce(t.workshops_time_up);
    tick();
  });

  // The clock: countdowns of the open session and of the return to the plenary ---------------

  function tick() {
    const running = w.view && RUNNING.includes(w.view.status);
    if (running && !w.ticker) w.ticker = setInterval(tick, TICK_MS);
    if (!running && w.ticker) {
      clearInterval(w.ticker);
      w.ticker = null;
    }
    const countdown = $("workshops-countdown");
    const timeLeft = $("workshops-time-left");
    const closing = $("workshops-closing");
    if (!running) {
      countdown.textContent = "";
      timeLeft.textContent = "";
      closing.hidden = true;
      return;
    }
    const left = secondsUntil(w.view.ends_at);
    const text = left === null ? "" : left > 0 ? fmt(t.workshops_time_left, { time: clockText(left) }) : t.workshops_time_over;
    if (countdown.textContent !== text) countdown.textContent = text;
    if (timeLeft.textContent !== text) timeLeft.textContent = text;
    if (w.view.status === "closing") {
      const seconds = secondsUntil(w.view.closes_at) ?? 0;
      const closingText = fmt(t.workshops_closing_in, { seconds });
      if (closing.textContent !== closingText) closing.textContent = closingText;
      closing.hidden = false;
      countdown.hidden = true;
      timeLeft.textContent = closingText;
      for (const threshold of CLOSING_ANNOUNCEMENTS) {
        if (seconds <= threshold && seconds > 0 && !w.closingSpoken.has(threshold)) {
          w.closingSpoken.add(threshold);
          if (concerned()) announce(plural(t.workshops_closing_soon, seconds, { seconds }));
        }
      }
    } else {
      closing.hidden = true;
      countdown.hidden = false;
    }
  }

  // Rendering -------------------------------------------------------------------------------

  function render() {
    const focused = document.activeElement;
    const inPanel = Boolean(focused && focused.closest && focused.closest("#workshops, #workshops-current"));
    const facilitator = runs();
    const view = w.view;
    const breakout = inBreakout();
    const showSection = facilitator ? !breakout || w.visiting : Boolean(view) && !breakout && view.status !== "closed";
    $("workshops").hidden = !showSection;
    $("workshops-summary").textContent = view
      ? fmt(t.workshops_summary, { title: view.title, status: t[`workshops_status_${view.status}`] || view.status })
      : "";
    renderCurrent(facilitator);
    renderMine(facilitator);
    ctx.renderRun(facilitator);
    ctx.renderRequests();
    // A control that vanished (the Open button once open…) must not leave the focus nowhere;
    // a part of the panel that already put it somewhere sensible keeps it there.
    const now = document.activeElement;
    const kept =
      now && now !== focused && now.closest && now.closest("#workshops, #workshops-current") && now.checkVisibility();
    if (inPanel && (!focused.isConnected || !focused.checkVisibility()) && !kept) fallbackFocus().focus();
  }

  // Inside a workshop: its name, topic, countdown and the buttons to call the facilitators.
  function renderCurrent(facilitator) {
    const workshop = currentWorkshop();
    const section = $("workshops-current");
    section.hidden = !workshop;
    if (!workshop) return;
    $("workshops-current-heading").textContent = workshop.name;
    const topic = $("workshops-current-topic");
    topic.textContent = workshop.topic || "";
    topic.hidden = !workshop.topic;
    $("workshops-listening-notice").hidden = !w.view.listening_in_allowed;
    const running = RUNNING.includes(w.view.status);
    const participant = !facilitator || w.view.cofacilitating_id === workshop.id;
    $("workshops-help").hidden = !participant || !running || w.visiting;
    $("workshops-more-time").hidden = !participant || w.view.status !== "open" || w.visiting;
    $("workshops-more-time-help").hidden = $("workshops-more-time").hidden;
    $("workshops-return").hidden = !w.visiting;
  }

  // A participant in the plenary: where they will go, or the workshops to choose from.
  function renderMine(facilitator) {
    const view = w.view;
    const box = $("workshops-mine");
    box.hidden = facilitator || !view || inBreakout();
    if (box.hidden) return;
    const mine = workshopById(view.my_workshop_id);
    const running = RUNNING.includes(view.status);
    const choosing = Boolean(view.can && view.can.choose);
    let text = t.workshops_not_assigned;
    if (mine) text = fmt(t.workshops_assigned_to, { name: mine.name });
    else if (running) text = t.workshops_stay_plenary;
    else if (choosing) text = t.workshops_choose_prompt;
    $("workshops-assigned").textContent = text;
    const list = $("workshops-choices");
    list.hidden = !choosing;
    // Drawn again only when it changes: not on every arrival in the room, which would move a
    // screen reader's reading position for nothing.
    const signature = choosing
      ? JSON.stringify([view.my_workshop_id, view.workshops.map((o) => [o.id, o.name, o.topic, o.size, o.capacity])])
      : "";
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    if (!choosing) return;
    const items = view.workshops.map((workshop) => {
      const item = element("li", { className: "workshops-choice" });
      item.append(element("span", { className: "workshop-name", text: workshop.name }));
      if (workshop.topic) item.append(" ", element("span", { className: "workshops-topic", text: workshop.topic }));
      const places = element("span", { className: "help", text: placesLeft(workshop) });
      places.id = `workshops-places-${workshop.id}`;
      item.append(" ", places);
      if (workshop.id === view.my_workshop_id) {
        item.append(" ", element("strong", { text: `(${t.workshops_your_choice})` }));
      } else {
        // A full workshop keeps its button, marked unavailable with the reason, so the focus
        // stays on it when the last place goes while someone is about to press it.
        const full = isFull(workshop);
        const choose = button(fmt(t.workshops_choose, { name: workshop.name }), () => chooseWorkshop(workshop), {
          focusKey: `choose-${workshop.id}`,
        });
        if (full) {
          choose.setAttribute("aria-disabled", "true");
          choose.setAttribute("aria-describedby", places.id);
        }
        item.append(" ", choose);
      }
      return item;
    });
    // Once chosen, the button gives way to "your choice": the focus goes to the sentence
    // saying where the person will go.
    replaceKeepingFocus(list, items, () => $("workshops-assigned"));
  }

  function isFull(workshop) {
    return workshop.capacity !== null && workshop.capacity !== undefined && workshop.size >= workshop.capacity;
  }

  function mineStatus(text) {
    clearError();
    $("workshops-mine-status").textContent = text;
  }

  function chooseWorkshop(workshop) {
    if (isFull(workshop)) {
      mineStatus(fmt(t.workshops_full_reason, { name: workshop.name }));
      return;
    }
    send("workshops.choose", { session_id: sessionId(), workshop_id: workshop.id })
      .then(() => mineStatus(fmt(t.workshops_chosen, { name: workshop.name })))
      .catch(() => {});
  }

  function placesLeft(workshop) {
    if (workshop.capacity === null || workshop.capacity === undefined) return "";
    const left = workshop.capacity - workshop.size;
    if (left <= 0) return t.workshops_full;
    return plural(t.workshops_places_left, left);
  }

  // Participants' buttons inside a workshop (the facilitators' are in workshops_facilitator.js).
  function currentStatus(text) {
    $("workshops-current-status").textContent = text;
  }

  $("workshops-help").addEventListener("click", () =>
    send("workshops.ask_help")
      .then(() => currentStatus(t.workshops_help_sent))
      .catch(() => {}),
  );
  $("workshops-more-time").addEventListener("click", () =>
    send("workshops.ask_more_time")
      .then(() => currentStatus(t.workshops_more_time_sent))
      .catch(() => {}),
  );

  ctx.bindFacilitatorControls();
  ctx.bindLog();
  render();
}
