// Breakout workshops on the room page: the facilitator's panel and each participant's view.
//
// The server sends the whole session on every change (`workshops.session_updated`, and
// `workshops` in each room snapshot), already cut down to what this person may see, so the
// page renders it whole. Times are the server's: `ends_at` and `closes_at` are compared
// with the server's clock (the offset comes from `server_now`), so every workshop counts
// down together. room.js moves the page between rooms; this module only shows where the
// session stands and sends the facilitators' and participants' commands.

import { plural } from "../core/plural.js";

const TICK_MS = 1000;
const EXTEND_SECONDS = 5 * 60;
const CLOSING_ANNOUNCEMENTS = [30, 10]; // the closing countdown is spoken then, not every second
const RUNNING = ["open", "closing"];

export function createWorkshops({ client, t, fmt, confirmAction, people }) {
  const $ = (id) => document.getElementById(id);
  // Facilitators only (council/rooms/views.py): the council's groups, the outputs page's address.
  const panelData = $("workshops-panel") ? JSON.parse($("workshops-panel").textContent) : null;

  const w = {
    view: null, // this person's view of the session, or null when there is none
    me: null,
    capabilities: {},
    room: null, // the room this page is in now (the plenary or a breakout)
    visiting: false, // a facilitator who went into a workshop by themselves
    offset: 0, // the server's clock minus ours, in milliseconds
    ticker: null,
    status: null, // the last status rendered, to notice changes
    closingSpoken: new Set(),
    requests: new Map(), // key -> {kind, payload}: help and more-time requests (facilitators)
    preparing: false, // the facilitator opened the form for new workshops
    lastError: "", // the alert this module showed, cleared by the next success
  };

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

  function element(tag, { className, text, attrs } = {}) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    return node;
  }

  function button(label, onClick, { className = "button secondary small", focusKey } = {}) {
    const node = element("button", { className, text: label, attrs: { type: "button" } });
    if (focusKey) node.dataset.focusKey = focusKey;
    node.onActivate = onClick; // read at each click: a button kept across renders gets the newest
    node.addEventListener("click", () => node.onActivate(node));
    return node;
  }

  // Replace a list's items, keeping in place each button that comes back unchanged (same key,
  // label and state), so a pointer or the keyboard focus on it is not lost to a re-render (the
  // session and presence change often); when the focused one does not come back, the focus goes
  // to `fallback` (the panel's heading by default).
  function replaceKeepingFocus(container, items, fallback = fallbackFocus) {
    const focused = container.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
    const current = new Map([...container.children].filter((n) => n.dataset.focusKey).map((n) => [n.dataset.focusKey, n]));
    const nodes = items.map((item) => {
      const kept = item.dataset && item.dataset.focusKey && current.get(item.dataset.focusKey);
      if (!kept || !kept.isEqualNode(item)) return item;
      kept.onActivate = item.onActivate;
      return kept;
    });
    const same = nodes.length === container.children.length && nodes.every((node, index) => container.children[index] === node);
    if (same) return;
    container.replaceChildren(...nodes);
    if (focused && !container.contains(document.activeElement)) {
      const again = [...container.querySelectorAll("[data-focus-key]")].find((n) => n.dataset.focusKey === focused);
      (again && !again.disabled ? again : fallback()).focus();
    }
  }

  function fallbackFocus() {
    return $("workshops").hidden ? $("room-heading") : $("workshops-heading");
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

  function serverNow() {
    return Date.now() + w.offset;
  }

  function secondsUntil(iso) {
    return iso ? Math.max(0, Math.ceil((Date.parse(iso) - serverNow()) / 1000)) : null;
  }

  function clock(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = String(seconds % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
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
    const before = w.view;
    w.view = view;
    if (view && view.server_now) w.offset = Date.parse(view.server_now) - Date.now();
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
      if (concerned()) announce(fmt(plural(t.workshops_closing_announce, seconds), { seconds }));
    }
  }

  // People who hear the timers: those in a workshop, and the facilitators.
  function concerned() {
    return inBreakout() || runs();
  }

  function handle(frame) {
    const payload = frame.payload || {};
    switch (frame.type) {
      case "workshops.session_updated":
        setView(payload);
        return true;
      case "workshops.moved":
        w.visiting = runs() && payload.room_id !== payload.plenary_id;
        render();
        return true;
      case "workshops.broadcast_sent":
        $("workshops-broadcast").textContent = fmt(t.workshops_broadcast, {
          name: payload.by ? payload.by.name : "",
          text: payload.text,
        });
        return true;
      case "workshops.help_requested":
      case "workshops.more_time_requested":
        addRequest(frame.type === "workshops.help_requested" ? "help" : "more_time", payload);
        return true;
      case "workshops.help_answered":
        helpAnswered(payload);
        return true;
      case "workshops.timer_warning": {
        if (!concerned()) return true;
        const minutes = Math.round(payload.seconds_left / 60);
        announce(fmt(plural(t.workshops_minutes_left, minutes), { minutes }));
        return true;
      }
      case "workshops.time_up":
        if (concerned()) announce(t.workshops_time_up);
        tick();
        return true;
      default:
        return false;
    }
  }

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
    const text = left === null ? "" : left > 0 ? fmt(t.workshops_time_left, { time: clock(left) }) : t.workshops_time_over;
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
          if (concerned()) announce(fmt(plural(t.workshops_closing_soon, seconds), { seconds }));
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
    renderRun(facilitator);
    renderRequests();
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
    return fmt(plural(t.workshops_places_left, left), { count: left });
  }

  // The facilitator's panel --------------------------------------------------------------------

  function renderRun(facilitator) {
    $("workshops-run").hidden = !facilitator;
    if (!facilitator) return;
    const view = w.view;
    const mayPrepare = !inBreakout() && (!view || view.status === "closed");
    const toggle = $("workshops-prepare-toggle");
    toggle.hidden = !mayPrepare;
    if (!view && !mayPrepare) w.preparing = false;
    const formShown = mayPrepare && w.preparing;
    toggle.setAttribute("aria-expanded", String(formShown));
    $("workshops-create-form").hidden = !formShown;
    $("workshops-manage").hidden = !view;
    if (!view) return;
    const running = RUNNING.includes(view.status);
    $("workshops-open-block").hidden = view.status !== "draft";
    $("workshops-running-block").hidden = !running;
    for (const id of ["workshops-timer-set", "workshops-extend", "workshops-timer-minutes", "workshops-close", "workshops-grace"])
      $(id).disabled = view.status !== "open";
    $("workshops-closed-block").hidden = view.status !== "closed";
    $("workshops-listen-help").hidden = !(view.can && view.can.listen_in);
    const drawn = ["random", "groups", "lottery"].includes(view.mode);
    $("workshops-seed").textContent = view.seed && drawn ? fmt(t.workshops_seed, { seed: view.seed }) : "";
    if (document.activeElement !== $("workshops-grace")) $("workshops-grace").value = view.grace_seconds;
    renderOverview(view, running);
    renderAssignments(view);
    renderSettings(view);
    const outputs = $("workshops-outputs");
    outputs.hidden = !panelData;
    if (panelData) outputs.href = panelData.outputs_url.replace(/\/0\/$/, `/${view.session_id}/`);
  }

  // The session's settings, filled from the session unless the facilitator is changing them.
  function renderSettings(view) {
    const form = $("workshops-settings-form");
    if (form.dataset.dirty && form.dataset.sessionId === String(view.session_id)) return;
    delete form.dataset.dirty;
    form.dataset.sessionId = view.session_id;
    $("workshops-settings-title").value = view.title;
    $("workshops-settings-mode").value = view.mode;
    $("workshops-settings-duration").value = Math.round(view.duration_seconds / 60);
    $("workshops-settings-grace").value = view.grace_seconds;
    $("workshops-settings-proposals").value = view.max_proposals;
    $("workshops-settings-followers").checked = Boolean(view.include_followers);
  }

  function membersOf(view, workshopId) {
    return (view.people || []).filter((person) => person.workshop_id === workshopId);
  }

  // The workshops' cards. Each card is kept and updated in place (keyed by the workshop's id)
  // so that a session change while someone edits a card keeps what they typed, the open
  // "Change…" section and the focus.
  function renderOverview(view, running) {
    const list = $("workshops-overview");
    const existing = new Map([...list.children].map((item) => [Number(item.dataset.workshopId), item]));
    const candidates = cofacilitatorCandidates(view);
    const cards = view.workshops.map((workshop) => {
      const item = existing.get(workshop.id) || workshopCard(workshop.id);
      existing.delete(workshop.id);
      updateCard(item, workshop, view, running, candidates);
      return item;
    });
    const lostFocus = [...existing.values()].some((item) => item.contains(document.activeElement));
    for (const item of existing.values()) item.remove();
    cards.forEach((item, index) => {
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
    });
    if (lostFocus) $("workshops-overview-heading").focus();
  }

  function workshopCard(id) {
    const item = element("li", { className: "workshop-card", attrs: { "aria-labelledby": `workshops-card-${id}` } });
    item.dataset.workshopId = id;
    const cofacilitator = element("div", { className: "field" });
    const select = element("select", { attrs: { id: `workshops-cofacilitator-${id}` } });
    select.addEventListener("change", () => setCofacilitator(id, select));
    cofacilitator.append(
      element("label", { text: t.workshops_cofacilitator_label, attrs: { for: select.id } }),
      select,
    );
    item.append(
      element("h4", { attrs: { id: `workshops-card-${id}` } }),
      element("p", { className: "workshops-topic" }),
      element("p", { className: "help workshop-count" }),
      element("ul", { className: "people workshop-members" }),
      element("p", { className: "help workshop-groups" }),
      cofacilitator,
      element("div", { className: "workshops-buttons workshop-visits" }),
      editSection(id),
    );
    return item;
  }

  function updateCard(item, workshop, view, running, candidates) {
    const part = (selector) => item.querySelector(selector);
    part("h4").textContent = workshop.name;
    const topic = part(".workshops-topic");
    topic.textContent = workshop.topic || "";
    topic.hidden = !workshop.topic;
    const members = membersOf(view, workshop.id);
    part(".workshop-count").textContent =
      workshop.capacity !== null
        ? fmt(plural(t.workshops_capacity, members.length), { size: members.length, capacity: workshop.capacity })
        : members.length === 0
          ? t.workshops_nobody
          : fmt(plural(t.workshops_people, members.length), { count: members.length });
    const list = part(".workshop-members");
    list.replaceChildren(...members.map((person) => element("li", { text: person.name })));
    list.hidden = members.length === 0;
    const groups = workshop.groups || [];
    const groupsLine = part(".workshop-groups");
    groupsLine.textContent = groups.length
      ? fmt(t.workshops_groups_of, { names: groups.map((group) => group.name).join(", ") })
      : "";
    groupsLine.hidden = groups.length === 0;
    updateCofacilitator(part("select"), workshop, candidates);
    const visits = part(".workshop-visits");
    const buttons = [];
    if (running && !(w.room && w.room.id === workshop.room_id)) {
      buttons.push(
        button(fmt(t.workshops_visit, { name: workshop.name }), () => visit(workshop, false), {
          focusKey: `visit-${workshop.id}`,
        }),
      );
      if (view.can && view.can.listen_in)
        buttons.push(
          button(fmt(t.workshops_listen_in, { name: workshop.name }), () => visit(workshop, true), {
            focusKey: `listen-${workshop.id}`,
          }),
        );
    }
    replaceKeepingFocus(visits, buttons, () => part("select"));
    visits.hidden = buttons.length === 0;
    updateEditSection(part(".workshop-edit"), workshop, running);
  }

  // Who may co-facilitate: the people here, those assigned (in a workshop while they run),
  // and whoever co-facilitates now.
  function cofacilitatorCandidates(view) {
    const names = new Map();
    for (const [id, person] of people()) if (!(w.me && id === w.me.id)) names.set(id, person.name);
    for (const person of view.people || []) names.set(person.id, person.name);
    for (const workshop of view.workshops)
      if (workshop.cofacilitator) names.set(workshop.cofacilitator.id, workshop.cofacilitator.name);
    return [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  }

  function updateCofacilitator(select, workshop, candidates) {
    const signature = JSON.stringify(candidates);
    if (select.dataset.signature !== signature) {
      select.replaceChildren(
        element("option", { text: t.workshops_no_cofacilitator, attrs: { value: "" } }),
        ...candidates.map((person) => element("option", { text: person.name, attrs: { value: String(person.id) } })),
      );
      select.dataset.signature = signature;
    }
    select.value = workshop.cofacilitator ? String(workshop.cofacilitator.id) : "";
  }

  function setCofacilitator(workshopId, select) {
    const userId = select.value ? Number(select.value) : null;
    const person = select.selectedOptions[0] ? select.selectedOptions[0].textContent : "";
    send("workshops.set_cofacilitator", { workshop_id: workshopId, user_id: userId })
      .then(() => {
        const workshop = workshopById(workshopId);
        const name = workshop ? workshop.name : "";
        runStatus(
          userId === null
            ? fmt(t.workshops_cofacilitator_removed, { name })
            : fmt(t.workshops_cofacilitator_set, { person, name }),
        );
      })
      .catch(() => render()); // back to what the server has
  }

  // "Change…": name, topic and places (saved together), the groups the workshop is for
  // (saved on each tick), and removing it while the workshops are not running.
  function editSection(id) {
    const details = element("details", { className: "workshop-edit" });
    const summary = element("summary");
    const form = element("form", { className: "workshop-edit-form" });
    const field = (labelText, control, className = "field") => {
      const box = element("div", { className });
      box.append(element("label", { text: labelText, attrs: { for: control.id } }), control);
      return box;
    };
    const name = element("input", {
      className: "workshop-edit-name",
      attrs: { id: `workshops-edit-name-${id}`, maxlength: "120", required: "" },
    });
    const topic = element("textarea", {
      className: "workshop-edit-topic",
      attrs: { id: `workshops-edit-topic-${id}`, rows: "2", maxlength: "2000" },
    });
    const capacity = element("input", {
      className: "workshop-edit-capacity",
      attrs: {
        id: `workshops-edit-capacity-${id}`,
        type: "number",
        min: "1",
        max: "1000",
        inputmode: "numeric",
        "aria-describedby": `workshops-edit-capacity-help-${id}`,
      },
    });
    const capacityField = field(t.workshops_capacity_label, capacity);
    capacityField.append(
      element("p", {
        className: "help",
        text: t.workshops_capacity_help,
        attrs: { id: `workshops-edit-capacity-help-${id}` },
      }),
    );
    form.append(
      field(t.workshops_name_label, name),
      field(t.workshops_topic_label, topic, "field wide"),
      capacityField,
      element("button", { className: "button secondary small", text: t.workshops_save, attrs: { type: "submit" } }),
    );
    form.addEventListener("input", () => {
      form.dataset.dirty = "1";
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveWorkshop(id, form);
    });
    details.addEventListener("toggle", () => {
      if (details.open) return;
      // Closed without saving: what was typed is dropped, the fields show the workshop again.
      delete form.dataset.dirty;
      const workshop = workshopById(id);
      if (workshop) updateEditSection(details, workshop, RUNNING.includes(w.view.status));
    });
    const groups = element("fieldset", { className: "workshop-groups-choice" });
    groups.append(element("legend", { text: t.workshops_groups_legend }));
    const councilGroups = panelData ? panelData.groups : [];
    if (!councilGroups.length) groups.append(element("p", { className: "help", text: t.workshops_no_groups }));
    for (const group of councilGroups) {
      const box = element("div", { className: "field check" });
      const check = element("input", {
        attrs: { type: "checkbox", id: `workshops-group-${id}-${group.id}`, value: String(group.id) },
      });
      check.addEventListener("change", () => saveGroups(id, groups));
      box.append(check, element("label", { text: group.name, attrs: { for: check.id } }));
      groups.append(box);
    }
    groups.hidden = !panelData;
    const remove = element("button", {
      className: "button danger small workshop-remove",
      text: t.workshops_remove,
      attrs: { type: "button" },
    });
    remove.addEventListener("click", () => removeWorkshop(id, remove));
    details.append(summary, form, groups, remove);
    return details;
  }

  function updateEditSection(details, workshop, running) {
    details.querySelector("summary").textContent = fmt(t.workshops_edit, { name: workshop.name });
    const form = details.querySelector("form");
    if (!form.dataset.dirty) {
      form.querySelector(".workshop-edit-name").value = workshop.name;
      form.querySelector(".workshop-edit-topic").value = workshop.topic || "";
      form.querySelector(".workshop-edit-capacity").value = workshop.capacity ?? "";
    }
    const linked = new Set((workshop.groups || []).map((group) => group.id));
    for (const check of details.querySelectorAll(".workshop-groups-choice input"))
      check.checked = linked.has(Number(check.value));
    // The server keeps a workshop while the session runs (its people are in it).
    details.querySelector(".workshop-remove").hidden = running;
  }

  function saveWorkshop(id, form) {
    const name = form.querySelector(".workshop-edit-name").value.trim();
    const capacityText = form.querySelector(".workshop-edit-capacity").value.trim();
    if (!name) {
      failed({ message: t.workshops_name_required });
      form.querySelector(".workshop-edit-name").focus();
      return;
    }
    send("workshops.update_workshop", {
      workshop_id: id,
      name,
      topic: form.querySelector(".workshop-edit-topic").value.trim(),
      capacity: capacityText ? Number.parseInt(capacityText, 10) : null,
    })
      .then(() => {
        delete form.dataset.dirty;
        runStatus(fmt(t.workshops_saved, { name }));
      })
      .catch(() => {});
  }

  function saveGroups(id, fieldset) {
    const groupIds = [...fieldset.querySelectorAll("input:checked")].map((check) => Number(check.value));
    send("workshops.update_workshop", { workshop_id: id, group_ids: groupIds })
      .then(() => {
        const workshop = workshopById(id);
        runStatus(fmt(t.workshops_groups_saved, { name: workshop ? workshop.name : "" }));
      })
      .catch(() => render());
  }

  async function removeWorkshop(id, opener) {
    const workshop = workshopById(id);
    if (!workshop) return;
    if (!(await confirmAction(fmt(t.workshops_confirm_remove, { name: workshop.name }), opener))) return;
    try {
      await send("workshops.remove_workshop", { workshop_id: id });
    } catch {
      return; // the server's reason is in the alert; the focus stays on the button
    }
    runStatus(fmt(t.workshops_removed, { name: workshop.name }));
    $("workshops-overview-heading").focus(); // its card is gone (or about to go)
  }

  function visit(workshop, hidden) {
    send("workshops.visit", { workshop_id: workshop.id, hidden }).catch(() => {});
  }

  // One labelled select per person: keyboard-usable assignment by hand. Rows are kept and
  // updated in place so a select being used keeps its focus when the session changes.
  function renderAssignments(view) {
    const byId = new Map();
    for (const [id, person] of people()) {
      if (w.me && id === w.me.id) continue;
      byId.set(id, { id, name: person.name, workshop_id: null });
    }
    for (const person of view.people || []) byId.set(person.id, { ...byId.get(person.id), ...person });
    const rows = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
    const body = $("workshops-assign-rows");
    const existing = new Map([...body.children].map((row) => [Number(row.dataset.userId), row]));
    const signature = JSON.stringify(view.workshops.map((workshop) => [workshop.id, workshop.name]));
    const ordered = rows.map((person) => {
      let row = existing.get(person.id);
      if (!row) row = assignmentRow(person);
      existing.delete(person.id);
      const select = row.querySelector("select");
      row.querySelector("th").textContent = person.name;
      select.setAttribute("aria-label", fmt(t.workshops_assign_label, { name: person.name }));
      if (select.dataset.signature !== signature) {
        select.replaceChildren(
          element("option", { text: t.workshops_plenary_option, attrs: { value: "" } }),
          ...view.workshops.map((workshop) => element("option", { text: workshop.name, attrs: { value: String(workshop.id) } })),
        );
        select.dataset.signature = signature;
      }
      select.value = person.workshop_id ? String(person.workshop_id) : "";
      return row;
    });
    const hadFocus = [...existing.values()].some((row) => row.contains(document.activeElement));
    for (const row of existing.values()) row.remove();
    ordered.forEach((row, index) => {
      if (body.children[index] !== row) body.insertBefore(row, body.children[index] || null);
    });
    if (hadFocus) fallbackFocus().focus();
    $("workshops-assign").hidden = rows.length === 0;
    $("workshops-assign-empty").hidden = rows.length > 0;
  }

  function assignmentRow(person) {
    const row = element("tr");
    row.dataset.userId = person.id;
    const name = element("th", { attrs: { scope: "row" } });
    const cell = element("td");
    const select = element("select");
    select.id = `workshops-assign-${person.id}`;
    select.dataset.userId = person.id;
    select.addEventListener("change", () => {
      const value = select.value ? Number(select.value) : null;
      send("workshops.assign", { session_id: sessionId(), user_id: person.id, workshop_id: value }).catch(() => render());
    });
    cell.append(select);
    row.append(name, cell);
    return row;
  }

  // Help and more-time requests (facilitators, and a workshop's co-facilitator) ----------------

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
      runStatus(fmt(t.workshops_help_answered, { name: payload.by.name, workshop: request.payload.workshop.name }));
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
          button(fmt(t.workshops_go_to, names), () => visit(payload.workshop, false), { focusKey: `${key}-go` }),
        );
      if (kind === "more_time" && runs() && w.view && w.view.status === "open")
        actions.append(
          button(fmt(t.workshops_give_more_time, names), () => extend().then(() => dismiss(key)), {
            focusKey: `${key}-more`,
          }),
        );
      actions.append(
        button(
          fmt(t.workshops_answered, names),
          () => {
            if (kind === "help") send("workshops.answer_help", { help_id: payload.help_id }).then(() => dismiss(key), () => {});
            else dismiss(key);
          },
          { focusKey: `${key}-done` },
        ),
      );
      item.append(" ", actions);
      return item;
    });
    list.hidden = items.length === 0;
    replaceKeepingFocus(list, items);
  }

  function dismiss(key) {
    w.requests.delete(key);
    renderRequests();
  }

  // Facilitators' commands ---------------------------------------------------------------------

  function workshopSpecs() {
    const lines = $("workshops-specs")
      .value.split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    if (lines.length) {
      return lines.map((line) => {
        const [name, topic = "", capacity = ""] = line.split(/[;|]/).map((part) => part.trim());
        const spec = { name, topic };
        const places = Number.parseInt(capacity, 10);
        if (places > 0) spec.capacity = places;
        return spec;
      });
    }
    const count = Number.parseInt($("workshops-count").value, 10);
    if (!(count > 0)) return [];
    return Array.from({ length: count }, (_, index) => ({ name: fmt(t.workshops_workshop_n, { number: index + 1 }) }));
  }

  $("workshops-prepare-toggle").addEventListener("click", () => {
    const open = !w.preparing;
    w.preparing = open;
    render();
    if (open) $("workshops-title").focus();
  });

  $("workshops-create-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const specs = workshopSpecs();
    if (!specs.length) {
      failed({ message: t.workshops_specs_invalid });
      return;
    }
    const minutes = Number.parseInt($("workshops-duration").value, 10) || 20;
    send("workshops.create_session", {
      title: $("workshops-title").value.trim(),
      workshops: specs,
      mode: $("workshops-mode").value,
      duration_seconds: minutes * 60,
    })
      .then(() => {
        w.preparing = false;
        $("workshops-specs").value = "";
        $("room-alert").textContent = "";
        runStatus(t.workshops_created);
        render();
        $("workshops-heading").focus();
      })
      .catch(() => {});
  });

  async function draw(mode) {
    if (mode === "lottery") {
      const strata = $("workshops-strata")
        .value.split(",")
        .map((key) => key.trim())
        .filter(Boolean);
      await send("workshops.update_session", { session_id: sessionId(), strata });
    }
    const result = await send("workshops.draw", { session_id: sessionId(), mode });
    const unplaced = Array.isArray(result.unplaced) ? result.unplaced.length : result.unplaced;
    runStatus(
      fmt(t.workshops_drawn, {
        seed: result.seed,
        assigned: fmt(plural(t.workshops_drawn_assigned, result.assigned), { count: result.assigned }),
        unplaced: fmt(plural(t.workshops_drawn_unplaced, unplaced), { count: unplaced }),
      }),
    );
  }

  for (const mode of ["random", "groups", "lottery"])
    $(`workshops-draw-${mode}`).addEventListener("click", () => draw(mode).catch(() => {}));

  $("workshops-csv-file").addEventListener("change", async () => {
    const [file] = $("workshops-csv-file").files;
    if (file) $("workshops-csv").value = await file.text();
  });

  $("workshops-import").addEventListener("click", async () => {
    const errors = $("workshops-import-errors");
    const text = $("workshops-csv").value;
    if (!text.trim()) {
      errors.textContent = t.workshops_import_empty;
      return;
    }
    errors.replaceChildren();
    try {
      const result = await send("workshops.import_list", { session_id: sessionId(), csv_text: text });
      runStatus(fmt(plural(t.workshops_imported, result.assigned), { count: result.assigned }));
      if (result.errors && result.errors.length) {
        const list = element("ul");
        list.append(...result.errors.map((message) => element("li", { text: message })));
        errors.append(list);
      }
    } catch {
      // shown by send()
    }
  });

  $("workshops-settings-form").addEventListener("input", () => {
    $("workshops-settings-form").dataset.dirty = "1";
  });
  $("workshops-settings").addEventListener("toggle", () => {
    if ($("workshops-settings").open) return;
    delete $("workshops-settings-form").dataset.dirty; // closed without saving: show the session again
    if (w.view) renderSettings(w.view);
  });

  $("workshops-settings-form").addEventListener("submit", (event) => {
    event.preventDefault(); // the browser checked the numbers' ranges before this
    const number = (id) => Number.parseInt($(id).value, 10);
    send("workshops.update_session", {
      session_id: sessionId(),
      title: $("workshops-settings-title").value.trim(),
      mode: $("workshops-settings-mode").value,
      duration_seconds: number("workshops-settings-duration") * 60,
      grace_seconds: number("workshops-settings-grace"),
      max_proposals: number("workshops-settings-proposals"),
      include_followers: $("workshops-settings-followers").checked,
    })
      .then(() => {
        delete $("workshops-settings-form").dataset.dirty;
        runStatus(t.workshops_settings_saved);
        if (w.view) renderSettings(w.view);
      })
      .catch(() => {});
  });

  $("workshops-add-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("workshops-add-name").value.trim();
    if (!name) {
      failed({ message: t.workshops_name_required });
      $("workshops-add-name").focus();
      return;
    }
    const capacity = Number.parseInt($("workshops-add-capacity").value, 10);
    const payload = { session_id: sessionId(), name, topic: $("workshops-add-topic").value.trim() };
    if (capacity > 0) payload.capacity = capacity;
    send("workshops.add_workshop", payload)
      .then(() => {
        for (const id of ["workshops-add-name", "workshops-add-topic", "workshops-add-capacity"]) $(id).value = "";
        runStatus(fmt(t.workshops_added, { name }));
        $("workshops-add-name").focus(); // ready for the next one
      })
      .catch(() => {});
  });

  $("workshops-open").addEventListener("click", () =>
    send("workshops.open", { session_id: sessionId() })
      .then(() => runStatus(t.workshops_opened))
      .catch(() => {}),
  );

  function setTimeLeft(seconds) {
    return send("workshops.set_timer", { session_id: sessionId(), seconds_left: seconds }).then(() =>
      runStatus(fmt(plural(t.workshops_timer_set, Math.round(seconds / 60)), { minutes: Math.round(seconds / 60) })),
    );
  }

  function extend() {
    const left = w.view ? secondsUntil(w.view.ends_at) || 0 : 0;
    return setTimeLeft(left + EXTEND_SECONDS);
  }

  $("workshops-timer-set").addEventListener("click", () => {
    const minutes = Number.parseInt($("workshops-timer-minutes").value, 10);
    if (minutes >= 0) setTimeLeft(minutes * 60).catch(() => {});
  });
  $("workshops-extend").addEventListener("click", () => extend().catch(() => {}));

  $("workshops-broadcast-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("workshops-broadcast-text");
    const text = input.value.trim();
    if (!text) {
      failed({ message: t.empty_message });
      return;
    }
    send("workshops.broadcast", { session_id: sessionId(), text })
      .then(() => {
        input.value = "";
        runStatus(t.workshops_broadcast_sent);
      })
      .catch(() => {});
  });

  $("workshops-close").addEventListener("click", async () => {
    const grace = Number.parseInt($("workshops-grace").value, 10);
    const seconds = grace >= 0 ? grace : w.view.grace_seconds;
    if (!(await confirmAction(fmt(plural(t.workshops_confirm_close, seconds), { seconds }), $("workshops-close")))) return;
    send("workshops.close", { session_id: sessionId(), grace_seconds: seconds }).catch(() => {});
  });

  for (const [id, shuffle] of [
    ["workshops-reopen", false],
    ["workshops-reopen-shuffle", true],
  ])
    $(id).addEventListener("click", () =>
      send("workshops.reopen", { session_id: sessionId(), shuffle })
        .then(() => runStatus(t.workshops_reopened))
        .catch(() => {}),
    );

  $("workshops-duplicate").addEventListener("click", () =>
    send("workshops.duplicate", { session_id: sessionId(), keep_assignments: $("workshops-duplicate-keep").checked })
      .then(() => runStatus(t.workshops_duplicated))
      .catch(() => {}),
  );

  $("workshops-new").addEventListener("click", () => {
    w.preparing = true;
    render();
    $("workshops-title").focus();
  });

  $("workshops-return").addEventListener("click", () => send("workshops.return").catch(() => {}));

  // Participants' buttons inside a workshop.
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

  // The session log, in a dialog; the focus goes back to the button that opened it.
  $("workshops-log-open").addEventListener("click", async () => {
    const opener = $("workshops-log-open");
    let result;
    try {
      result = await send("workshops.log", { session_id: sessionId() });
    } catch {
      return;
    }
    renderLog(result);
    const dialog = $("workshops-log-dialog");
    dialog.addEventListener(
      "close",
      () => {
        (opener.isConnected && opener.checkVisibility() ? opener : fallbackFocus()).focus();
      },
      { once: true },
    );
    dialog.showModal();
  });

  function renderLog({ entries, whereabouts }) {
    const where = Object.entries(whereabouts || {}).map(([workshopId, persons]) => {
      const workshop = workshopById(Number(workshopId));
      return element("li", {
        text: fmt(t.workshops_whereabouts, {
          workshop: workshop ? workshop.name : workshopId,
          names: persons.length ? persons.map((person) => person.name).join(", ") : t.workshops_nobody,
        }),
      });
    });
    $("workshops-whereabouts").replaceChildren(...where);
    const lang = document.documentElement.lang;
    const rows = (entries || []).map((entry) => {
      const row = element("tr");
      const time = element("time", {
        text: new Date(entry.at).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" }),
        attrs: { datetime: entry.at },
      });
      const cells = [
        time,
        entry.text ? `${entry.label} (${entry.text})` : entry.label,
        entry.workshop,
        entry.user ? entry.user.name : "",
        entry.actor ? entry.actor.name : "",
      ].map((content) => {
        const cell = element("td");
        cell.append(content);
        return cell;
      });
      row.append(...cells);
      return row;
    });
    if (!rows.length) {
      const row = element("tr");
      row.append(element("td", { text: t.workshops_log_empty, attrs: { colspan: "5" } }));
      rows.push(row);
    }
    $("workshops-log-rows").replaceChildren(...rows);
  }

  render();

  return { synced, handle, capabilities, render };
}
