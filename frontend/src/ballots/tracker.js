// Receipts of binding votes, shared by the vote page (vote.js) and the stage card (stage.js).
//
// The tracker is 128 random bits written in base32 (RFC 4648, no padding, 26 characters): made
// in the browser before casting, so that a cast re-sent after a lost connection carries the
// same one and the server counts it once (council/voting/ballots/services.py, ballot_cast).
// The server checks its form and hands it back as the receipt. It is never stored in the
// browser: whoever holds it can find the ballot once the box is published.

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

/**
 * Show `button` (hidden until the clipboard is known to be there) and copy `text()` on click,
 * saying `copied` in the `status` live region.
 */
export function offerCopy(button, text, status, copied) {
  if (!button || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const value = text().trim();
    if (!value) return;
    await navigator.clipboard.writeText(value);
    if (status) {
      status.textContent = "";
      status.textContent = copied;
    }
  });
}

/** Where the published list finds this receipt (the page answers once the results are published). */
export function ballotsLink(ballotsUrl, tracker) {
  return `${ballotsUrl}?tracker=${encodeURIComponent(tracker)}`;
}
