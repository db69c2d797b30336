// The live room page: chat log, presence, raised hands and moderation over one socket.
//
// The socket follows its person between rooms (breakout workshops): a `rooms.room_synced`
// for another room replaces the chat, presence and hands, retitles the page and moves the
// video call; `rooms.moved` follows it, and the page tells the person where they are.
//
// The meeting modules (agenda, workshops, notes…) are the page's registered panels
// (council/rooms/panels.py): this script loads each one's module and mounts it; each
// subscribes to the frame types it handles with `client.on`.

import { linkButton, setPressed } from "../core/buttons.js";
import { confirmAction as confirmWith } from "../core/dialog.js";
import { $ } from "../core/dom.js";
import { fmt, loadStrings, plural } from "../core/i18n.js";
import { RealtimeClient } from "../realtime/client.js";
import { createStage } from "./stage.js";
import { createVideo } from "./video.js";

const root = document.getElementById("room");
const t = loadStrings("room-strings");

const state = {
  me: null,
  room: null,
  messages: new Map(), // seq -> message payload
  contiguousSeq: null, // highest seq with no gap before it
  presence: new Map(), // user id -> participant
  muted: new Set(),
  hands: [],
  gapTimer: null,
};

const defaultChatHelp = $("chat-help").textContent;
const plenaryName = $("room-heading").dataset.plenaryName;
const titleSuffix = document.title.startsWith($("room-heading").textContent)
  ? document.title.slice($("room-heading").textContent.length)
  : "";

const client = new RealtimeClient(root.dataset.wsPath, {
  // `since` counts the messages of the room we were in: the server applies it to that room only.
  query: () => ({ since: state.contiguousSeq, room: state.room ? state.room.id : null }),
  accept: (frame) => !fromAnotherRoom(frame),
});

// The room's own handlers come first: a snapshot of another room clears the old one before
// any module renders the new one.
client.on("client.status", showStatus);
client.on("rooms.room_synced", synced);
// The server lost Redis: the socket stays open, others' doings come back with the next snapshot.
client.on("rooms.updates_interrupted", () => showStatus({ state: "interrupted" }));
client.on("rooms.moved", moved);
client.on("rooms.message_posted", (p) => addMessages([p]));
client.on("rooms.message_deleted", (p) => markDeleted(p.seq));
client.on("rooms.presence_changed", (p) => showPresence(p));
client.on("rooms.hands_changed", (p) => showHands(p.queue));
client.on("rooms.participant_muted", participantMuted);
client.on("rooms.participant_removed", (p) => state.presence.delete(p.user_id) && renderPresence());
client.on("rooms.room_updated", showRoom);
client.on("rooms.capabilities_changed", (p) => setCapabilities(p.capabilities));
client.on("error", commandFailed);

const stage = createStage(t);
const context = {
  client,
  confirmAction,
  people: () => state.presence,
  me: () => state.me,
  fallbackFocus: () => $("room-heading"),
  showPanel: stage.showPanel,
};
createVideo({ ...context, t });
await mountPanels();

// Each registered panel's module exports `mount(context)`; one that fails to load leaves
// the room working without it.
async function mountPanels() {
  const panels = JSON.parse($("room-panels").textContent);
  await Promise.all(
    panels.map(async ({ name, script }) => {
      try {
        const module = await import(script);
        module.mount({
          ...context,
          root: $(`panel-${name}`),
          t: loadStrings(`${name}-strings`),
          data: $(`${name}-data`) ? loadStrings(`${name}-data`) : null,
        });
      } catch (error) {
        console.error(`${script} did not load`, error);
      }
    }),
  );
}

function showStatus({ state: connection, delay, code }) {
  const status = $("connection-status");
  root.dataset.connection = connection;
  if (connection === "open") status.textContent = t.connected;
  else if (connection === "connecting") status.textContent = t.connecting;
  else if (connection === "interrupted") status.textContent = t.interrupted;
  else if (connection === "reconnecting")
    status.textContent = fmt(t.reconnecting, { seconds: Math.ceil(delay / 1000) });
  else if (connection === "closed") {
    status.textContent = "";
    alertUser(t[`closed_${code}`] || t.closed_4403);
    // Every module hears it: nothing may be done on a closed socket.
    const none = { send_message: false, raise_hand: false, moderate_room: false };
    client.emit({ type: "rooms.capabilities_changed", payload: { capabilities: none } });
  }
}

function alertUser(text) {
  $("room-alert").textContent = text;
}

function commandFailed(error) {
  if (error && error.code === "undelivered") alertUser(t.undelivered);
  else if (error && error.code !== "closed") alertUser(fmt(t.error, { message: error.message }));
}

// Room events carry their room: one still in flight from the room we just left is dropped.
function fromAnotherRoom(frame) {
  const payload = frame.payload || {};
  const roomId = frame.type === "rooms.room_updated" ? payload.id : payload.room_id;
  return (
    frame.type.startsWith("rooms.") &&
    frame.type !== "rooms.room_synced" &&
    roomId !== undefined &&
    state.room !== null &&
    roomId !== state.room.id
  );
}

function synced(snapshot) {
  if (root.dataset.connection === "interrupted") showStatus({ state: "open" }); // live again
  const roomChanged = state.room !== null && state.room.id !== snapshot.room.id;
  if (roomChanged) leaveRoom();
  state.me = snapshot.me;
  if (snapshot.since_seq === null || roomChanged) {
    state.messages.clear();
    $("chat-messages").replaceChildren();
    state.contiguousSeq = snapshot.messages.length ? snapshot.messages[0].seq - 1 : snapshot.room.last_seq;
  }
  for (const seq of snapshot.deleted_seqs) markDeleted(seq);
  addMessages(snapshot.messages);
  showRoom(snapshot.room);
  setCapabilities(snapshot.me.capabilities);
  showPresence(snapshot.presence, { announce: false });
  showHands(snapshot.hands, { announce: false });
  showWhere(snapshot);
  if (snapshot.truncated) client.send("rooms.sync", { since: state.contiguousSeq }).catch(commandFailed);
}

// Moving between rooms (workshops) ------------------------------------------------------

// What belonged to the room we left: its messages, who was there, whose hand was up.
function leaveRoom() {
  clearTimeout(state.gapTimer);
  state.messages.clear();
  state.contiguousSeq = null;
  $("chat-messages").replaceChildren();
  state.presence = new Map();
  state.muted = new Set();
  state.hands = [];
}

// The heading (and the tab's title) says which room this is: "Workshop 2 — Plenary".
function showWhere(snapshot) {
  const room = snapshot.room;
  root.dataset.roomId = room.id;
  root.dataset.inWorkshop = String(Boolean(room.parent_id));
  const heading = room.parent_id ? fmt(t.workshop_heading, { workshop: room.name, plenary: plenaryName }) : plenaryName;
  if ($("room-heading").textContent !== heading) {
    $("room-heading").textContent = heading;
    document.title = heading + titleSuffix;
  }
}

// The server moved this socket (the snapshot of the new room came just before): say where
// we are, and put the focus on the new heading so the page is read from its top again.
function moved({ room_id: roomId, plenary_id: plenaryId, hidden }) {
  let text;
  if (roomId === plenaryId) text = t.moved_back;
  else {
    const name = state.room ? state.room.name : "";
    text = fmt(hidden ? t.moved_listening : t.moved_in, { name });
  }
  $("room-announcer").textContent = text;
  $("room-heading").focus();
}

// Chat ------------------------------------------------------------------------------

function addMessages(messages) {
  for (const message of messages) {
    if (state.messages.has(message.seq)) continue;
    state.messages.set(message.seq, message);
    insertMessage(message);
  }
  advanceContiguous();
}

function advanceContiguous() {
  while (state.messages.has(state.contiguousSeq + 1)) state.contiguousSeq += 1;
  const highest = Math.max(0, ...state.messages.keys());
  clearTimeout(state.gapTimer);
  if (highest > state.contiguousSeq) {
    // A missing seq: the channel layer delivers at most once, so ask for what we missed.
    state.gapTimer = setTimeout(
      () => client.send("rooms.sync", { since: state.contiguousSeq }).catch(commandFailed),
      1500,
    );
  }
}

function insertMessage(message) {
  const list = $("chat-messages");
  const item = document.createElement("li");
  item.dataset.seq = message.seq;
  const author = document.createElement("span");
  author.className = "author";
  author.textContent = message.author.name;
  const time = document.createElement("time");
  time.dateTime = message.created_at;
  time.textContent = new Date(message.created_at).toLocaleTimeString(document.documentElement.lang, {
    hour: "2-digit",
    minute: "2-digit",
  });
  const text = document.createElement("p");
  text.className = "text";
  text.textContent = message.deleted ? t.deleted : message.text;
  item.append(author, " ", time, text);
  if (message.deleted) item.classList.add("deleted");
  else if (state.me && state.me.capabilities.moderate_room) item.append(deleteButton(message));
  const next = [...list.children].find((li) => Number(li.dataset.seq) > message.seq);
  list.insertBefore(item, next || null);
  if (!next) $("chat-log").scrollTop = $("chat-log").scrollHeight;
}

function deleteButton(message) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button delete-message";
  button.textContent = t.delete;
  button.setAttribute("aria-label", fmt(t.delete_message_of, { name: message.author.name }));
  button.addEventListener("click", async () => {
    if (await confirmAction(t.confirm_delete, button))
      client.send("rooms.delete_message", { seq: message.seq }).catch(commandFailed);
  });
  return button;
}

function markDeleted(seq) {
  const message = state.messages.get(seq);
  if (message) message.deleted = true;
  const item = $("chat-log").querySelector(`li[data-seq="${seq}"]`);
  if (!item) return;
  const hadFocus = item.contains(document.activeElement);
  item.classList.add("deleted");
  item.querySelector(".text").textContent = t.deleted;
  item.querySelector(".delete-message")?.remove();
  if (hadFocus) $("chat-log").focus();
}

$("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("chat-input");
  const text = input.value.trim();
  if (!text) {
    alertUser(t.empty_message);
    return;
  }
  input.value = "";
  client.send("rooms.send_message", { text }).catch((error) => {
    if (!input.value) input.value = text; // give the text back rather than lose it
    commandFailed(error);
  });
});

$("chat-input").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    $("chat-form").requestSubmit();
  }
});

// Presence ----------------------------------------------------------------------------

function showPresence(summary, { announce = true } = {}) {
  const before = new Map(state.presence);
  state.presence = new Map(summary.participants.map((p) => [p.id, p]));
  $("presence-count").textContent = summary.count;
  if (announce && !summary.truncated) {
    const joined = [...state.presence.values()].filter((p) => !before.has(p.id));
    const left = [...before.values()].filter((p) => !state.presence.has(p.id));
    const news = [
      ...joined.map((p) => fmt(t.joined, { name: p.name })),
      ...left.map((p) => fmt(t.left, { name: p.name })),
    ];
    if (news.length) $("presence-announcer").textContent = news.slice(0, 3).join(" ");
  }
  renderPresence(summary);
}

function renderPresence(summary) {
  const list = $("presence-list");
  const moderator = state.me && state.me.capabilities.moderate_room;
  const items = [...state.presence.values()].map((person) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = person.name + (state.me && person.id === state.me.id ? ` ${t.you}` : "");
    item.append(name);
    if (person.role) {
      const role = document.createElement("span");
      role.className = "badge";
      role.textContent = t[`role_${person.role}`];
      item.append(" ", role);
    }
    if (state.muted.has(person.id)) {
      const badge = document.createElement("span");
      badge.className = "badge muted";
      badge.textContent = t.muted_badge;
      item.append(" ", badge);
    }
    // those who run the room are not muted or removed: the rule's answer (presence), not their role
    if (moderator && !person.moderates && person.id !== state.me.id) item.append(moderationButtons(person));
    return item;
  });
  if (summary && summary.truncated) {
    const more = document.createElement("li");
    more.textContent = fmt(t.more_people, { count: summary.count - summary.participants.length });
    items.push(more);
  }
  list.replaceChildren(...items);
}

function moderationButtons(person) {
  const group = document.createElement("span");
  group.className = "actions";
  const muted = state.muted.has(person.id);
  const mute = linkButton(fmt(muted ? t.unmute : t.mute, { name: person.name }), () =>
    client.send("rooms.mute_participant", { user_id: person.id, muted: !muted }).catch(commandFailed),
  );
  const remove = linkButton(fmt(t.remove, { name: person.name }), async (button) => {
    if (await confirmAction(fmt(t.confirm_remove, { name: person.name }), button))
      client.send("rooms.remove_participant", { user_id: person.id }).catch(commandFailed);
  });
  group.append(mute, remove);
  return group;
}

function participantMuted({ user_id: userId, muted }) {
  if (muted) state.muted.add(userId);
  else state.muted.delete(userId);
  renderPresence();
}

// Hands -------------------------------------------------------------------------------

function showHands(queue, { announce = true } = {}) {
  const before = new Set(state.hands.map((h) => h.user_id));
  state.hands = queue;
  const raised = queue.filter((h) => !before.has(h.user_id));
  if (announce && raised.length)
    $("hands-announcer").textContent = raised.map((h) => fmt(t.hand_raised, { name: h.name })).join(" ");
  else if (announce) $("hands-announcer").textContent = plural(t.hands_count, queue.length);
  const mine = state.me && queue.some((h) => h.user_id === state.me.id);
  setPressed($("hand-toggle"), mine, mine ? t.lower_hand : t.raise_hand);
  renderHands();
  stage.handsCount(queue.length);
}

function renderHands() {
  const moderator = state.me && state.me.capabilities.moderate_room;
  $("hands-clear").hidden = !moderator || state.hands.length === 0;
  const ids = state.hands.map((h) => h.user_id);
  const items = state.hands.map((hand, index) => {
    const item = document.createElement("li");
    item.textContent = hand.name;
    if (moderator) {
      const group = document.createElement("span");
      group.className = "actions";
      const move = (delta) => {
        const order = [...ids];
        [order[index], order[index + delta]] = [order[index + delta], order[index]];
        client.send("rooms.reorder_hands", { user_ids: order }).catch(commandFailed);
      };
      if (index > 0) group.append(linkButton(fmt(t.move_up, { name: hand.name }), () => move(-1)));
      if (index < ids.length - 1)
        group.append(linkButton(fmt(t.move_down, { name: hand.name }), () => move(1)));
      group.append(
        linkButton(fmt(t.lower_hand_of, { name: hand.name }), () =>
          client.send("rooms.lower_hand", { user_id: hand.user_id }).catch(commandFailed),
        ),
      );
      item.append(" ", group);
    }
    return item;
  });
  $("hands-list").replaceChildren(...items);
}

$("hand-toggle").addEventListener("click", () => {
  const raised = $("hand-toggle").getAttribute("aria-pressed") === "true";
  client.send(raised ? "rooms.lower_hand" : "rooms.raise_hand").catch(commandFailed);
});
$("hands-clear").addEventListener("click", () => client.send("rooms.clear_hands").catch(commandFailed));

// Room state and capabilities ------------------------------------------------------

function showRoom(room) {
  state.room = room;
  $("room-state").textContent = room.locked ? t.locked_state : "";
  setPressed($("lock-toggle"), room.locked, room.locked ? t.unlock : t.lock);
  setPressed($("chat-open-toggle"), room.residents_can_chat, room.residents_can_chat ? t.close_chat : t.open_chat);
}

function setCapabilities(capabilities) {
  const wasModerator = state.me && state.me.capabilities.moderate_room;
  if (state.me) state.me.capabilities = capabilities;
  const input = $("chat-input");
  input.disabled = !capabilities.send_message;
  $("chat-send").disabled = !capabilities.send_message;
  const muted = state.me && state.muted.has(state.me.id);
  // rooms.send_message refuses the muted, and otherwise only residents while the chat is closed to them
  $("chat-help").textContent = capabilities.send_message
    ? defaultChatHelp
    : muted
      ? t.cannot_write_muted
      : t.cannot_write_resident;
  $("hand-toggle").disabled = !capabilities.raise_hand;
  $("moderation").hidden = !capabilities.moderate_room;
  stage.facilitator(Boolean(capabilities.moderate_room));
  if (wasModerator !== capabilities.moderate_room) {
    renderPresence();
    renderHands();
  }
}

$("lock-toggle").addEventListener("click", () =>
  client.send("rooms.lock_room", { locked: !state.room.locked }).catch(commandFailed),
);
$("chat-open-toggle").addEventListener("click", () =>
  client.send("rooms.open_chat", { open: !state.room.residents_can_chat }).catch(commandFailed),
);

// Confirmation: the focus goes back to what opened it (or the chat log if it is gone).
function confirmAction(text, opener) {
  return confirmWith(text, opener, { fallback: () => $("chat-log") });
}

client.connect();
