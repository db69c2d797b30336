// The meeting's live Q&A (templates/questions/_questions.html), a panel of the room page.
//
// mount({ client, root, t, data }): reads `snapshot.questions` from each `rooms.room_synced`
// and follows its own events (council/voting/questions/events.py):
//   questions.question_changed    a question as everyone sees it (or its author, while it waits)
//   questions.question_moderated  the facilitation team's view: real author, reason, merges
//   questions.question_removed    hidden, withdrawn or merged
//   questions.votes_changed       coalesced counts (never one per upvote)
//   questions.shown_changed       the question on the projector
//   questions.settings_changed    open, moderated, anonymous allowed
//
// The lists are updated in place (replaceKeepingFocus), so the keyboard focus stays on the
// button it was on, or falls back to the list itself after an action removed its item. The
// polite status region tells new approved questions, not votes.

import { button, setPressed } from "../core/buttons.js";
import { openDialog } from "../core/dialog.js";
import { element, replaceKeepingFocus, setText } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";

const VISIBLE = new Set(["approved", "answered"]);
const EXCERPT = 80; // characters of a question quoted in labels and announcements

export function mount({ client, root: panel, t, data }) {
  const root = panel.querySelector("#questions");
  const $ = (name) => root.querySelector(`#questions-${name}`);
  const text = $("text");
  const maxChars = Number(text.dataset.max);

  const state = {
    ready: false,
    roomId: null, // the meeting's plenary: a person's own events reach every socket of theirs
    settings: { open: true, moderated: false, anonymous_allowed: true },
    questions: new Map(), // id -> question (public fields, plus the moderated ones for facilitators)
    mine: new Set(),
    voted: new Set(),
    shownId: null,
    canAsk: false,
    canModerate: false,
    sort: "popular",
  };

  if (data && data.screen_url) $("screen-link").href = data.screen_url;

  // Frames ------------------------------------------------------------------------------

  client.on("rooms.room_synced", (snapshot) => {
    const section = snapshot.questions;
    root.hidden = !section;
    if (!section) return;
    state.questions = new Map(section.questions.map((q) => [q.id, q]));
    for (const q of section.moderation || []) state.questions.set(q.id, { ...state.questions.get(q.id), ...q });
    state.mine = new Set(section.mine);
    state.voted = new Set(section.voted);
    state.shownId = section.shown ? section.shown.id : null;
    state.canAsk = section.can_ask;
    state.canModerate = section.can_moderate;
    state.roomId = section.room_id;
    state.ready = true;
    applySettings(section);
    render();
  });

  const ours = (payload) => payload.room_id === state.roomId;

  client.on("questions.question_changed", (question) => {
    if (!ours(question)) return; // asked in another meeting this person also follows
    const before = state.questions.get(question.id);
    merge(question);
    const isNew = !before || !VISIBLE.has(before.status);
    if (isNew && VISIBLE.has(question.status) && !state.mine.has(question.id))
      announce(fmt(t.new_question, { text: excerpt(question.text) }));
    render();
  });
  client.on("questions.question_moderated", (question) => {
    merge(question);
    render();
  });
  client.on("questions.question_removed", (removed) => {
    if (!ours(removed)) return;
    if (state.canModerate) merge(removed); // the facilitation team keeps it (hidden, merged)
    else state.questions.delete(removed.id);
    if (removed.status === "withdrawn") state.mine.delete(removed.id);
    render();
  });
  client.on("questions.votes_changed", ({ votes }) => {
    for (const { id, votes: count } of votes) {
      const question = state.questions.get(id);
      if (question) question.votes = count;
    }
    render();
  });
  client.on("questions.shown_changed", ({ question }) => {
    if (question) merge(question);
    state.shownId = question ? question.id : null;
    render();
  });
  client.on("questions.settings_changed", (settings) => {
    applySettings(settings);
    render();
  });

  function merge(question) {
    state.questions.set(question.id, { ...state.questions.get(question.id), ...question });
  }

  function applySettings(settings) {
    state.settings = {
      open: settings.open,
      moderated: settings.moderated,
      anonymous_allowed: settings.anonymous_allowed,
    };
    $("form").hidden = !state.canAsk || !settings.open;
    $("closed").hidden = settings.open;
    $("anonymous-field").hidden = !settings.anonymous_allowed;
    if (!settings.anonymous_allowed) $("anonymous").checked = false;
    $("moderated-note").hidden = !settings.moderated || state.canModerate;
    $("open-setting").checked = settings.open;
    $("moderated-setting").checked = settings.moderated;
    $("anonymous-setting").checked = settings.anonymous_allowed;
  }

  function announce(message) {
    $("status").textContent = message;
  }

  function excerpt(value) {
    return value.length > EXCERPT ? `${value.slice(0, EXCERPT - 1)}…` : value;
  }

  // Lists -------------------------------------------------------------------------------

  function byPopularity(a, b) {
    return b.votes - a.votes || a.created_at.localeCompare(b.created_at) || a.id - b.id;
  }

  function byRecency(a, b) {
    return b.created_at.localeCompare(a.created_at) || b.id - a.id;
  }

  function render() {
    if (!state.ready) return;
    const all = [...state.questions.values()];
    const open = all.filter((q) => q.status === "approved" || (q.status === "pending" && state.mine.has(q.id)));
    open.sort(state.sort === "popular" ? byPopularity : byRecency);
    const answered = all.filter((q) => q.status === "answered");
    answered.sort((a, b) => (b.answered_at || "").localeCompare(a.answered_at || ""));
    fill($("list"), open);
    fill($("answered"), answered);
    $("empty").hidden = open.length > 0;
    $("answered-heading").hidden = answered.length === 0;
    $("moderation").hidden = !state.canModerate;
    $("queue").hidden = !state.canModerate;
    if (state.canModerate) {
      const pending = all.filter((q) => q.status === "pending").sort(byRecency).reverse();
      fill($("pending"), pending);
      $("pending-empty").hidden = pending.length > 0;
      const hidden = all.filter((q) => q.status === "hidden");
      fill($("hidden"), hidden);
      $("hidden-heading").hidden = hidden.length === 0;
      const shown = state.questions.get(state.shownId);
      setText($("shown"), shown ? shown.text : t.nothing_shown);
      $("unshow").hidden = !shown;
    }
    for (const [name, value] of [["popular", "popular"], ["recent", "recent"]])
      setPressed($(`sort-${name}`), state.sort === value);
  }

  function fill(list, questions) {
    replaceKeepingFocus(list, questions.map(item), () => list);
  }

  function item(question) {
    const li = element("li", { attrs: { "data-question-id": question.id } });
    li.dataset.focusKey = `q${question.id}-${question.status}-${question.votes}-${question.shortlisted}`;
    if (question.id === state.shownId) li.classList.add("shown");
    li.append(element("p", { className: "question-text", text: question.text }));
    li.append(element("p", { className: "question-meta", text: meta(question) }));
    li.append(actions(question));
    return li;
  }

  function meta(question) {
    const parts = [];
    if (state.canModerate && question.asked_by)
      parts.push(fmt(question.anonymous ? t.asked_by_anonymous : t.asked_by, { name: question.asked_by.name }));
    else parts.push(question.author ? fmt(t.asked_by, { name: question.author.name }) : t.anonymous_author);
    if (VISIBLE.has(question.status)) parts.push(plural(t.votes, question.votes));
    if (question.status === "pending") parts.push(t.pending_badge);
    if (question.status === "answered") parts.push(t.answered_badge);
    if (question.shortlisted) parts.push(t.shortlisted_badge);
    if (question.id === state.shownId) parts.push(t.shown_badge);
    if (state.mine.has(question.id)) parts.push(t.yours_badge);
    if (question.status === "hidden" && question.hidden_reason)
      parts.push(fmt(t.hidden_reason, { reason: question.hidden_reason }));
    return parts.join(" · ");
  }

  function actions(question) {
    const group = element("div", { className: "question-actions" });
    const key = (name) => `${name}-${question.id}`;
    const add = (label, name, onClick, extra = {}) => {
      const node = button(label, onClick, { focusKey: key(name), ...extra });
      group.append(node);
      return node;
    };
    if (VISIBLE.has(question.status)) {
      const voted = state.voted.has(question.id);
      const upvote = add(t.upvote, "upvote", () => vote(question.id), {
        ariaLabel: fmt(t.upvote_label, { text: excerpt(question.text) }),
      });
      setPressed(upvote, voted);
    }
    if (state.mine.has(question.id) && question.status !== "merged")
      add(t.withdraw, "withdraw", () => send("questions.withdraw", { question_id: question.id }, t.withdrawn));
    if (!state.canModerate) return group;
    const id = { question_id: question.id };
    if (question.status === "pending" || question.status === "hidden")
      add(t.approve, "approve", () => send("questions.approve", id));
    if (question.status !== "hidden") add(t.hide, "hide", (opener) => hide(question, opener));
    if (VISIBLE.has(question.status)) {
      add(question.shortlisted ? t.unshortlist : t.shortlist, "shortlist", () =>
        send("questions.shortlist", { ...id, shortlisted: !question.shortlisted }),
      );
      const answered = question.status === "answered";
      add(answered ? t.unanswer : t.answer, "answer", () =>
        send("questions.mark_answered", { ...id, answered: !answered }),
      );
      if (question.id !== state.shownId) add(t.show, "show", () => send("questions.show", id));
    }
    if (question.status !== "hidden")
      add(t.merge, "merge", (opener) => merge_(question, opener), {
        ariaLabel: fmt(t.merge_label, { text: excerpt(question.text) }),
      });
    return group;
  }

  // Commands ------------------------------------------------------------------------------

  function send(type, payload, done) {
    $("alert").textContent = "";
    return client.send(type, payload).then(
      (result) => {
        if (done) announce(done);
        return result;
      },
      (error) => {
        if (error && error.code !== "closed") $("alert").textContent = fmt(t.error, { message: error.message });
        throw error;
      },
    );
  }

  const ignore = () => {};

  function vote(questionId) {
    const voted = state.voted.has(questionId);
    send(voted ? "questions.unvote" : "questions.upvote", { question_id: questionId }).then((result) => {
      if (result.voted) state.voted.add(questionId);
      else state.voted.delete(questionId);
      const question = state.questions.get(questionId);
      if (question) question.votes = result.votes;
      render();
    }, ignore);
  }

  async function hide(question, opener) {
    const dialog = $("hide-dialog");
    const reason = $("hide-reason");
    setText($("hide-title"), excerpt(question.text));
    reason.value = "";
    const fallback = () => opener.closest("ul");
    const answer = await openDialog(dialog, { opener, fallback });
    if (answer !== "confirm") return;
    if (!reason.value.trim()) {
      $("alert").textContent = t.hide_reason;
      return;
    }
    send("questions.hide", { question_id: question.id, reason: reason.value.trim() }, t.done).catch(ignore);
  }

  async function merge_(question, opener) {
    const select = $("merge-into");
    const targets = [...state.questions.values()].filter(
      (q) => q.id !== question.id && (VISIBLE.has(q.status) || q.status === "pending"),
    );
    if (!targets.length) return;
    select.replaceChildren(
      ...targets.map((q) => element("option", { text: excerpt(q.text), attrs: { value: String(q.id) } })),
    );
    setText($("merge-title"), fmt(t.merge_label, { text: excerpt(question.text) }));
    const answer = await openDialog($("merge-dialog"), { opener, fallback: () => opener.closest("ul") });
    if (answer !== "confirm") return;
    send("questions.merge", { question_id: question.id, into_id: Number(select.value) }, t.merged).catch(ignore);
  }

  // Enter in the reason hides (the form's first button is Cancel, which Enter would press).
  $("hide-reason").addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    $("hide-confirm").click();
  });

  // Asking ------------------------------------------------------------------------------

  function countChars() {
    const left = maxChars - text.value.trim().length;
    setText($("count"), left >= 0 ? plural(t.chars_left, left) : plural(t.chars_over, -left));
    return left;
  }

  text.addEventListener("input", countChars);
  countChars();

  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    text.removeAttribute("aria-invalid");
    const value = text.value.trim();
    if (!value || countChars() < 0) {
      text.setAttribute("aria-invalid", "true");
      $("alert").textContent = value ? plural(t.chars_over, -countChars()) : t.empty_text;
      text.focus();
      return;
    }
    const anonymous = state.settings.anonymous_allowed && $("anonymous").checked;
    send("questions.ask", { text: value, anonymous }).then((result) => {
      state.mine.add(result.question_id);
      text.value = "";
      $("anonymous").checked = false;
      countChars();
      announce(result.status === "pending" ? t.sent_pending : t.sent);
      render();
      text.focus();
    }, ignore);
  });

  // Sorting, the projector, settings -------------------------------------------------------

  $("sort-popular").addEventListener("click", () => {
    state.sort = "popular";
    render();
  });
  $("sort-recent").addEventListener("click", () => {
    state.sort = "recent";
    render();
  });
  $("unshow").addEventListener("click", () => send("questions.unshow", {}).then(() => $("list").focus(), ignore));
  for (const [name, field] of [
    ["open-setting", "open"],
    ["moderated-setting", "moderated"],
    ["anonymous-setting", "anonymous_allowed"],
  ])
    $(name).addEventListener("change", (event) =>
      send("questions.configure", { [field]: event.target.checked }, t.settings_saved).catch(() => {
        event.target.checked = !event.target.checked;
      }),
    );
}
