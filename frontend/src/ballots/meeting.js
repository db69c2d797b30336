// The votes of a meeting on the room page: each vote's status, participation and ballot box head.
//
// mount({ client, root, t, data }): a panel of the room page (council/voting/ballots/apps.py).
// `rooms.room_synced` brings `votes` (the public state of every vote of the meeting past its
// draft); `ballots.participation_changed` and `ballots.vote_changed` update one vote. No
// result is ever sent before closing: the results are on the vote's own pages. Each open vote
// is also cast on the stage, one card per vote (stage.js, templates/ballots/_stage.html). Those who run the votes
// (data.can_manage) take each vote to its next step from here (ballots.step); the server checks
// the right, the quorum of a sitting and the order of the steps.
import { fmt } from "../core/i18n.js";

import { mountStage } from "./stage.js";

export function mount({ client, root, t, data }) {
  const list = root.querySelector("#meeting-votes");
  const status = root.querySelector("#meeting-votes-status");
  const votes = new Map();
  const alert = root.querySelector("#meeting-votes-error");
  mountStage({ client, t: t.stage, data });

  //: the next step of a vote in each status, for those who run the votes
  const NEXT = { frozen: "open", open: "close", closed: "publish" };

  let stepped = ""; // the id of the step button just pressed: the focus goes back there once redrawn

  async function step(vote, name, button) {
    alert.textContent = "";
    stepped = button.id;
    button.disabled = true;
    try {
      await client.send("ballots.step", { vote_id: vote.vote_id, step: name });
    } catch (refused) {
      if (!refused || refused.code === "closed") return;
      alert.textContent = fmt(t.step_error, { title: vote.title, message: refused.message || String(refused) });
      button.disabled = false;
      button.focus();
    }
  }

  function stepButton(vote) {
    const name = NEXT[vote.status];
    if (!data.can_manage || !name) return null;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary";
    button.id = `meeting-vote-${vote.vote_id}-step`;
    button.textContent = t.steps[name];
    button.setAttribute("aria-label", fmt(t.step_label, { step: t.steps[name], title: vote.title }));
    button.addEventListener("click", () => step(vote, name, button));
    return button;
  }

  function item(vote) {
    const li = document.createElement("li");
    li.className = "meeting-vote";
    const link = document.createElement("a");
    link.href = `${data.votes_url}${vote.vote_id}/`;
    link.textContent = vote.title;
    link.setAttribute("aria-label", fmt(t.open_page, { title: vote.title }));
    const state = document.createElement("p");
    state.textContent = fmt(t.state, { status: t.status[vote.status] || vote.status, count: vote.participation });
    const head = document.createElement("p");
    head.className = "hash";
    head.textContent = fmt(t.head, { head: vote.head });
    li.append(link, state, head);
    const button = stepButton(vote);
    if (button) li.append(button);
    return li;
  }

  function render() {
    const inside = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : "";
    const focused = stepped || inside;
    stepped = "";
    list.replaceChildren(...[...votes.values()].map(item));
    // the step just taken replaces its button: focus goes to the vote's next step, or its link
    if (focused) (document.getElementById(focused) || list.querySelector("button, a"))?.focus();
    if (!votes.size) status.textContent = t.none;
  }

  client.on("rooms.room_synced", (payload) => {
    votes.clear();
    for (const vote of payload.votes || []) votes.set(vote.vote_id, vote);
    render();
  });
  client.on("ballots.vote_changed", (payload) => {
    votes.set(payload.vote_id, payload);
    render();
    status.textContent = fmt(t.changed, { title: payload.title, status: t.status[payload.status] || payload.status });
  });
  client.on("ballots.participation_changed", (payload) => {
    const vote = votes.get(payload.vote_id);
    if (!vote) return;
    votes.set(payload.vote_id, { ...vote, participation: payload.participation, head: payload.head });
    render();
  });
}
