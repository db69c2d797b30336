// The vote page: the receipt number made in the browser, live participation, copying the receipt.
//
// Without JavaScript the tracker field stays empty and the server makes one (tracker.js).
// Participation and the box's head arrive over the vote's socket (docs/asyncapi.yaml,
// "ballots.*"); nothing else about the ballots is sent before closing.
import { RealtimeClient } from "../realtime/client.js";

import { newTracker, offerCopy } from "./tracker.js";

function showState(payload) {
  const participation = document.getElementById("vote-participation");
  const head = document.getElementById("vote-head");
  if (participation && payload.participation !== undefined) {
    const text = String(payload.participation);
    if (participation.textContent !== text) participation.textContent = text;
  }
  if (head && payload.head) head.textContent = payload.head;
}

function followVote() {
  const facts = document.getElementById("vote-facts");
  if (!facts || !facts.dataset.socket || !document.getElementById("vote-participation")) return;
  const client = new RealtimeClient(facts.dataset.socket);
  client.on("ballots.vote_synced", showState);
  client.on("ballots.participation_changed", showState);
  client.on("ballots.vote_changed", showState);
  client.connect();
}

// one receipt per ballot form: the holder's own and each grantor's (a proxy holder's page)
for (const trackerField of document.querySelectorAll("input.ballot-tracker")) {
  trackerField.value = newTracker();
}
followVote();
const copy = document.querySelector("[data-copy]");
if (copy) {
  const strings = document.getElementById("ballot-strings");
  offerCopy(
    copy,
    () => document.getElementById(copy.dataset.copy).textContent,
    document.getElementById("copy-status"),
    strings ? strings.dataset.copied : "",
  );
}
