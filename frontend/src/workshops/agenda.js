// The meeting's agenda and speaking turns (templates/workshops/_agenda.html).
//
// mount({ client, root, t }): a panel of the room page (council/workshops/apps.py).
//   It reads each `rooms.room_synced` (snapshot.agenda, .speakers, .hands and .room), its
//   own `workshops.agenda_changed`, `workshops.agenda_time_up` and `workshops.speakers_changed`,
//   and follows `rooms.hands_changed` and `workshops.session_updated`.
//
// Countdowns are displayed in the browser from `started_at` + `planned_minutes`, corrected by
// the offset between the server's clock (`server_now`) and this one. The visible countdown is
// not a live region; screen readers hear it at 5 and 1 minutes left (facilitators), and
// everyone hears the time up when the server says so (`workshops.agenda_time_up`, sent once by
// its deadline sweep whoever is connected; the page keeps no time of its own for it).

import { serverNow, syncClock } from "../core/clock.js";
import { fmt } from "../core/i18n.js";

const ANNOUNCED_MARKS = [300, 60]; // seconds left at which the countdown is announced (time up: the server)
const MORE_TIME_MINUTES = 5;

export function mount({ client, root: panel, t }) {
  const root = panel.querySelector("#agenda");
  const $ = (name) => root.querySelector(`#agenda-${name}`);
  const noHandsText = $("queue-empty").textContent;

  const state = {
    items: [],
    currentId: null,
    canManage: false,
    sessions: new Map(), // session id -> {id, title, status}
    speakers: { current: null, totals: [] },
    speakersReceived: 0, // performance.now() when the speakers arrived
    canManageSpeakers: false,
    hands: [],
    plenaryId: null,
    inPlenary: true,
    countdownKey: null, // item id + start of the countdown the marks below belong to
    marksPassed: new Set(),
    ticker: null,
  };

  // Frames ------------------------------------------------------------------------------

  function synced(snapshot) {
    if (!snapshot.agenda) {
      root.hidden = true;
      stopTicking();
      return;
    }
    root.hidden = false;
    state.inPlenary = snapshot.room.parent_id === null;
    state.plenaryId = snapshot.agenda.room_id;
    state.canManage = Boolean(snapshot.agenda.can_manage);
    state.canManageSpeakers = Boolean(snapshot.speakers && snapshot.speakers.can_manage);
    if (snapshot.agenda.sessions) {
      state.sessions = new Map(snapshot.agenda.sessions.map((s) => [s.id, s]));
      renderSessions();
    }
    state.hands = state.inPlenary ? snapshot.hands || [] : [];
    $("manage").hidden = !state.canManage;
    $("speakers").hidden = !state.canManageSpeakers;
    applyAgenda(snapshot.agenda);
    if (snapshot.speakers) applySpeakers(snapshot.speakers);
    startTicking();
  }

  client.on("rooms.room_synced", synced);
  client.on("workshops.agenda_changed", applyAgenda);
  client.on("workshops.agenda_time_up", (payload) => {
    $("countdown-announcer").textContent = fmt(t.time_up, { title: payload.title });
  });
  client.on("workshops.speakers_changed", applySpeakers);
  client.on("rooms.hands_changed", (payload) => {
    if (state.inPlenary && payload.room_id === state.plenaryId) {
      state.hands = payload.queue || [];
      renderQueue();
    }
  });
  client.on("workshops.session_updated", (payload) => {
    if (state.canManage && payload.session_id) {
      state.sessions.set(payload.session_id, { id: payload.session_id, title: payload.title, status: payload.status });
      renderSessions();
    }
  });

  // Agenda ------------------------------------------------------------------------------

  function applyAgenda(agenda) {
    state.items = agenda.items || [];
    state.currentId = agenda.current_id ?? null;
    syncClock(agenda.server_now);
    renderItems();
    const current = currentItem();
    // The status region speaks only when the current item (or its plan) really changed.
    setIfChanged(
      $("now"),
      current
        ? fmt(t.now, { title: current.title, minutes: current.planned_minutes })
        : state.items.length
          ? t.none_current
          : "",
    );
    resetCountdown();
    tick();
  }

  function setIfChanged(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  function currentItem() {
    return state.items.find((item) => item.id === state.currentId) || null;
  }

  function renderItems() {
    const list = $("items");
    const restore = focusedAction(list);
    const items = state.items.map((item, index) => {
      const li = document.createElement("li");
      li.dataset.itemId = item.id;
      const title = document.createElement("span");
      title.className = "agenda-title";
      title.textContent = item.title;
      li.append(title, " (", fmt(t.planned, { minutes: item.planned_minutes }), ")");
      if (item.session_title) li.append(" — ", fmt(t.opens, { title: item.session_title }));
      if (item.id === state.currentId) {
        li.setAttribute("aria-current", "step");
        li.append(" ", badge(t.current_badge));
      } else if (item.ended_at) {
        li.append(" ", badge(t.done_badge));
      }
      if (state.canManage) li.append(" ", itemActions(item, index));
      const attached = attachedList(item);
      if (attached) li.append(attached);
      return li;
    });
    list.replaceChildren(...items);
    $("empty").hidden = state.items.length > 0;
    restore();
  }

  // What other modules attached to the item (a poll, a binding vote), each with its status in
  // their words (council/rooms/agenda_links.py: codes in the agenda, words in the strings).
  function attachedList(item) {
    if (!item.attached || !item.attached.length) return null;
    const list = document.createElement("ul");
    list.className = "agenda-attached";
    list.setAttribute("aria-label", fmt(t.attached_label, { title: item.title }));
    for (const attachment of item.attached) {
      const words = (t.attachments && t.attachments[attachment.kind]) || { kind: attachment.kind, statuses: {} };
      const li = document.createElement("li");
      li.dataset.kind = attachment.kind;
      li.textContent = fmt(t.attached_item, {
        kind: words.kind,
        title: attachment.title,
        status: words.statuses[attachment.status] || attachment.status,
      });
      list.append(li);
    }
    return list;
  }

  function badge(text) {
    const span = document.createElement("span");
    span.className = "badge";
    span.textContent = text;
    return span;
  }

  function itemActions(item, index) {
    const group = document.createElement("span");
    group.className = "actions";
    const ids = state.items.map((i) => i.id);
    const move = (delta) => {
      const order = [...ids];
      [order[index], order[index + delta]] = [order[index + delta], order[index]];
      send("workshops.agenda_reorder", { item_ids: order });
    };
    if (item.id !== state.currentId)
      group.append(action("start", item.id, fmt(t.start, { title: item.title }), () =>
        send("workshops.agenda_start", { item_id: item.id }),
      ));
    else
      group.append(action("more", item.id, fmt(t.more_time, { title: item.title }), () =>
        send("workshops.agenda_update", {
          item_id: item.id,
          planned_minutes: Math.min(600, item.planned_minutes + MORE_TIME_MINUTES),
        }),
      ));
    if (index > 0) group.append(action("up", item.id, fmt(t.move_up, { title: item.title }), () => move(-1)));
    if (index < ids.length - 1)
      group.append(action("down", item.id, fmt(t.move_down, { title: item.title }), () => move(1)));
    group.append(action("remove", item.id, fmt(t.remove, { title: item.title }), () =>
      send("workshops.agenda_remove", { item_id: item.id }),
    ));
    return group;
  }

  function action(name, key, label, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.dataset.action = name;
    button.dataset.target = key;
    button.textContent = label;
    button.addEventListener("click", onClick);
    return button;
  }

  // Re-rendering a list must not drop the keyboard focus: put it back on the same action
  // for the same item, or on another action of that item, or on the list itself.
  function focusedAction(list) {
    const active = document.activeElement;
    if (!active || !list.contains(active) || !active.dataset.action) return () => {};
    const { action: name, target } = active.dataset;
    return () => {
      const same = list.querySelector(`[data-action="${name}"][data-target="${CSS.escape(target)}"]`);
      const sibling = list.querySelector(`[data-target="${CSS.escape(target)}"]`);
      (same || sibling || list).focus();
    };
  }

  function renderSessions() {
    const select = $("session");
    const chosen = select.value;
    const none = select.options[0];
    const options = [...state.sessions.values()].map((session) => {
      const option = document.createElement("option");
      option.value = session.id;
      option.textContent = session.title;
      return option;
    });
    select.replaceChildren(none, ...options);
    select.value = state.sessions.has(Number(chosen)) ? chosen : "";
  }

  // Countdown of the current item (facilitators) ------------------------------------------

  function secondsLeft(item) {
    return Math.round((Date.parse(item.started_at) + item.planned_minutes * 60000 - serverNow()) / 1000);
  }

  function resetCountdown() {
    const current = currentItem();
    const key = current ? `${current.id}@${current.started_at}@${current.planned_minutes}` : null;
    if (key === state.countdownKey) return;
    state.countdownKey = key;
    state.marksPassed = new Set();
    if (!current) return;
    // Marks already behind us (a reload, a late join) are not announced; nor is "5 minutes
    // left" for an item planned for 5 minutes or less.
    const left = secondsLeft(current);
    const plannedSeconds = current.planned_minutes * 60;
    for (const mark of ANNOUNCED_MARKS)
      if (left <= mark || (mark > 0 && plannedSeconds <= mark)) state.marksPassed.add(mark);
  }

  function duration(totalSeconds, templates) {
    const seconds = Math.max(0, Math.floor(totalSeconds));
    const minutes = Math.floor(seconds / 60);
    if (minutes === 0) return fmt(templates.short, { seconds });
    return fmt(templates.long, { minutes, seconds: String(seconds % 60).padStart(2, "0") });
  }

  function renderCountdown() {
    const current = currentItem();
    const countdown = $("countdown");
    $("finish").disabled = !current;
    if (!current || !state.canManage) {
      countdown.textContent = t.no_countdown;
      return;
    }
    const left = secondsLeft(current);
    countdown.textContent =
      left >= 0
        ? duration(left, { short: t.left_s, long: t.left })
        : duration(-left, { short: t.over_s, long: t.over });
    for (const mark of ANNOUNCED_MARKS) {
      if (left <= mark && !state.marksPassed.has(mark)) {
        state.marksPassed.add(mark);
        const message = mark === 60 ? t.left_1 : t.left_5;
        $("countdown-announcer").textContent = fmt(message, { title: current.title });
      }
    }
  }

  // Speakers ----------------------------------------------------------------------------

  function applySpeakers(speakers) {
    state.speakers = { current: speakers.current || null, totals: speakers.totals || [] };
    state.speakersReceived = performance.now();
    setIfChanged(
      $("speaker-now"),
      state.speakers.current
        ? fmt(t.speaking_now, { name: state.speakers.current.name })
        : state.speakers.totals.length // a meeting that gives no turns hears nothing about them
          ? t.nobody_speaking
          : "",
    );
    $("end-turn").hidden = !state.canManageSpeakers || !state.speakers.current;
    renderQueue();
    renderTimes();
  }

  function spokenSeconds(userId) {
    const total = state.speakers.totals.find((entry) => entry.user_id === userId);
    let seconds = total ? total.seconds : 0;
    if (state.speakers.current && state.speakers.current.user_id === userId)
      seconds += (performance.now() - state.speakersReceived) / 1000;
    return seconds;
  }

  function spokenText(userId) {
    const seconds = spokenSeconds(userId);
    const spoke = seconds > 0 || (state.speakers.current && state.speakers.current.user_id === userId);
    if (!spoke) return t.not_spoken;
    return fmt(t.spoken, { duration: duration(seconds, { short: t.duration_s, long: t.duration_min }) });
  }

  function renderQueue() {
    if (!state.canManageSpeakers) return;
    const list = $("queue");
    const restore = focusedAction(list);
    const items = state.hands.map((hand) => {
      const li = document.createElement("li");
      const time = document.createElement("span");
      time.className = "agenda-spoken";
      time.dataset.userId = hand.user_id;
      time.textContent = spokenText(hand.user_id);
      li.append(hand.name, " — ", time, " ");
      li.append(action("give", hand.user_id, fmt(t.give_turn, { name: hand.name }), () =>
        send("workshops.give_turn", { user_id: hand.user_id }),
      ));
      return li;
    });
    list.replaceChildren(...items);
    const empty = $("queue-empty");
    empty.hidden = items.length > 0;
    empty.textContent = state.inPlenary ? noHandsText : t.in_workshop;
    restore();
  }

  function renderTimes() {
    if (!state.canManageSpeakers) return;
    const items = state.speakers.totals.map((entry) => {
      const li = document.createElement("li");
      const time = document.createElement("span");
      time.className = "agenda-spoken";
      time.dataset.userId = entry.user_id;
      time.textContent = spokenText(entry.user_id);
      li.append(entry.name, " — ", time);
      if (state.speakers.current && state.speakers.current.user_id === entry.user_id)
        li.append(" ", badge(t.speaking_badge));
      return li;
    });
    $("times").replaceChildren(...items);
    $("times-empty").hidden = items.length > 0;
  }

  function refreshSpokenTimes() {
    if (!state.canManageSpeakers || !state.speakers.current) return;
    const userId = state.speakers.current.user_id;
    for (const span of root.querySelectorAll(`.agenda-spoken[data-user-id="${userId}"]`))
      span.textContent = spokenText(userId);
  }

  // Every second: the countdown's text and the running speaker's time (not live regions).

  function tick() {
    renderCountdown();
    refreshSpokenTimes();
  }

  function startTicking() {
    if (!state.ticker) state.ticker = setInterval(tick, 1000);
  }

  function stopTicking() {
    clearInterval(state.ticker);
    state.ticker = null;
  }

  // Commands ------------------------------------------------------------------------------

  function send(type, payload) {
    $("alert").textContent = "";
    return client.send(type, payload).catch((error) => {
      if (error && error.code !== "closed") $("alert").textContent = fmt(t.error, { message: error.message });
      throw error;
    });
  }

  const ignore = () => {};

  $("next").addEventListener("click", () => send("workshops.agenda_next", {}).catch(ignore));
  $("finish").addEventListener("click", () => send("workshops.agenda_finish", {}).catch(ignore));
  $("end-turn").addEventListener("click", () => send("workshops.end_turn", {}).catch(ignore));

  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const title = $("title");
    const minutes = $("minutes");
    const plannedMinutes = Number(minutes.value);
    title.removeAttribute("aria-invalid");
    minutes.removeAttribute("aria-invalid");
    if (!title.value.trim()) {
      title.setAttribute("aria-invalid", "true");
      $("alert").textContent = t.title_missing;
      title.focus();
      return;
    }
    if (!Number.isInteger(plannedMinutes) || plannedMinutes < 1 || plannedMinutes > 600) {
      minutes.setAttribute("aria-invalid", "true");
      $("alert").textContent = t.minutes_invalid;
      minutes.focus();
      return;
    }
    const payload = { title: title.value.trim(), planned_minutes: plannedMinutes };
    if ($("session").value) payload.session_id = Number($("session").value);
    send("workshops.agenda_add", payload).then(() => {
      title.value = "";
      $("session").value = "";
      title.focus();
    }, ignore);
  });

}
