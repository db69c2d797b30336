// The map of a consultation's contributions that have a place (frontend/src/core/map.js): each
// marker is named by the contribution's title and opens a popup linking to it. The list on the
// page is the map's text alternative (it also holds the contributions without a place); without
// Leaflet or tiles the map block stays hidden.
import { $ } from "../core/dom.js";
import { addMarkers, createMap, startMap } from "../core/map.js";

startMap("The contributions' map", () => {
  const container = $("contribution-map");
  if (!container) return;
  const config = JSON.parse($("contribution-map-config").textContent);
  const points = JSON.parse($("contribution-points").textContent);
  const map = createMap(container, config, { block: $("contribution-map-block"), label: config.label });
  addMarkers(map, points, { link: (point) => point.url });
});
