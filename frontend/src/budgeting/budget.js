// A budget's page: the count of submitted ballots, live during the vote (the budget's socket,
// docs/asyncapi.yaml "budgeting.*"), and the projects on a map (frontend/src/core/map.js). The
// list of projects is the map's text alternative; without Leaflet or tiles the map block stays
// hidden.
import { RealtimeClient } from "../realtime/client.js";
import { $, setText } from "../core/dom.js";
import { loadStrings, plural } from "../core/i18n.js";
import { addMarkers, createMap, startMap } from "../core/map.js";

const strings = loadStrings("budget-strings");
const participation = $("budget-participation");

if (participation && participation.dataset.socket) {
  const count = $("budget-ballots");
  const show = (payload) => {
    setText(count, plural(strings.ballots, payload.ballots));
    participation.dataset.ballots = String(payload.ballots);
  };
  const client = new RealtimeClient(participation.dataset.socket);
  client.on("budgeting.budget_synced", (payload) => {
    show(payload);
    participation.dataset.synced = "1"; // connected (tests wait for it)
  });
  client.on("budgeting.participation_changed", show);
  client.connect();
}

startMap("The projects' map", () => {
  const container = $("budget-map");
  if (!container) return;
  const config = JSON.parse($("budget-map-config").textContent);
  const points = JSON.parse($("budget-points").textContent);
  const map = createMap(container, config, { block: $("budget-map-block"), label: config.label });
  addMarkers(map, points, {
    // Opening a marker takes the focus to the project's card in the list.
    onOpen(point) {
      const card = $(`project-${point.id}`);
      if (card) {
        card.setAttribute("tabindex", "-1");
        card.focus();
      }
    },
  });
});
