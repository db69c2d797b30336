// A petition's page, live: its count of signatures (coalesced by the server) and its state
// (threshold reached, answered) arrive over the petition's socket (docs/asyncapi.yaml,
// "petitions.*"). Text nodes only; signing is the page's form and works without script.
import { RealtimeClient } from "../realtime/client.js";
import { $, element, setText } from "../core/dom.js";
import { loadStrings, plural } from "../core/i18n.js";

const strings = loadStrings("petition-strings");
const root = $("petition");

function count(payload) {
  setText(root.querySelector("[data-signatures]"), plural(strings.signatures, payload.signatures));
}

function changed(state) {
  count(state);
  const live = $("petition-live");
  if (state.status === "answered" && state.answer) {
    const answer = root.querySelector("[data-answer]");
    answer.querySelector("[data-answer-text]").replaceChildren(element("p", { className: "live-text", text: state.answer }));
    if (answer.hidden) setText(live, strings.answered);
    answer.hidden = false;
  } else if (state.status === "awaiting") {
    setText(live, strings.reached);
  }
}

if (root && root.dataset.socket) {
  const client = new RealtimeClient(root.dataset.socket);
  client.on("petitions.petition_synced", (state) => {
    count(state);
    root.dataset.synced = "1"; // connected (tests wait for it)
  });
  client.on("petitions.signatures_changed", count);
  client.on("petitions.petition_changed", changed);
  client.connect();
}
