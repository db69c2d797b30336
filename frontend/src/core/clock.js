// The server's clock, as far as this page can tell: every countdown on the page compares
// deadlines with it, so all participants see the same time left whatever their own clock.

let offset = 0; // the server's clock minus ours, in milliseconds

/** Learn the offset from a `server_now` the server sent (ignored when missing). */
export function syncClock(serverNow) {
  if (serverNow) offset = Date.parse(serverNow) - Date.now();
}

/** Now on the server's clock, in milliseconds since the epoch. */
export function serverNow() {
  return Date.now() + offset;
}

/** Whole seconds from now until the ISO date `iso` (0 once passed; null without a date). */
export function secondsUntil(iso) {
  return iso ? Math.max(0, Math.ceil((Date.parse(iso) - serverNow()) / 1000)) : null;
}

/** "4:05" or "1:02:03". */
export function clockText(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
