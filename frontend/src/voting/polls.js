// Live polls on the room page: the open poll's card above the stage, answered in place; the
// "Polls" tab with the results, the closed polls and, for facilitators, preparing and running
// polls (polls_manage.js); the full-screen view with the QR code (polls_results.js).
//
// mount(ctx) is called by room.js (a registered panel, council/voting/polls/apps.py). It reads
// the snapshot's `polls` section and the events polls.poll_opened, polls.poll_closed,
// polls.results_changed (coalesced by the server), polls.results_shown and polls.polls_changed
// (facilitators). Who sees what is the server's to decide: the page shows what it receives.
// Tallies are announced in the polite status region at most every ANNOUNCE_MS, not on each.

import { $ } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";

import { buildAnswerForm } from "./polls_answer.js";
import { createManage, moment } from "./polls_manage.js";
import { createFullScreen, renderResults, resultsArePublic } from "./polls_results.js";

const ANNOUNCE_MS = 5000;

export function mount({ client, root, t, data, confirmAction, showPanel }) {
  // The tab's panel holds results without controls for most people: it must take the focus
  // itself to be scrolled by keyboard (WAI-ARIA tabs).
  if (root) root.tabIndex = 0;
  const state = {
    roomId: null,
    canManage: false,
    open: null, // the open poll (with my_answer and results as this person may see them)
    closed: [],
    drafts: [],
    agenda: [], // the meeting's agenda items, for facilitators (the current one marked)
    shownId: null, // a poll whose results a facilitator shows to everyone
    readAnswer: null, // reads the card's form
    formFor: null, // the poll id the form was built for
    lastAnnounced: 0,
    pendingAnnounce: null,
  };
  const section = $("polls");
  const card = $("polls-card");
  const toggle = $("polls-card-toggle");
  const body = $("polls-card-body");

  // Helpers ---------------------------------------------------------------------------------

  function failed(error) {
    if (!error || error.code === "closed") return;
    $("polls-alert").textContent = fmt(t.error, { message: error.message || String(error) });
  }

  function send(type, payload) {
    $("polls-alert").textContent = "";
    return client.send(type, payload).catch((error) => {
      failed(error);
      throw error;
    });
  }

  /** Say `text` politely; tallies at most every ANNOUNCE_MS (the last one waits its turn). */
  function announce(text, { now = false } = {}) {
    const say = () => {
      state.lastAnnounced = performance.now();
      state.pendingAnnounce = null;
      $("polls-announcer").textContent = text;
    };
    clearTimeout(state.pendingAnnounce);
    const wait = ANNOUNCE_MS - (performance.now() - state.lastAnnounced);
    if (now || wait <= 0) say();
    else state.pendingAnnounce = setTimeout(say, wait);
  }

  const fullScreen = createFullScreen({
    t,
    origin: (data && data.origin) || window.location.origin,
    onClosed(poll) {
      if (state.canManage && poll && state.shownId === poll.id) {
        send("polls.show_results", { poll_id: poll.id, shown: false }).catch(() => {});
      }
    },
  });
  const originalOpen = fullScreen.open;
  fullScreen.open = (poll, opener) => {
    // What the hall sees, online participants see too, when the results are everyone's.
    if (state.canManage && resultsArePublic(poll)) {
      send("polls.show_results", { poll_id: poll.id, shown: true }).catch(() => {});
    }
    return originalOpen(poll, opener);
  };
  const manage = createManage({ t, send, confirmAction, announce, state, fullScreen });

  // Rendering -------------------------------------------------------------------------------

  function renderCard() {
    const poll = state.open;
    card.hidden = !poll;
    if (!poll) {
      state.formFor = null;
      return;
    }
    $("polls-card-question").textContent = poll.question;
    $("polls-card-full-question").textContent = poll.question; // seen in the phone's sheet
    const answered = poll.my_answer !== null && poll.my_answer !== undefined;
    $("polls-card-state").textContent = answered ? t.answered : "";
    const expanded = !body.hidden;
    toggle.textContent = expanded ? t.hide_answer : answered ? t.change_answer : t.answer_poll;
    if (state.formFor !== poll.id) {
      state.formFor = poll.id;
      state.readAnswer = buildAnswerForm({
        choices: $("polls-answer-choices"),
        legend: $("polls-answer-legend"),
        poll,
        t,
        mine: poll.my_answer,
        announce: (text) => announce(text, { now: true }),
      });
    }
    renderResults($("polls-card-results"), t, poll.kind, poll.results);
    $("polls-card-hidden").hidden = Boolean(poll.results) || resultsArePublic(poll);
  }

  function setExpanded(open, { focus = false } = {}) {
    body.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    renderCard();
    if (open && focus) {
      const first = body.querySelector("input, button");
      if (first) first.focus();
    }
  }

  function renderPanel() {
    const poll = state.open;
    section.hidden = !(state.canManage || poll || state.closed.length);
    $("polls-open").hidden = !poll;
    if (poll) {
      $("polls-open-question").textContent = poll.question;
      renderResults($("polls-open-results"), t, poll.kind, poll.results);
      $("polls-open-hidden").hidden = Boolean(poll.results) || resultsArePublic(poll);
    }
    $("polls-closed-part").hidden = state.closed.length === 0;
    const closed = [...state.closed].reverse().map((item) => {
      const li = document.createElement("li");
      li.className = "polls-item";
      const heading = document.createElement("p");
      heading.className = "polls-question";
      const where = moment(item, t);
      heading.textContent = where ? `${where} — ${item.question}` : item.question;
      const results = document.createElement("div");
      renderResults(results, t, item.kind, item.results);
      li.append(heading, results);
      if (state.canManage) {
        const show = document.createElement("button");
        show.type = "button";
        show.className = "button secondary small";
        show.textContent = t.full_screen;
        show.setAttribute("aria-label", `${t.full_screen} : ${item.question}`);
        show.addEventListener("click", () => fullScreen.open(item, show));
        li.append(show);
      }
      return li;
    });
    $("polls-closed").replaceChildren(...closed);
    manage.render();
  }

  function render() {
    renderCard();
    renderPanel();
  }

  // Frames ----------------------------------------------------------------------------------

  client.on("rooms.room_synced", (snapshot) => {
    const polls = snapshot.polls;
    if (!polls) {
      Object.assign(state, { open: null, closed: [], drafts: [], agenda: [], canManage: false });
      render();
      return;
    }
    Object.assign(state, {
      roomId: polls.room_id,
      canManage: polls.can_manage,
      open: polls.open,
      closed: polls.closed,
      drafts: polls.drafts || [],
      agenda: polls.agenda || [],
    });
    render();
  });

  client.on("polls.poll_opened", ({ poll }) => {
    state.open = poll;
    state.drafts = state.drafts.filter((draft) => draft.id !== poll.id);
    announce(fmt(t.poll_opened, { question: poll.question }), { now: true });
    render();
    if (state.focusCardOnOpen) {
      state.focusCardOnOpen = false;
      toggle.focus();
    }
  });

  client.on("polls.poll_closed", ({ poll }) => {
    if (state.open && state.open.id === poll.id) state.open = null;
    state.closed = [...state.closed.filter((item) => item.id !== poll.id), poll];
    fullScreen.update(poll);
    announce(fmt(t.poll_closed, { question: poll.question }), { now: true });
    render();
  });

  client.on("polls.results_changed", (results) => {
    const poll = state.open;
    if (!poll || poll.id !== results.poll_id) return; // a late tally of a poll closed meanwhile
    poll.results = results;
    fullScreen.update(poll);
    renderResults($("polls-card-results"), t, poll.kind, results);
    renderPanel();
    announce(plural(t.results_updated, results.respondents));
  });

  client.on("polls.results_shown", ({ shown, poll }) => {
    state.shownId = shown ? poll.id : null;
    if (!shown) return;
    if (poll.status === "closed") state.closed = [...state.closed.filter((item) => item.id !== poll.id), poll];
    else if (state.open && state.open.id === poll.id) state.open = { ...state.open, results: poll.results };
    announce(fmt(t.results_shown, { question: poll.question }), { now: true });
    render();
    if (!state.canManage) showPanel("polls");
  });

  client.on("polls.polls_changed", ({ polls, agenda }) => {
    state.drafts = polls.filter((poll) => poll.status === "draft");
    state.agenda = agenda || [];
    manage.render();
  });

  // The card: answer in place -----------------------------------------------------------------

  toggle.addEventListener("click", () => setExpanded(body.hidden, { focus: true }));

  $("polls-answer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const poll = state.open;
    const answer = state.readAnswer && state.readAnswer();
    const error = $("polls-answer-error");
    error.textContent = "";
    if (!poll) return;
    if (!answer) {
      error.textContent = t.choose_one;
      return;
    }
    try {
      const ack = await client.send("polls.answer", { poll_id: poll.id, answer });
      if (state.open && state.open.id === ack.poll_id) state.open.my_answer = ack.answer;
      announce(t.answered, { now: true });
      renderCard();
    } catch (refused) {
      if (refused && refused.code !== "closed") error.textContent = refused.message || String(refused);
    }
  });

  // Reached from the poll's short link (/p/<code>/ → the room page, #polls).
  if (window.location.hash === "#polls") {
    let landed = false;
    const land = () => {
      if (landed || !state.open) return;
      landed = true;
      showPanel("polls");
      setExpanded(true, { focus: true });
    };
    client.on("rooms.room_synced", () => setTimeout(land, 0));
  }
}
