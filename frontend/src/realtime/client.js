// The one WebSocket client of Council: envelope, acks, reconnection with back-off, resync.
//
// Every frame is {type, request_id, payload}. send() resolves on the server's `ack`
// and rejects on its `error`. Commands not yet acknowledged when the socket drops
// are sent again after reconnecting, with the same request_id, which the server
// uses to apply them only once. Close codes 4401, 4403, 4410 and 4429 are final.

const FINAL_CLOSE_CODES = new Set([4401, 4403, 4410, 4429]);

export class RealtimeClient {
  constructor(path, { onEvent, onStatus, query = () => ({}) }) {
    this.path = path;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.query = query;
    this.pending = new Map(); // request_id -> {frame, resolve, reject}
    this.attempt = 0;
    this.counter = 0;
    this.closedForGood = false;
    this.prefix = Math.random().toString(36).slice(2, 10);
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams(
      Object.entries(this.query()).filter(([, v]) => v !== null && v !== undefined),
    );
    const search = params.toString() ? `?${params}` : "";
    return `${scheme}//${window.location.host}${this.path}${search}`;
  }

  connect() {
    this.onStatus({ state: "connecting" });
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.attempt = 0;
      this.onStatus({ state: "open" });
      for (const { frame } of this.pending.values()) socket.send(frame);
    });
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", (event) => this.closed(event.code));
  }

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.type === "ack" || frame.type === "error") {
      const waiting = this.pending.get(frame.request_id);
      this.pending.delete(frame.request_id);
      if (waiting && frame.type === "ack") waiting.resolve(frame.payload);
      else if (waiting) waiting.reject(frame.payload);
      else if (frame.type === "error") this.onEvent(frame);
      return;
    }
    this.onEvent(frame);
  }

  closed(code) {
    if (this.socket && this.socket.readyState !== WebSocket.CLOSED) return;
    if (FINAL_CLOSE_CODES.has(code)) {
      this.closedForGood = true;
      for (const waiting of this.pending.values()) waiting.reject({ code: "closed" });
      this.pending.clear();
      this.onStatus({ state: "closed", code });
      return;
    }
    // Full jitter: spread reconnections so a restarted server is not hit all at once.
    const ceiling = Math.min(30000, 500 * 2 ** this.attempt);
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.attempt += 1;
    this.onStatus({ state: "reconnecting", delay });
    setTimeout(() => this.connect(), delay);
  }

  send(type, payload = {}) {
    this.counter += 1;
    const requestId = `${this.prefix}-${this.counter}`;
    const frame = JSON.stringify({ type, request_id: requestId, payload });
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { frame, resolve, reject });
      if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
    });
  }
}
