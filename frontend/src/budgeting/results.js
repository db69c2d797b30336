// The results page of a budget: the officials' progress while the results are computed (polled,
// told in a status region, the page reloaded once done), and the map of the selected projects
// (frontend/src/core/map.js; the list and the table are its text alternative, so without
// Leaflet or tiles the map block simply stays hidden).
import { addMarkers, createMap, startMap } from "../core/map.js";

const box = document.getElementById("results-progress");

if (box && (box.dataset.status === "queued" || box.dataset.status === "running")) {
  const bar = document.getElementById("results-progress-bar");
  const status = document.getElementById("results-progress-status");
  const tick = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const figures = await response.json();
        if (bar) bar.value = figures.percent;
        if (figures.status === "done" || figures.status === "failed") {
          status.textContent = figures.status === "done" ? status.dataset.done : figures.error;
          window.location.reload();
          return;
        }
        status.textContent = status.dataset.running.replace("__PERCENT__", String(figures.percent));
      }
    } catch (error) { /* offline for a moment: try again */ }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}

startMap("The map of the selected projects", () => {
  const container = document.getElementById("budget-map");
  if (!container) return;
  const config = JSON.parse(document.getElementById("budget-map-config").textContent);
  const points = JSON.parse(document.getElementById("budget-map-points").textContent);
  const map = createMap(container, config, { block: document.getElementById("budget-map-block"), labelledBy: "map-heading" });
  addMarkers(
    map,
    points.map((point) => ({ ...point, latitude: point.lat, longitude: point.lng })),
    { tooltip: (point) => `${point.title} (${point.cost})` },
  );
});
