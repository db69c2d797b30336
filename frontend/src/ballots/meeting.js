// The votes of a meeting on the room page: each vote's status, participation and ballot box head.
//
// mount({ client, root, t, data }): a panel of the room page (council/voting/ballots/apps.py).
// `rooms.room_synced` brings `votes` (the public state of every vote of the meeting past its
// draft); `ballots.participation_changed` and `ballots.vote_changed` update one vote. No
// result is ever sent before closing: the results are on the vote's own pages. The open vote
// is also cast on the stage (stage.js, templates/ballots/_stage.html).
import { fmt } from "../core/i18n.js";

import { mountStage } from "./stage.js";

export function mount({ client, root, t, data }) {
  const list = root.querySelector("#meeting-votes");
  const status = root.querySelector("#meeting-votes-status");
  const votes = new Map();
  mountStage({ client, t: t.stage, data });

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
    return li;
  }

  function render() {
    list.replaceChildren(...[...votes.values()].map(item));
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
