// A budget's page: the count of submitted ballots, live during the vote (the budget's socket,
// docs/asyncapi.yaml "budgeting.*"), and the projects on a map (Leaflet, loaded before this
// module as the global L). The list of projects is the map's text alternative; without Leaflet
// or tiles the map block stays hidden.
import { RealtimeClient } from "../realtime/client.js";
import { $, setText } from "../core/dom.js";
import { loadStrings, plural } from "../core/i18n.js";

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

function textElement(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span;
}

function startMap() {
  const container = $("budget-map");
  const L = window.L;
  if (!container || !L) return;
  const config = JSON.parse($("budget-map-config").textContent);
  const points = JSON.parse($("budget-points").textContent);
  $("budget-map-block").hidden = false;
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", config.label);
  const map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  const markers = points.map((point) => {
    // A project's title is a resident's text: a text node, never HTML.
    const marker = L.marker([point.latitude, point.longitude], { title: point.title, alt: point.title });
    marker.bindTooltip(textElement(point.title));
    marker.on("click", () => {
      const card = $(`project-${point.id}`);
      if (card) {
        card.setAttribute("tabindex", "-1");
        card.focus();
      }
    });
    return marker.addTo(map);
  });
  if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [24, 24], maxZoom: 16 });
}

try {
  startMap();
} catch (error) {
  console.error("The projects' map could not start", error);
}
