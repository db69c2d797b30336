// The one Leaflet set-up of every map of the site: zones, a budget's projects, its results,
// a consultation's contributions. Leaflet is loaded before the page's module as the global L
// (a classic script from vendor/leaflet: no build step), only on pages that have a map.
//
// A map is always an extra beside a list that says the same thing (RGAA: its text
// alternative). Its block stays hidden until the map starts, so that without Leaflet, without
// tiles or on an error the page keeps only the list; Leaflet's keyboard handling stays on
// (arrows pan, +/- zoom, Tab leaves the map), and the wheel does not zoom while a page scrolls.

/** Leaflet, when the page loaded it. */
export const leaflet = () => window.L || null;

/** A text node in a span: Leaflet inserts a string as HTML, and titles are written by people. */
export function textElement(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span;
}

/**
 * Show `block`, name `container` as a region (by `label`, or by the element `labelledBy`) and
 * make a map there with the operator's tiles (`config.tileUrl`, `config.attribution`).
 *
 * Tiles are decoration: if their server cannot be reached, what is drawn still shows. The
 * attribution is HTML by design (a link to the tiles' licence): it comes from the operator's
 * MAP_TILE_ATTRIBUTION setting, never from a council or a resident.
 */
export function createMap(container, config, { block = null, label = "", labelledBy = "" } = {}) {
  const L = leaflet();
  if (block) block.hidden = false; // before L.map: Leaflet measures the container
  container.setAttribute("role", "region");
  if (label) container.setAttribute("aria-label", label);
  if (labelledBy) container.setAttribute("aria-labelledby", labelledBy);
  const map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  return map;
}

/**
 * One marker per point ({latitude, longitude, title}), named by its title for screen readers
 * (`title` and `alt` of the marker's image) and with `tooltip(point)` as its tooltip, which
 * Leaflet also opens when the marker has the keyboard focus. `onOpen(point)` runs on a click
 * or on Enter. With `link(point)` (a URL), a click or Enter opens a popup holding a link of the
 * point's title: see linkPopup. The map is fitted to the markers.
 */
export function addMarkers(map, points, options = {}) {
  const L = leaflet();
  const markers = points.map((point) => pointMarker(point, options).addTo(map));
  if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [24, 24], maxZoom: 16 });
  return markers;
}

/** The marker of one point, as addMarkers makes it, not yet on a map (for a layer such as a cluster group). */
export function pointMarker(point, { tooltip = (p) => p.title, onOpen = null, link = null } = {}) {
  const marker = leaflet().marker([point.latitude, point.longitude], { title: point.title, alt: point.title });
  marker.bindTooltip(textElement(tooltip(point)));
  if (onOpen) marker.on("click", () => onOpen(point, marker));
  if (link) linkPopup(marker, point.title, link(point));
  return marker;
}

/**
 * A popup with one link (a text node: titles are written by people). Opened from the keyboard,
 * it takes the focus to its link; Escape closes it and gives the focus back to the marker, so
 * that the map never holds the keyboard.
 */
function linkPopup(marker, text, url) {
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.textContent = text;
  marker.bindPopup(anchor);
  anchor.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.stopPropagation();
    marker.closePopup();
    marker.getElement()?.focus();
  });
  marker.on("popupopen", () => {
    if (document.activeElement === marker.getElement()) anchor.focus();
  });
}

/** Run `start` when Leaflet is there; a failure leaves the page as it is (with its list). */
export function startMap(what, start) {
  if (!leaflet()) return;
  try {
    start(leaflet());
  } catch (error) {
    console.error(`${what} could not start`, error);
  }
}
