// The projector page of a meeting's Q&A (templates/questions/screen.html): the question the
// facilitation team shows, large, with its votes, live over the room's socket. It reads the
// `questions` section of each `rooms.room_synced`, then `questions.shown_changed`, and keeps
// the count and the answered mark of the shown question from `questions.votes_changed` and
// `questions.question_changed`.

import { $, setText } from "../core/dom.js";
import { loadStrings, plural } from "../core/i18n.js";
import { RealtimeClient } from "../realtime/client.js";

const t = loadStrings("screen-strings");
const page = $("questions-screen");
const client = new RealtimeClient(page.dataset.wsPath);
let shown = null;

function render() {
  $("screen-question").hidden = !shown;
  $("screen-meta").hidden = !shown;
  $("screen-nothing").hidden = Boolean(shown);
  if (!shown) return;
  setText($("screen-question"), shown.text);
  const parts = [shown.author ? shown.author.name : t.anonymous_author, plural(t.votes, shown.votes)];
  if (shown.status === "answered") parts.push(t.answered);
  setText($("screen-meta"), parts.join(" · "));
}

client.on("rooms.room_synced", (snapshot) => {
  shown = snapshot.questions ? snapshot.questions.shown : null;
  render();
});
client.on("questions.shown_changed", ({ question }) => {
  shown = question;
  render();
});
client.on("questions.question_changed", (question) => {
  if (shown && question.id === shown.id) {
    shown = { ...shown, ...question };
    render();
  }
});
client.on("questions.votes_changed", ({ votes }) => {
  const count = shown && votes.find((entry) => entry.id === shown.id);
  if (count) {
    shown = { ...shown, votes: count.votes };
    render();
  }
});
client.on("client.status", ({ state }) => {
  setText($("screen-connection"), state === "reconnecting" || state === "closed" ? t.disconnected : "");
});
client.connect();
