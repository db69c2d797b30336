// The map of a consultation's contributions that have a place (frontend/src/core/map.js). The
// markers are not in the page: they are fetched as compact rows from the map data endpoint
// (council/consultation/markers.py, with the page's filters) and clustered by
// Leaflet.markercluster, so that thousands of them stay fast. Each marker is named by the
// contribution's title and opens a popup linking to it; a cluster is a button named by its
// count, which Enter zooms into. The paged list on the page is the map's text alternative (it
// also holds the contributions without a place); without Leaflet, or if the data cannot be
// fetched, the map block stays hidden. New, changed and removed contributions arrive over the
// consultation's socket and move the markers (and the list's first page) without reload. The
// council's zones are drawn under the markers.
import { RealtimeClient } from "../realtime/client.js";
import { $, element, setText } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";
import { createMap, leaflet, pointMarker, startMap } from "../core/map.js";

const ID = 0, LAT = 1, LNG = 2, STATUS = 4, TITLE = 5; // the positions of markers.FIELDS

const config = JSON.parse($("contribution-map-config").textContent);
const strings = config.strings;
const places = $("contribution-places");
const markers = new Map(); // contribution id → its marker
let map = null;
let cluster = null;

const contributionUrl = (id) => config.contributionUrl.replace(/\/0\/$/, `/${id}/`);

function announce(text) {
  setText($("consultation-live"), text);
}

/** A cluster's icon: its count shown, and what it is said to screen readers (a text node, no HTML). */
function clusterIcon(group) {
  const L = leaflet();
  const count = group.getChildCount();
  const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
  const label = element("div");
  label.append(element("span", { text: String(count), attrs: { "aria-hidden": "true" } }));
  label.append(element("span", { className: "visually-hidden", text: plural(strings.cluster, count) }));
  return L.divIcon({ html: label, className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(40, 40) });
}

function start(rows) {
  const L = leaflet();
  map = createMap($("contribution-map"), config, { block: $("contribution-map-block"), label: config.label });
  if (config.zones.features.length) {  // the council's zones, under the markers (not focusable: the list names the places)
    L.geoJSON(config.zones, { style: () => ({ color: "#1f4e79", weight: 2, fillOpacity: 0.08 }), interactive: false }).addTo(map);
  }
  cluster = L.markerClusterGroup({ chunkedLoading: true, iconCreateFunction: clusterIcon, disableClusteringAtZoom: 18 });
  cluster.on("clusterclick", (event) => {
    // Entered from the keyboard: the cluster's button goes away as the map zooms in, so the
    // focus goes to the map (Tab then reaches the markers and clusters now shown).
    if (event.originalEvent && event.originalEvent.type.startsWith("key")) map.once("zoomend", () => map.getContainer().focus());
  });
  cluster.addLayers(rows.map(markerOf));
  map.addLayer(cluster);
  fit();
}

function fit() {
  const bounds = cluster.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
}

function markerOf(row) {
  const point = { id: row[ID], latitude: row[LAT], longitude: row[LNG], title: row[TITLE] };
  const marker = pointMarker(point, { link: () => contributionUrl(point.id) });
  markers.set(point.id, marker);
  return marker;
}

function passes(contribution) {
  const { category, status } = config.filter;
  return (!category || contribution.category === category) && (!status || contribution.status === status);
}

function forget(id) {
  const marker = markers.get(id);
  if (marker && cluster) cluster.removeLayer(marker);
  markers.delete(id);
}

/** Place (or move) a contribution heard live; one without a place, or filtered out, has no marker. */
function place(contribution) {
  forget(contribution.id);
  if (contribution.latitude === null || contribution.longitude === null || !passes(contribution)) return;
  const row = [contribution.id, contribution.latitude, contribution.longitude, null, contribution.status, contribution.title];
  if (!map) {
    start([row]);
    return;
  }
  cluster.addLayer(markerOf(row));
}

function listItem(contribution) {
  const item = element("li", { attrs: { id: `place-${contribution.id}` } });
  item.append(element("a", { text: contribution.title, attrs: { href: contribution.url } }), ": ");
  if (contribution.latitude === null) {
    item.append(strings.no_place);
  } else {
    const number = new Intl.NumberFormat(document.documentElement.lang || undefined, { minimumFractionDigits: 5, maximumFractionDigits: 5 });
    item.append(fmt(strings.place, { latitude: number.format(contribution.latitude), longitude: number.format(contribution.longitude) }));
  }
  return item;
}

function published(contribution) {
  if (!passes(contribution)) return;
  place(contribution);
  if (places.dataset.page === "1" && !$(`place-${contribution.id}`)) {
    places.prepend(listItem(contribution));
    $("no-contribution").hidden = true;
  }
  announce(fmt(strings.new_contribution, { title: contribution.title }));
}

function changed(contribution) {
  if (markers.has(contribution.id) || passes(contribution)) place(contribution);
  const item = $(`place-${contribution.id}`);
  if (item) item.replaceWith(listItem(contribution));
}

function removed(payload) {
  forget(payload.id);
  const item = $(`place-${payload.id}`);
  if (item) item.remove();
}

async function load() {
  const response = await fetch(config.markersUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`the map's data answered ${response.status}`);
  const data = await response.json();
  if (data.markers.length) start(data.markers);
  places.dataset.loaded = "1"; // the markers are on the map (tests wait for it)
}

startMap("The contributions' map", () => {
  if (!leaflet().markerClusterGroup) return;
  // Live once the markers are in, so that an event never finds the map half-made.
  load().then(listen).catch((error) => console.error("The contributions' map could not start", error));
});

function listen() {
  const client = new RealtimeClient(places.dataset.socket);
  client.on("consultation.consultation_synced", () => { places.dataset.synced = "1"; });
  client.on("consultation.contribution_published", published);
  client.on("consultation.contribution_changed", changed);
  client.on("consultation.contribution_removed", removed);
  client.connect();
}
