// The one WebSocket client of Council: envelope, acks, reconnection with back-off, resync.
//
// Every frame is {type, request_id, payload}. send() resolves on the server's `ack`
// and rejects on its `error`. Commands not yet acknowledged when the socket drops
// are sent again after reconnecting, with the same request_id, which the server
// uses to apply them only once; a command sent on MAX_SENDS connections without an
// answer is given up (rejected with code "undelivered"), so a command that kills the
// socket cannot loop forever. Close codes 4401, 4403, 4409 (too many sockets for this
// person), 4410 and 4429 are final (docs/asyncapi.yaml, "Close codes").
//
// Each module subscribes to the frame types it handles: `client.on(type, handler)` calls
// `handler(payload, frame)` for every frame of that type, in the order of subscription; the
// connection's state is the local event "client.status" ({state, delay, code}). An `error`
// frame that answers no pending command goes to "error" handlers. `accept(frame)`, if given,
// drops frames before any handler sees them (room.js drops those of a room it has left).
//
// Each page load has its own `tab` id, sent with every connection: the server drops
// the presence left behind by this page's previous socket if its process died.

const FINAL_CLOSE_CODES = new Set([4401, 4403, 4409, 4410, 4429]);
const MAX_SENDS = 3;

function randomTabId() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class RealtimeClient {
  constructor(path, { query = () => ({}), accept = () => true } = {}) {
    this.path = path;
    this.query = query;
    this.accept = accept;
    this.handlers = new Map(); // frame type -> [handler]
    this.pending = new Map(); // request_id -> {frame, resolve, reject, sends}
    this.attempt = 0;
    this.counter = 0;
    this.closedForGood = false;
    this.prefix = Math.random().toString(36).slice(2, 10);
    this.tab = randomTabId();
  }

  /** Call `handler(payload, frame)` for each frame of `type`; return a function that stops it. */
  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(handler);
    return () => {
      const list = this.handlers.get(type) || [];
      const index = list.indexOf(handler);
      if (index >= 0) list.splice(index, 1);
    };
  }

  emit(frame) {
    if (!this.accept(frame)) return;
    for (const handler of [...(this.handlers.get(frame.type) || [])]) {
      try {
        handler(frame.payload || {}, frame);
      } catch (error) {
        console.error(`handler of ${frame.type} failed`, error); // the other modules go on
      }
    }
  }

  onStatus(status) {
    this.emit({ type: "client.status", payload: status });
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams(
      Object.entries({ ...this.query(), tab: this.tab }).filter(
        ([, v]) => v !== null && v !== undefined,
      ),
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
      for (const [requestId, waiting] of this.pending) this.resend(socket, requestId, waiting);
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
      else if (frame.type === "error") this.emit(frame);
      return;
    }
    this.emit(frame);
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

  resend(socket, requestId, waiting) {
    if (waiting.sends >= MAX_SENDS) {
      this.pending.delete(requestId);
      waiting.reject({
        code: "undelivered",
        message: `The server did not answer this command after ${MAX_SENDS} attempts.`,
      });
      return;
    }
    waiting.sends += 1;
    socket.send(waiting.frame);
  }

  send(type, payload = {}) {
    this.counter += 1;
    const requestId = `${this.prefix}-${this.counter}`;
    const frame = JSON.stringify({ type, request_id: requestId, payload });
    return new Promise((resolve, reject) => {
      const waiting = { frame, resolve, reject, sends: 0 };
      this.pending.set(requestId, waiting);
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        waiting.sends += 1;
        this.socket.send(frame);
      }
    });
  }
}
