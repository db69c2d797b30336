// A workshop's shared notes (a Yjs document bound to a plain textarea), its report back,
// and the workshops' reports side by side in the plenary.
//
// mount({ client, root, t }): a panel of the room page (council/workshops/apps.py).
//   Each `rooms.room_synced` gives `notes` (null outside a workshop), `reports`, `workshops`
//   and `me`, and shows or hides its sections; `workshops.notes_updated` and
//   `workshops.report_updated` are its own, and `workshops.session_updated` fetches the
//   reports when the workshops close. Moving to another room clears the messages about the
//   previous one. Switching documents happens on the snapshot: every move brings the new room's snapshot,
//     and an edit still on its way for the previous workshop names that workshop, so the
//     server refuses it rather than merging it into another workshop's notes.
//
// Every local edit becomes a Y.Text change (common prefix and suffix of the old and new
// value), and Yjs gives the update to send. Updates go one at a time, merged, no more
// often than SEND_INTERVAL_MS (the server limits commands per person). The server
// relays every update it kept, ours too: those make `confirmed`, the document as the
// server holds it, which the page falls back to when the server refuses a change.

import { fmt, plural } from "../core/i18n.js";
import * as Y from "../vendor/yjs/yjs.js";

const TEXT_NAME = "notes";
const LOCAL = "local"; // origin of the textarea's own changes
const REMOTE = "remote";
const SEND_INTERVAL_MS = 800;
const RATE_LIMITED_DELAY_MS = 3000;
const MAX_BATCH_BYTES = 40 * 1024; // the server takes updates up to 48 KiB (64 KiB frames in base64)
const INSERT_CHUNK = 8000; // characters per update when a long text is pasted

const isHighSurrogate = (code) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code) => code >= 0xdc00 && code <= 0xdfff;

export function toBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// The change from `before` to `after` as (index, removed count, inserted text), never
// cutting a surrogate pair in two (Yjs would turn its halves into U+FFFD).
export function textChange(before, after) {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start -= 1;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore -= 1;
    endAfter -= 1;
  }
  if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
    endBefore += 1;
    endAfter += 1;
  }
  return { index: start, removed: endBefore - start, inserted: after.slice(start, endAfter) };
}

function chunks(text) {
  const parts = [];
  let offset = 0;
  while (offset < text.length) {
    let end = Math.min(text.length, offset + INSERT_CHUNK);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    parts.push(text.slice(offset, end));
    offset = end;
  }
  return parts;
}

export function mount({ client, root, t }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const el = {
    section: $("notes-section"),
    topic: $("notes-topic"),
    text: $("notes-text"),
    status: $("notes-status"),
    form: $("report-form"),
    summary: $("report-summary"),
    proposals: $("report-proposals"),
    save: $("report-save"),
    reportStatus: $("report-status"),
    reportsSection: $("reports-section"),
    reportsList: $("reports-list"),
  };

  let me = null;
  let current = null; // { workshopId, doc, text, confirmed, canEdit, canReport, maxProposals }
  let shown = ""; // the textarea's value as last synchronised with the document
  let queue = []; // local updates not sent yet
  let inFlight = false;
  let timer = null;
  let lastSent = 0;
  let composing = false;
  let deferred = []; // remote updates that wait for an input method to finish composing
  let reportDirty = false;
  let session = { id: null, status: null, runs: false };
  let reports = null; // Map workshop id -> report, once the reports may be seen

  // -- the document -----------------------------------------------------------------

  function attach(doc) {
    current.doc = doc;
    current.text = doc.getText(TEXT_NAME);
    doc.on("update", (update, origin) => {
      if (origin === LOCAL && current && current.doc === doc) {
        queue.push(update);
        schedule();
      }
    });
  }

  function load(notes) {
    if (current && current.workshopId === notes.workshop_id) {
      // The same workshop after a reconnection: merge what the server holds.
      const state = fromBase64(notes.state);
      Y.applyUpdate(current.confirmed, state);
      applyRemote(state);
    } else {
      forget();
      const state = fromBase64(notes.state);
      const confirmed = new Y.Doc();
      Y.applyUpdate(confirmed, state);
      current = { workshopId: notes.workshop_id, confirmed };
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state, REMOTE);
      attach(doc);
      reportDirty = false;
      setStatus("");
      render(null);
    }
    current.canEdit = notes.can_edit;
    current.canReport = notes.can_report;
    current.maxProposals = notes.max_proposals;
    el.text.read_only = !notes.can_edit;
    if (!notes.can_edit) setStatus(t.read_only);
    el.topic.textContent = notes.topic || "";
    el.topic.hidden = !notes.topic;
    showReportForm(notes.report);
    el.section.hidden = false;
  }

  function forget() {
    if (current) {
      current.doc.destroy();
      current.confirmed.destroy();
    }
    current = null;
    queue = [];
    deferred = [];
    clearTimeout(timer);
    timer = null;
    shown = "";
    el.text.value = "";
    el.section.hidden = true;
  }

  // The server refused a change: go back to the document it holds, under a new client id.
  function fallBack() {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(current.confirmed), REMOTE);
    current.doc.destroy();
    queue = [];
    attach(doc);
    const caret = el.text.selectionStart;
    render(null);
    if (document.activeElement === el.text) el.text.setSelectionRange(caret, caret);
  }

  function applyRemote(update) {
    if (composing) {
      deferred.push(update);
      return;
    }
    const focused = document.activeElement === el.text;
    const selection = focused
      ? {
          start: Y.createRelativePositionFromTypeIndex(current.text, el.text.selectionStart),
          end: Y.createRelativePositionFromTypeIndex(current.text, el.text.selectionEnd),
          direction: el.text.selectionDirection,
        }
      : null;
    Y.applyUpdate(current.doc, update, REMOTE);
    render(selection);
  }

  function render(selection) {
    const value = current.text.toString();
    shown = value;
    if (value === el.text.value) return;
    const scroll = el.text.scrollTop;
    el.text.value = value;
    if (selection) {
      const start = Y.createAbsolutePositionFromRelativePosition(selection.start, current.doc);
      const end = Y.createAbsolutePositionFromRelativePosition(selection.end, current.doc);
      if (start && end) el.text.setSelectionRange(start.index, end.index, selection.direction || "none");
    }
    el.text.scrollTop = scroll;
  }

  function localInput() {
    if (!current || !current.canEdit || composing) return;
    const value = el.text.value;
    if (value === shown) return;
    const { index, removed, inserted } = textChange(shown, value);
    const parts = chunks(inserted);
    current.doc.transact(() => {
      if (removed) current.text.delete(index, removed);
      if (parts.length) current.text.insert(index, parts[0]);
    }, LOCAL);
    let offset = index + (parts[0] || "").length;
    for (const part of parts.slice(1)) {
      current.doc.transact(() => current.text.insert(offset, part), LOCAL); // one update each
      offset += part.length;
    }
    shown = value;
  }

  // -- sending ----------------------------------------------------------------------

  function schedule(delay = Math.max(0, lastSent + SEND_INTERVAL_MS - Date.now())) {
    if (timer || inFlight || !queue.length) return;
    timer = setTimeout(send, delay);
  }

  function send() {
    timer = null;
    if (!current || inFlight || !queue.length) return;
    const batch = [queue.shift()];
    let size = batch[0].length;
    while (queue.length && size + queue[0].length <= MAX_BATCH_BYTES) {
      size += queue[0].length;
      batch.push(queue.shift());
    }
    const update = batch.length === 1 ? batch[0] : Y.mergeUpdates(batch);
    const workshopId = current.workshopId;
    inFlight = true;
    lastSent = Date.now();
    client
      .send("workshops.notes_update", { workshop_id: workshopId, update: toBase64(update) })
      .catch((error) => refused(error, update, workshopId))
      .finally(() => {
        inFlight = false;
        schedule();
      });
  }

  function refused(error, update, workshopId) {
    if (!current || current.workshopId !== workshopId || !error || error.code === "closed") return;
    if (error.code === "rate_limited") {
      queue.unshift(update);
      lastSent = Date.now() + RATE_LIMITED_DELAY_MS;
      return;
    }
    fallBack();
    setStatus(fmt(t.notes_rejected, { message: error.message || error.code }));
  }

  function setStatus(text) {
    el.status.textContent = text;
  }

  // -- the report back --------------------------------------------------------------

  function showReportForm(report) {
    const count = current.maxProposals || 0;
    if (el.proposals.children.length !== count) {
      el.proposals.replaceChildren();
      for (let number = 1; number <= count; number += 1) {
        const item = document.createElement("li");
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = "text";
        input.id = `report-proposal-${number}`;
        input.maxLength = 300;
        label.htmlFor = input.id;
        label.textContent = fmt(t.proposal_label, { number });
        item.append(label, input);
        el.proposals.append(item);
      }
    }
    if (!reportDirty) fillReport(report);
    for (const field of el.form.querySelectorAll("textarea, input, button")) field.disabled = !current.canReport;
  }

  function proposalInputs() {
    return [...el.proposals.querySelectorAll("input")];
  }

  function fillReport(report) {
    el.summary.value = (report && report.summary) || "";
    const proposals = (report && report.proposals) || [];
    proposalInputs().forEach((input, i) => {
      input.value = proposals[i] || "";
    });
    reportDirty = false;
  }

  function saveReport(event) {
    event.preventDefault();
    if (!current) return;
    const workshopId = current.workshopId;
    el.reportStatus.textContent = t.saving;
    client
      .send("workshops.save_report", {
        workshop_id: workshopId,
        summary: el.summary.value,
        proposals: proposalInputs().map((input) => input.value),
      })
      .then(
        (result) => {
          reportDirty = false;
          el.reportStatus.textContent = t.saved;
          if (result && result.report) upsertReport(result.report);
        },
        (error) => {
          el.reportStatus.textContent = fmt(t.not_saved, { message: (error && error.message) || "" });
        },
      );
  }

  function reportUpdated(payload) {
    upsertReport(payload.report);
    if (!current || payload.workshop_id !== current.workshopId) return;
    if (!reportDirty) fillReport(payload.report);
    else if (!payload.by || payload.by.id !== me) el.reportStatus.textContent = fmt(t.report_changed, { name: payload.by ? payload.by.name : "" });
  }

  // -- the reports side by side ------------------------------------------------------

  function showReports(list) {
    reports = list ? new Map(list.map((report) => [report.workshop_id, report])) : null;
    renderReports();
  }

  function upsertReport(report) {
    if (!reports || !reports.has(report.workshop_id)) return;
    reports.set(report.workshop_id, { ...reports.get(report.workshop_id), ...report });
    renderReports();
  }

  function renderReports() {
    const list = reports ? [...reports.values()] : [];
    const written = list.filter((r) => r.summary || r.proposals.length || r.notes_text);
    el.reportsSection.hidden = !written.length;
    el.reportsList.replaceChildren(...written.map(reportCard));
  }

  function reportCard(report) {
    const article = document.createElement("article");
    const headingId = `reports-workshop-${report.workshop_id}`;
    article.setAttribute("aria-labelledby", headingId);
    const add = (tag, text, parent = article) => {
      const node = document.createElement(tag);
      if (text !== undefined) node.textContent = text;
      parent.append(node);
      return node;
    };
    add("h3", report.name).id = headingId;
    if (report.topic) add("p", report.topic).className = "help";
    if (report.members !== undefined) add("p", plural(t.members_count, report.members)).className = "help";
    if (!report.summary && !report.proposals.length) add("p", t.no_report);
    if (report.summary) {
      add("h4", t.summary_heading);
      add("p", report.summary).className = "notes-text";
    }
    if (report.proposals.length) {
      add("h4", t.proposals_heading);
      const list = add("ol");
      for (const proposal of report.proposals) add("li", proposal, list);
    }
    if (report.notes_text) {
      const details = add("details");
      add("summary", fmt(t.notes_of, { name: report.name }), details);
      add("div", report.notes_text, details).className = "notes-text";
    }
    return article;
  }

  function fetchReports(sessionId) {
    client.send("workshops.reports", { session_id: sessionId }).then(
      (result) => {
        if (session.id === result.session_id) showReports(result.reports);
      },
      () => {}, // not (yet) for this person
    );
  }

  function sessionUpdated(view) {
    const before = session;
    session = { id: view.session_id, status: view.status, runs: Boolean(view.can && view.can.run) };
    const closedNow = view.status === "closed" && (before.status !== "closed" || before.id !== view.session_id);
    if (closedNow || (session.runs && before.id !== view.session_id)) fetchReports(view.session_id);
  }

  // -- wiring -----------------------------------------------------------------------

  el.text.addEventListener("input", localInput);
  el.text.addEventListener("compositionstart", () => {
    composing = true;
  });
  el.text.addEventListener("compositionend", () => {
    composing = false;
    localInput();
    const waiting = deferred;
    deferred = [];
    for (const update of waiting) if (current) applyRemote(update);
  });
  el.form.addEventListener("submit", saveReport);
  el.form.addEventListener("input", () => {
    reportDirty = true;
    el.reportStatus.textContent = "";
  });

  let roomId = null;
  client.on("rooms.room_synced", (snapshot) => {
    const roomChanged = roomId !== null && snapshot.room && snapshot.room.id !== roomId;
    if (snapshot.room) roomId = snapshot.room.id;
    me = snapshot.me ? snapshot.me.id : me;
    const view = snapshot.workshops;
    session = view
      ? { id: view.session_id, status: view.status, runs: Boolean(view.can && view.can.run) }
      : { id: null, status: null, runs: false };
    if (snapshot.notes) load(snapshot.notes);
    else forget();
    showReports(snapshot.reports);
    if (roomChanged) {
      // The snapshot of the new room already switched documents, and queued edits belong to
      // the document shown; what remains are the messages about the previous room.
      setStatus(current && !current.canEdit ? t.read_only : "");
      el.reportStatus.textContent = "";
    }
  });
  client.on("workshops.notes_updated", (payload) => {
    if (current && payload.workshop_id === current.workshopId) {
      const update = fromBase64(payload.update);
      Y.applyUpdate(current.confirmed, update);
      applyRemote(update);
    }
  });
  client.on("workshops.report_updated", reportUpdated);
  client.on("workshops.session_updated", sessionUpdated);
}
