// A consultation's pages, live: new contributions, supports, comments and moderation decisions
// arrive over the consultation's socket (docs/asyncapi.yaml, "consultation.*") and are applied
// to the page without reload. Everything is built with text nodes; the forms work without script.
import { RealtimeClient } from "../realtime/client.js";
import { $, element, setText } from "../core/dom.js";
import { fmt, loadStrings, plural } from "../core/i18n.js";

const strings = loadStrings("consultation-strings");
const list = $("contributions"); // the consultation's page
const article = $("contribution"); // a contribution's page
const root = list || article;

function announce(text) {
  const live = $("consultation-live");
  if (live) setText(live, text);
}

function setCounts(scope, payload) {
  const endorsements = scope.querySelector("[data-endorsements]");
  const comments = scope.querySelector("[data-comments]");
  if (endorsements && payload.endorsements !== undefined) setText(endorsements, plural(strings.endorsements, payload.endorsements));
  if (comments && payload.comments !== undefined) setText(comments, plural(strings.comments, payload.comments));
}

function card(contribution) {
  const item = element("li", { className: "contribution-card", attrs: { id: `contribution-${contribution.id}`, "data-contribution": contribution.id } });
  const heading = element("h3");
  heading.append(element("a", { text: contribution.title, attrs: { href: contribution.url } }));
  const meta = element("p", { className: "meta", text: `${fmt(strings.by, { author: contribution.author })} · ` });
  if (contribution.category) meta.append(`${contribution.category} · `);
  meta.append(element("span", { className: `status status-${contribution.status}`, text: strings.statuses[contribution.status], attrs: { "data-status": "" } }));
  const counts = element("p", { className: "counts" });
  counts.append(element("span", { attrs: { "data-endorsements": "" } }), " · ", element("span", { attrs: { "data-comments": "" } }));
  item.append(heading, meta, element("p", { className: "plain-text live-text", text: contribution.body }), counts);
  setCounts(item, contribution);
  return item;
}

function scopeOf(id) {
  if (article && String(article.dataset.contribution) === String(id)) return article;
  return list ? document.getElementById(`contribution-${id}`) : null;
}

function published(contribution) {
  if (!list) return;
  list.dataset.count = String(Number(list.dataset.count || 0) + 1);
  if (list.dataset.sort === "recent" && list.dataset.page === "1" && !scopeOf(contribution.id)) {
    list.prepend(card(contribution));
    const empty = $("no-contribution");
    if (empty) empty.hidden = true;
  }
  announce(fmt(strings.new_contribution, { title: contribution.title }));
}

function changed(contribution) {
  const scope = scopeOf(contribution.id);
  if (!scope) return;
  setCounts(scope, contribution);
  const status = scope.querySelector("[data-status]");
  if (status) setText(status, strings.statuses[contribution.status]);
  if (scope !== article) return;
  setText(scope.querySelector("[data-title]"), contribution.title);
  const body = scope.querySelector("[data-body]");
  if (body.textContent.trim() !== contribution.body.trim()) body.replaceChildren(element("p", { className: "live-text", text: contribution.body }));
  const reason = scope.querySelector("[data-status-reason]");
  reason.replaceChildren(...(contribution.status_reason ? [element("p", { className: "live-text", text: contribution.status_reason })] : []));
  const answer = scope.querySelector("[data-answer]");
  if (contribution.answer) {
    const text = answer.querySelector("[data-answer-text]");
    if (text.textContent.trim() !== contribution.answer.trim()) text.replaceChildren(element("p", { className: "live-text", text: contribution.answer }));
    if (answer.hidden) announce(strings.answer);
    answer.hidden = false;
  }
}

function removed(payload) {
  const scope = scopeOf(payload.id);
  if (!scope) return;
  if (scope === article) {
    announce(strings.removed);
    scope.prepend(element("p", { className: "alert", text: strings.removed, attrs: { role: "alert" } }));
    return;
  }
  scope.remove();
  list.dataset.count = String(Math.max(0, Number(list.dataset.count || 0) - 1));
}

function commentPosted(payload) {
  const scope = scopeOf(payload.contribution_id);
  if (scope) setCounts(scope, payload);
  if (scope !== article || document.getElementById(`comment-${payload.comment.id}`)) return;
  const { comment } = payload;
  const parent = comment.parent_id ? document.querySelector(`[data-replies="${comment.parent_id}"]`) : $("comments");
  if (!parent) return;
  const item = element("li", { className: `comment stance-${comment.stance}`, attrs: { id: `comment-${comment.id}`, "data-comment": comment.id } });
  const meta = element("p", { className: "meta" });
  meta.append(element("strong", { text: comment.author }), ` · ${strings.stances[comment.stance]}`);
  item.append(meta, element("p", { className: "plain-text live-text", text: comment.body }), element("ol", { className: "replies", attrs: { "data-replies": comment.id } }));
  parent.append(item);
  const empty = $("no-comment");
  if (empty) empty.hidden = true;
  announce(fmt(strings.new_comment, { author: comment.author }));
}

function commentHidden(payload) {
  const scope = scopeOf(payload.contribution_id);
  if (scope) setCounts(scope, payload);
  const comment = document.getElementById(`comment-${payload.comment_id}`);
  if (!comment || scope !== article) return;
  const replies = comment.querySelector(":scope > .replies");
  comment.replaceChildren(element("p", { className: "hidden-note", text: strings.comment_hidden }), ...(replies ? [replies] : []));
}

function synced(state) {
  // A reconnect after missed events: say so, rather than guess what changed.
  // (a searched or filtered list counts what it found, not every contribution)
  if (list && list.dataset.synced && list.dataset.sort !== "filtered" && Number(list.dataset.count) !== state.contributions) {
    const status = $("consultation-connection");
    const reload = element("button", { className: "link-button", text: strings.reload, attrs: { type: "button" } });
    reload.addEventListener("click", () => window.location.reload());
    status.replaceChildren(`${strings.missed} `, reload);
  }
  root.dataset.synced = "1"; // connected (tests wait for it)
}

if (root && root.dataset.socket) {
  const client = new RealtimeClient(root.dataset.socket);
  client.on("consultation.consultation_synced", synced);
  client.on("consultation.contribution_published", published);
  client.on("consultation.contribution_changed", changed);
  client.on("consultation.contribution_removed", removed);
  client.on("consultation.endorsements_changed", (payload) => {
    const scope = scopeOf(payload.contribution_id);
    if (scope) setCounts(scope, payload);
  });
  client.on("consultation.comment_posted", commentPosted);
  client.on("consultation.comment_hidden", commentHidden);
  client.connect();
}
