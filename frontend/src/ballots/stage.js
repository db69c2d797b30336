// The open binding vote's card above the video (templates/ballots/_stage.html), cast in place.
//
// mountStage({ client, t, data }) is called by meeting.js. The room's snapshot (`votes`) and the
// ballots.* events say which vote of the meeting is open, its participation and box head; what
// only this person needs (the options, grades, whether they may cast and why not) comes from
// the vote's stage.json, read when a vote opens. Casting is the room socket's ballots.cast with a
// tracker made here (tracker.js): the realtime client re-sends it on a new socket after a lost
// connection, and a retry by hand keeps the same tracker, so the server counts it once. No count
// per option is ever shown before closing. Participation is spoken at most every ANNOUNCE_MS.

import { openDialog } from "../core/dialog.js";
import { $, element, setText } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";

import { ballotsLink, newTracker, offerCopy } from "./tracker.js";

const ANNOUNCE_MS = 10000;
const SPREAD_MS = 1500;

export function mountStage({ client, t, data }) {
  const card = $("ballot-card");
  if (!card) return;
  const toggle = $("ballot-card-toggle");
  const body = $("ballot-card-body");
  const form = $("ballot-card-form");
  const error = $("ballot-card-error");
  const state = {
    vote: null, // the card's vote: stage.json merged with the live public state
    tracker: null, // made once per vote, kept until the server holds the ballot
    receipt: null,
    loading: null,
    lastAnnounced: 0,
    pendingAnnounce: null,
  };

  // Live regions ------------------------------------------------------------------------------

  function announce(text, { now = false } = {}) {
    const say = () => {
      state.lastAnnounced = performance.now();
      state.pendingAnnounce = null;
      setText($("ballot-card-announcer"), text);
    };
    clearTimeout(state.pendingAnnounce);
    const wait = ANNOUNCE_MS - (performance.now() - state.lastAnnounced);
    if (now || wait <= 0) say();
    else state.pendingAnnounce = setTimeout(say, wait);
  }

  function participationText(vote) {
    return plural(t.participation, vote.participation, { total: vote.electorate_size ?? "?" });
  }

  // Rendering ---------------------------------------------------------------------------------

  function render() {
    const vote = state.vote;
    card.hidden = !vote;
    if (!vote) return;
    setText($("ballot-card-title"), vote.title);
    setText($("ballot-card-sheet-title"), vote.title);
    setText($("ballot-card-text"), vote.text || "");
    setText($("ballot-card-method"), vote.method_label || "");
    setText($("ballot-card-participation"), participationText(vote));
    setText($("ballot-card-head"), vote.head || "");
    const canCast = vote.status === "open" && vote.can_cast && !state.receipt;
    form.hidden = !canCast;
    const why = $("ballot-card-why");
    const reason = state.receipt ? null : vote.status !== "open" ? "not_open" : vote.reason;
    why.hidden = !reason;
    if (reason) setText(why, fmt(t.reasons[reason] || reason, { level: vote.min_identity_level }));
    $("ballot-card-receipt").hidden = !state.receipt;
    if (state.receipt) {
      setText($("ballot-card-tracker"), state.receipt);
      $("ballot-card-ballots").href = ballotsLink(vote.ballots_url, state.receipt);
    }
    setText(toggle, !body.hidden ? t.hide : state.receipt ? t.show_receipt : t.show);
  }

  function setExpanded(open, { focus = false } = {}) {
    body.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    render();
    if (open && focus) {
      // The ballot's first field for an elector; otherwise the first thing that can be used.
      const first =
        (!form.hidden && form.querySelector("input, select")) ||
        [...body.querySelectorAll("button, a[href]")].find((node) => node.checkVisibility());
      if (first) first.focus();
    }
  }

  // The ballot's fields, one shape per counting method (the vote page's _ballot_fields.html).
  function choice(type, name, value, label, id) {
    const wrapper = element("div", { className: "choice" });
    const input = element("input", { attrs: { type, name, value, id } });
    wrapper.append(input, element("label", { text: label, attrs: { for: id } }));
    return wrapper;
  }

  function fieldset(legend, children) {
    const node = element("fieldset");
    node.append(element("legend", { text: legend }), ...children);
    return node;
  }

  function buildFields(vote) {
    const prefix = `ballot-${vote.vote_id}`;
    const options = vote.options;
    let nodes;
    if (vote.method === "approval") {
      nodes = [fieldset(t.choose_approval, options.map((o) => choice("checkbox", "approved", o.key, o.label, `${prefix}-approved-${o.key}`)))];
    } else if (vote.method === "instant_runoff") {
      const ranks = options.map((_, index) => {
        const id = `${prefix}-rank-${index + 1}`;
        const select = element("select", { attrs: { id, name: "rank" } });
        select.append(element("option", { text: "—", attrs: { value: "" } }));
        for (const o of options) select.append(element("option", { text: o.label, attrs: { value: o.key } }));
        const row = element("div", { className: "rank" });
        row.append(element("label", { text: fmt(t.rank, { rank: index + 1 }), attrs: { for: id } }), select);
        return row;
      });
      nodes = [fieldset(t.rank_legend, ranks)];
    } else if (vote.method === "majority_judgment") {
      nodes = options.map((o) => {
        const grades = element("div", { className: "grades" });
        grades.append(...vote.grades.map((grade, index) => choice("radio", `grade-${o.key}`, String(index), grade, `${prefix}-grade-${o.key}-${index}`)));
        return fieldset(fmt(t.grade_legend, { label: o.label }), [grades]);
      });
    } else {
      nodes = [fieldset(t.choose_one, options.map((o) => choice("radio", "choice", o.key, o.label, `${prefix}-choice-${o.key}`)))];
    }
    $("ballot-card-fields").replaceChildren(...nodes);
  }

  /** The ballot as the server reads it and its summary for the confirmation, or an error text. */
  function readBallot(vote) {
    const fields = $("ballot-card-fields");
    const label = (key) => (vote.options.find((o) => o.key === key) || { label: key }).label;
    if (vote.method === "approval") {
      const approved = [...fields.querySelectorAll("input:checked")].map((input) => input.value);
      return { content: { approved }, summary: approved.length ? approved.map(label).join(", ") : t.summary_none };
    }
    if (vote.method === "instant_runoff") {
      const ranking = [...fields.querySelectorAll("select")].map((select) => select.value).filter(Boolean);
      if (!ranking.length) return { problem: t.need_choice };
      return { content: { ranking }, summary: ranking.map((key, index) => `${index + 1}. ${label(key)}`).join(", ") };
    }
    if (vote.method === "majority_judgment") {
      const grades = {};
      for (const o of vote.options) {
        const picked = fields.querySelector(`input[name="grade-${CSS.escape(o.key)}"]:checked`);
        if (!picked) return { problem: t.need_grades };
        grades[o.key] = Number(picked.value);
      }
      const summary = vote.options.map((o) => `${o.label} : ${vote.grades[grades[o.key]]}`).join(", ");
      return { content: { grades }, summary };
    }
    const picked = fields.querySelector("input[name=choice]:checked");
    if (!picked) return { problem: t.need_choice };
    return { content: { choice: picked.value }, summary: label(picked.value) };
  }

  // Loading the card's vote -------------------------------------------------------------------

  async function load(publicState) {
    const id = publicState.vote_id;
    if (state.loading === id) return;
    state.loading = id;
    try {
      const response = await fetch(`${data.votes_url}${id}/stage.json`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const vote = await response.json();
      const fresh = !state.vote || state.vote.vote_id !== id;
      if (fresh) {
        state.tracker = null;
        state.receipt = null;
        error.textContent = "";
        buildFields(vote);
      }
      state.vote = { ...vote, ...pickLive(publicState, vote) };
      render();
    } catch (failure) {
      console.error("stage.json did not load", failure);
    } finally {
      state.loading = null;
    }
  }

  // The later of two views of the public state (participation only grows).
  function pickLive(live, loaded) {
    return live.participation >= loaded.participation ? { participation: live.participation, head: live.head } : {};
  }

  // `spread`: a vote just opened is read by everyone in the meeting at once; each reads it
  // within SPREAD_MS instead, so that a full hall does not ask the server in the same instant.
  function follow(votes, { spread = false } = {}) {
    const open = votes.filter((vote) => vote.status === "open");
    const current = state.vote && votes.find((vote) => vote.vote_id === state.vote.vote_id);
    // A closed vote's receipt stays on the stage until another vote opens.
    if (current && (current.status === "open" || (state.receipt && !open.length))) {
      Object.assign(state.vote, { status: current.status, participation: current.participation, head: current.head });
      render();
      if (current.status === "open" && !state.receipt) load(current); // rights may have changed while away
      return;
    }
    if (open.length) {
      const latest = open[open.length - 1]; // the latest opened, when more than one is open
      if (spread) setTimeout(() => load(latest), Math.random() * SPREAD_MS);
      else load(latest);
      return;
    }
    state.vote = null;
    render();
  }

  // Frames ------------------------------------------------------------------------------------

  const known = new Map();
  client.on("rooms.room_synced", (snapshot) => {
    known.clear();
    for (const vote of snapshot.votes || []) known.set(vote.vote_id, vote);
    follow([...known.values()]);
  });

  client.on("ballots.vote_changed", (payload) => {
    const before = known.get(payload.vote_id);
    known.set(payload.vote_id, payload);
    if (payload.status === "open" && (!before || before.status !== "open")) announce(fmt(t.opened, { title: payload.title }), { now: true });
    if (before && before.status === "open" && payload.status !== "open") announce(fmt(t.closed, { title: payload.title }), { now: true });
    follow([...known.values()], { spread: payload.status === "open" });
  });

  client.on("ballots.participation_changed", (payload) => {
    const vote = known.get(payload.vote_id);
    if (vote) known.set(payload.vote_id, { ...vote, participation: payload.participation, head: payload.head });
    if (!state.vote || state.vote.vote_id !== payload.vote_id) return;
    if (payload.participation < state.vote.participation) return; // a late, older count
    Object.assign(state.vote, { participation: payload.participation, head: payload.head });
    render();
    announce(participationText(state.vote));
  });

  // Actions -----------------------------------------------------------------------------------

  toggle.addEventListener("click", () => setExpanded(body.hidden, { focus: true }));

  const headToggle = $("ballot-card-head-toggle");
  headToggle.addEventListener("click", () => {
    const box = $("ballot-card-head-box");
    box.hidden = !box.hidden;
    headToggle.setAttribute("aria-expanded", String(!box.hidden));
    headToggle.textContent = box.hidden ? t.show_head : t.hide_head;
  });
  const copyStatus = $("ballot-card-copy-status");
  offerCopy($("ballot-card-head-copy"), () => $("ballot-card-head").textContent, copyStatus, t.copied_head);
  offerCopy($("ballot-card-copy"), () => $("ballot-card-tracker").textContent, copyStatus, t.copied);

  async function cast(opener, blank) {
    const vote = state.vote;
    error.textContent = "";
    if (!vote) return;
    const ballot = blank ? { content: { blank: true } } : readBallot(vote);
    if (ballot.problem) {
      error.textContent = ballot.problem;
      return;
    }
    setText($("ballot-confirm-text"), blank ? t.confirm_blank : fmt(t.confirm, { summary: ballot.summary }));
    const answer = await openDialog($("ballot-confirm"), { opener, fallback: () => toggle });
    if (answer !== "confirm") return;
    state.tracker = state.tracker || newTracker();
    announce(t.cast_sending, { now: true });
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    try {
      const ack = await client.send("ballots.cast", { vote_id: vote.vote_id, content: ballot.content, tracker: state.tracker });
      if (!state.vote || state.vote.vote_id !== vote.vote_id) return;
      state.receipt = ack.tracker;
      render();
      announce(t.cast_done, { now: true });
      $("ballot-card-receipt-heading").focus();
    } catch (refused) {
      if (!refused || refused.code === "closed") return;
      if (refused.code === "already_voted" || refused.code === "not_present") {
        vote.can_cast = false;
        vote.reason = refused.code === "already_voted" ? "voted" : "not_present";
        render();
        toggle.focus();
      }
      error.textContent =
        refused.code === "undelivered" ? t.undelivered : fmt(t.error, { message: refused.message || String(refused) });
    } finally {
      for (const button of form.querySelectorAll("button")) button.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    cast($("ballot-card-cast"), false);
  });
  $("ballot-card-blank").addEventListener("click", (event) => cast(event.currentTarget, true));
}
