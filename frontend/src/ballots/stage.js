// The binding votes open in the meeting, one card each above the video (templates/ballots/_stage.html),
// cast in place. A meeting may hold several votes open at once (a motion and an appointment):
// each card has its own title, ballot form, receipt and participation count, and is labelled by
// its vote's title.
//
// mountStage({ client, t, data }) is called by meeting.js. The room's snapshot (`votes`) and the
// ballots.* events say which votes of the meeting are open, their participation and box head;
// what only this person needs (the options, grades, whether they may cast and why not) comes
// from each vote's stage.json, read when it opens. Casting is the room socket's ballots.cast with
// a tracker made here (tracker.js): the realtime client re-sends it on a new socket after a lost
// connection, and a retry by hand keeps the same tracker, so the server counts it once. No count
// per option is ever shown before closing. One live region speaks for all cards: a vote newly
// opened is announced once, participation at most every ANNOUNCE_MS.

import { openDialog } from "../core/dialog.js";
import { $, element, setText } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";

import { ballotsLink, newTracker, offerCopy } from "./tracker.js";

const ANNOUNCE_MS = 10000;
const SPREAD_MS = 1500;

export function mountStage({ client, t, data }) {
  const container = $("ballot-cards");
  const template = $("ballot-card-template");
  if (!container || !template) return;
  const cards = new Map(); // vote id -> card
  const announced = new Set(); // the votes whose opening was said (once each)
  const speech = { last: 0, pending: null };

  // The live region ------------------------------------------------------------------------------

  function announce(text, { now = false } = {}) {
    const say = () => {
      speech.last = performance.now();
      speech.pending = null;
      setText($("ballot-card-announcer"), text);
    };
    clearTimeout(speech.pending);
    const wait = ANNOUNCE_MS - (performance.now() - speech.last);
    if (now || wait <= 0) say();
    else speech.pending = setTimeout(say, wait);
  }

  function participationText(vote) {
    return plural(t.participation, vote.participation, { total: vote.electorate_size ?? "?" });
  }

  // One card per vote ---------------------------------------------------------------------------

  function createCard(voteId) {
    const node = template.content.firstElementChild.cloneNode(true);
    const prefix = `ballot-card-${voteId}`;
    const part = {};
    for (const child of [node, ...node.querySelectorAll("[data-part]")]) {
      const name = child.dataset.part;
      child.id = name === "card" ? prefix : `${prefix}-${name}`;
      part[name] = child;
    }
    // Labels and relations point at this card's own parts.
    node.setAttribute("aria-labelledby", part.title.id);
    node.dataset.voteId = String(voteId);
    part.toggle.setAttribute("aria-controls", part.body.id);
    part["head-toggle"].setAttribute("aria-controls", part["head-box"].id);
    part.head.setAttribute("aria-labelledby", `${part["head-label"].id} ${part.head.id}`);
    part.receipt.setAttribute("aria-labelledby", part["receipt-heading"].id);
    part.tracker.setAttribute("aria-labelledby", part["receipt-heading"].id);

    const card = {
      id: voteId,
      node,
      part,
      vote: null, // stage.json merged with the live public state
      live: null, // the latest public state
      tracker: null, // made once per vote, kept until the server holds the ballot
      receipt: null,
      loading: false,
    };

    part.toggle.addEventListener("click", () => setExpanded(card, part.body.hidden, { focus: true }));
    part["head-toggle"].addEventListener("click", () => {
      const box = part["head-box"];
      box.hidden = !box.hidden;
      part["head-toggle"].setAttribute("aria-expanded", String(!box.hidden));
      part["head-toggle"].textContent = box.hidden ? t.show_head : t.hide_head;
    });
    offerCopy(part["head-copy"], () => part.head.textContent, part["copy-status"], t.copied_head);
    offerCopy(part.copy, () => part.tracker.textContent, part["copy-status"], t.copied);
    part.form.addEventListener("submit", (event) => {
      event.preventDefault();
      cast(card, part.cast, false);
    });
    part.blank.addEventListener("click", (event) => cast(card, event.currentTarget, true));
    return card;
  }

  function render(card) {
    const { vote, part } = card;
    card.node.hidden = !vote;
    if (!vote) return;
    setText(part.title, vote.title);
    setText(part["sheet-title"], vote.title);
    setText(part.text, vote.text || "");
    setText(part.method, vote.method_label || "");
    setText(part.participation, participationText(vote));
    setText(part.head, vote.head || "");
    const canCast = vote.status === "open" && vote.can_cast && !card.receipt;
    part.form.hidden = !canCast;
    const reason = card.receipt ? null : vote.status !== "open" ? "not_open" : vote.reason;
    part.why.hidden = !reason;
    if (reason) setText(part.why, fmt(t.reasons[reason] || reason, { kinds: vote.verification_required }));
    // where to obtain the verification the vote requires (a page of the site: the server built it)
    part.obtain.hidden = !(reason === "verification" && vote.verification_link);
    if (!part.obtain.hidden) part["obtain-link"].href = vote.verification_link;
    part.receipt.hidden = !card.receipt;
    if (card.receipt) {
      setText(part.tracker, card.receipt);
      part.ballots.href = ballotsLink(vote.ballots_url, card.receipt);
    }
    setText(part.toggle, !part.body.hidden ? t.hide : card.receipt ? t.show_receipt : t.show);
  }

  function setExpanded(card, open, { focus = false } = {}) {
    if (open) {
      // One ballot unfolded at a time: on a phone each unfolds as a sheet over the page.
      for (const other of cards.values()) if (other !== card && !other.part.body.hidden) setExpanded(other, false);
    }
    const { part } = card;
    part.body.hidden = !open;
    part.toggle.setAttribute("aria-expanded", String(open));
    render(card);
    if (open && focus) {
      // The ballot's first field for an elector; otherwise the first thing that can be used.
      const first =
        (!part.form.hidden && part.form.querySelector("input, select")) ||
        [...part.body.querySelectorAll("button, a[href]")].find((node) => node.checkVisibility());
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

  function buildFields(card, vote) {
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
    card.part.fields.replaceChildren(...nodes);
  }

  /** The ballot as the server reads it and its summary for the confirmation, or an error text. */
  function readBallot(card, vote) {
    const fields = card.part.fields;
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

  // Loading a card's vote ------------------------------------------------------------------------

  async function load(card) {
    if (card.loading) return;
    card.loading = true;
    try {
      const response = await fetch(`${data.votes_url}${card.id}/stage.json`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok || cards.get(card.id) !== card) return;
      const vote = await response.json();
      if (!card.vote) buildFields(card, vote);
      card.vote = { ...vote, ...pickLive(card.live || vote, vote) };
      if (card.live) card.vote.status = card.live.status;
      render(card);
    } catch (failure) {
      console.error("stage.json did not load", failure);
    } finally {
      card.loading = false;
    }
  }

  // The later of two views of the public state (participation only grows).
  function pickLive(live, loaded) {
    return live.participation >= loaded.participation ? { participation: live.participation, head: live.head } : {};
  }

  function removeCard(card) {
    const hadFocus = card.node.contains(document.activeElement);
    cards.delete(card.id);
    card.node.remove();
    if (hadFocus) {
      // The focus stays on the stage: the next card's button, if any.
      const next = [...cards.values()][0];
      if (next) next.part.toggle.focus();
    }
  }

  // `spread`: a vote just opened is read by everyone in the meeting at once; each reads it
  // within SPREAD_MS instead, so that a full hall does not ask the server in the same instant.
  // `reload`: after a resync, each open card reads its stage.json again (rights may have changed while away).
  function follow(votes, { spread = false, reload = false } = {}) {
    const open = votes.filter((vote) => vote.status === "open");
    const anotherOpened = open.some((vote) => !cards.has(vote.vote_id));
    for (const card of [...cards.values()]) {
      const live = votes.find((vote) => vote.vote_id === card.id);
      // A closed vote's receipt stays on the stage until another vote opens.
      const keep = live && (live.status === "open" || (card.receipt && !anotherOpened));
      if (!keep) {
        removeCard(card);
        continue;
      }
      card.live = live;
      if (card.vote) {
        Object.assign(card.vote, { status: live.status, participation: Math.max(card.vote.participation, live.participation), head: live.head });
        render(card);
      }
      if (reload && live.status === "open" && !card.receipt) load(card);
    }
    for (const vote of open) {
      if (cards.has(vote.vote_id)) continue;
      const card = createCard(vote.vote_id);
      card.live = vote;
      card.node.hidden = true; // shown once its ballot is read
      cards.set(vote.vote_id, card);
      if (spread) setTimeout(() => load(card), Math.random() * SPREAD_MS);
      else load(card);
    }
    // Cards in the order the votes were made (a stable order to tab through).
    const ordered = [...cards.values()].sort((a, b) => a.id - b.id);
    const inPlace = ordered.every((card, index) => container.children[index] === card.node);
    if (!inPlace || container.children.length !== ordered.length) {
      const focused = document.activeElement;
      container.replaceChildren(...ordered.map((card) => card.node));
      if (focused && container.contains(focused) && document.activeElement !== focused) focused.focus();
    }
  }

  // Frames --------------------------------------------------------------------------------------

  const known = new Map();
  let synced = false;
  client.on("rooms.room_synced", (snapshot) => {
    const before = new Map(known);
    known.clear();
    for (const vote of snapshot.votes || []) known.set(vote.vote_id, vote);
    for (const vote of known.values()) {
      if (vote.status !== "open") continue;
      // A vote that opened while this page was away is news once; those open on arrival are not.
      const wasOpen = before.has(vote.vote_id) && before.get(vote.vote_id).status === "open";
      if (synced && !wasOpen && !announced.has(vote.vote_id)) {
        announced.add(vote.vote_id);
        announce(fmt(t.opened, { title: vote.title }), { now: true });
      } else {
        announced.add(vote.vote_id);
      }
    }
    synced = true;
    follow([...known.values()], { reload: true });
  });

  client.on("ballots.vote_changed", (payload) => {
    const before = known.get(payload.vote_id);
    known.set(payload.vote_id, payload);
    if (payload.status === "open" && !announced.has(payload.vote_id)) {
      announced.add(payload.vote_id);
      announce(fmt(t.opened, { title: payload.title }), { now: true });
    }
    if (before && before.status === "open" && payload.status !== "open") announce(fmt(t.closed, { title: payload.title }), { now: true });
    follow([...known.values()], { spread: payload.status === "open" && (!before || before.status !== "open") });
  });

  client.on("ballots.participation_changed", (payload) => {
    const vote = known.get(payload.vote_id);
    if (vote) known.set(payload.vote_id, { ...vote, participation: payload.participation, head: payload.head });
    const card = cards.get(payload.vote_id);
    if (!card || !card.vote) return;
    if (payload.participation < card.vote.participation) return; // a late, older count
    Object.assign(card.vote, { participation: payload.participation, head: payload.head });
    render(card);
    // With several votes open, say which vote the count is of.
    const count = participationText(card.vote);
    announce(cards.size > 1 ? fmt(t.participation_of, { title: card.vote.title, count }) : count);
  });

  // Casting -------------------------------------------------------------------------------------

  async function cast(card, opener, blank) {
    const vote = card.vote;
    const { part } = card;
    part.error.textContent = "";
    if (!vote) return;
    const ballot = blank ? { content: { blank: true } } : readBallot(card, vote);
    if (ballot.problem) {
      part.error.textContent = ballot.problem;
      return;
    }
    const question = blank ? t.confirm_blank : fmt(t.confirm, { summary: ballot.summary });
    setText($("ballot-confirm-text"), cards.size > 1 ? fmt(t.confirm_in, { title: vote.title, text: question }) : question);
    const answer = await openDialog($("ballot-confirm"), { opener, fallback: () => part.toggle });
    if (answer !== "confirm") return;
    card.tracker = card.tracker || newTracker();
    announce(t.cast_sending, { now: true });
    for (const button of part.form.querySelectorAll("button")) button.disabled = true;
    try {
      const ack = await client.send("ballots.cast", { vote_id: vote.vote_id, content: ballot.content, tracker: card.tracker });
      if (cards.get(card.id) !== card) return;
      card.receipt = ack.tracker;
      render(card);
      announce(t.cast_done, { now: true });
      part["receipt-heading"].focus();
    } catch (refused) {
      if (!refused || refused.code === "closed") return;
      if (refused.code === "already_voted" || refused.code === "not_present") {
        vote.can_cast = false;
        vote.reason = refused.code === "already_voted" ? "voted" : "not_present";
        render(card);
        part.toggle.focus();
      }
      part.error.textContent =
        refused.code === "undelivered" ? t.undelivered : fmt(t.error, { message: refused.message || String(refused) });
    } finally {
      for (const button of part.form.querySelectorAll("button")) button.disabled = false;
    }
  }
}
