// The vote page: the receipt number made in the browser, live participation, copying the receipt.
//
// The tracker is 128 random bits written in base32 (RFC 4648, no padding): the server checks
// its form and hands it back as the receipt. Without JavaScript the field stays empty and
// the server makes one. Participation and the box's head arrive over the vote's socket
// (docs/asyncapi.yaml, "ballots.*"); nothing else about the ballots is sent before closing.
import { RealtimeClient } from "../realtime/client.js";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function newTracker() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

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

function offerCopy() {
  const button = document.querySelector("[data-copy]");
  if (!button || !navigator.clipboard) return;
  const strings = document.getElementById("ballot-strings");
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = document.getElementById(button.dataset.copy).textContent.trim();
    await navigator.clipboard.writeText(text);
    document.getElementById("copy-status").textContent = strings ? strings.dataset.copied : text;
  });
}

const trackerField = document.getElementById("ballot-tracker");
if (trackerField) trackerField.value = newTracker();
followVote();
offerCopy();
